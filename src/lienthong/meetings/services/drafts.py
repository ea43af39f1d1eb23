"""The meeting's documents — the invitation (giấy mời), the minutes (biên bản) and the
conclusion notice (thông báo kết luận) — started as drafts of the existing drafting flow,
prefilled from the meeting, so they are reviewed, signed, numbered, issued and delivered to the
other agencies' queues like any outgoing document."""

from __future__ import annotations

import io

import docx
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency, User
from lienthong.core.audit import record_event
from lienthong.documents.models import DocumentType
from lienthong.drafting.constants import SigningAuthority
from lienthong.drafting.models import Draft
from lienthong.drafting.services import create_draft

from ..constants import DOCUMENT_TYPE_NAMES, MeetingDraftKind, MeetingState, Reply
from ..models import Meeting, MeetingDraft
from ..permissions import can_organise, require

SUBJECTS = {
    MeetingDraftKind.INVITATION: "Mời dự họp: %s",
    MeetingDraftKind.MINUTES: "Biên bản cuộc họp: %s",
    MeetingDraftKind.CONCLUSION: "Thông báo kết luận cuộc họp: %s",
}


def _local(moment) -> str:  # type: ignore[no-untyped-def]
    return timezone.localtime(moment).strftime("%H giờ %M, ngày %d/%m/%Y")


def recipient_agencies(meeting: Meeting) -> list[Agency]:
    """The invited agencies and the agencies of officials of other agencies invited by name."""
    ids = set(
        meeting.participants.filter(agency__isnull=False).values_list("agency_id", flat=True)
    ) | set(
        meeting.participants.filter(user__isnull=False)
        .exclude(user__agency_id=meeting.agency_id)
        .values_list("user__agency_id", flat=True)
    )
    return list(Agency.objects.filter(pk__in=ids - {meeting.agency_id}, is_active=True))


def _body(meeting: Meeting, kind: MeetingDraftKind) -> bytes:
    """The first version of the draft: the particulars of the meeting, for the drafter to
    complete (python-docx)."""
    document = docx.Document()
    agency = meeting.agency
    document.add_paragraph(agency.governing_body_name or "")
    document.add_paragraph(agency.name.upper())
    abbreviation = DocumentType.objects.get(name=DOCUMENT_TYPE_NAMES[kind]).abbreviation
    document.add_paragraph(f"Số:      /{abbreviation}-{agency.abbreviation}")
    heading = {
        MeetingDraftKind.INVITATION: "GIẤY MỜI",
        MeetingDraftKind.MINUTES: "BIÊN BẢN",
        MeetingDraftKind.CONCLUSION: "THÔNG BÁO",
    }[kind]
    document.add_heading(heading, level=1)
    document.add_paragraph(SUBJECTS[kind] % meeting.title)
    document.add_paragraph(f"Thời gian: {_local(meeting.starts_at)} đến {_local(meeting.ends_at)}")
    place = meeting.room.name if meeting.room else ""
    if meeting.is_online:
        place = (
            (place + "; " if place else "")
            + "trực tuyến ("
            + meeting.get_video_provider_display()
            + ")"
        )
    document.add_paragraph(f"Địa điểm: {place}")
    document.add_paragraph(f"Chủ trì: {meeting.chair.full_name}")
    document.add_paragraph("Thành phần:")
    for participant in meeting.participants.select_related("user", "agency"):
        line = str(participant)
        if kind != MeetingDraftKind.INVITATION:
            if participant.reply == Reply.DEPUTY:
                line += f" (cử {participant.deputy_name} dự thay)"
            elif participant.reply == Reply.DECLINE:
                line += " (vắng: " + participant.reason + ")"
        document.add_paragraph(f"- {line}")
    document.add_paragraph("Nội dung:")
    for item in meeting.agenda.all():
        document.add_paragraph(f"{item.ordinal}. {item.title}")
    if kind == MeetingDraftKind.CONCLUSION:
        document.add_paragraph("Kết luận của chủ trì: ...")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@transaction.atomic
def draft_meeting_document(
    *, actor: User, meeting: Meeting, kind: MeetingDraftKind | str, signer: User | None = None
) -> Draft:
    """Start the invitation, the minutes or the conclusion notice of the meeting as a draft of
    the actor's unit, to be signed by `signer` (the chair by default)."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require(can_organise(actor, meeting), _("You may not change this meeting."))
    kind = MeetingDraftKind(kind)
    if kind != MeetingDraftKind.INVITATION and meeting.state != MeetingState.HELD:
        raise ValidationError(
            _("Minutes and conclusions are drafted after the meeting is held (record attendance).")
        )
    if meeting.drafts.filter(kind=kind).exists():
        raise ValidationError(_("This meeting already has that document."), code="exists")
    recipients = recipient_agencies(meeting)
    named = [
        str(p.user)
        for p in meeting.participants.filter(user__agency_id=meeting.agency_id).select_related(
            "user"
        )
    ]
    external = "; ".join(["Như thành phần mời" if named else "", "Lưu: VT"]).strip("; ")
    document_type = DocumentType.objects.get(name=DOCUMENT_TYPE_NAMES[kind])
    draft = create_draft(
        actor=actor,
        # A leader who chairs and has no unit drafts in the organiser's (the office).
        drafting_unit=actor.unit or meeting.created_by.unit,
        document_type=document_type,
        subject=SUBJECTS[kind] % meeting.title,
        signer=signer or meeting.chair,
        signing_authority=SigningAuthority.NONE,
        recipient_agencies=recipients,
        external_recipients=external,
        upload=io.BytesIO(_body(meeting, kind)),
        file_name=f"{document_type.abbreviation.lower()}-hop-{meeting.pk}.docx",
        note=_("Prefilled from the meeting"),
    )
    MeetingDraft.objects.create(meeting=meeting, kind=kind, draft=draft)
    record_event(
        action="meetings.document_drafted",
        actor=actor,
        obj=meeting,
        data={"kind": str(kind), "draft": draft.pk},
    )
    return draft
