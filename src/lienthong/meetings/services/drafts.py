"""The meeting's documents — the invitation (giấy mời), the minutes (biên bản) and the
conclusion notice (thông báo kết luận) — started as drafts of the existing drafting flow,
prefilled from the meeting, so they are reviewed, signed, numbered, issued and delivered to the
other agencies' queues like any outgoing document."""

from __future__ import annotations

import html
import io

import docx
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency, User
from lienthong.core.audit import record_event
from lienthong.documents.models import DocumentType
from lienthong.drafting.constants import SigningAuthority
from lienthong.drafting.models import Draft, DraftVersion
from lienthong.drafting.services import create_draft, upload_version

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


PDF_STYLE = (
    "@page{size:A4;margin:20mm 15mm 20mm 30mm}"
    "body{font-family:'Times New Roman','Liberation Serif',serif;font-size:14pt;line-height:1.3}"
    "p{margin:0 0 6pt}h1{font-size:14pt;text-align:center;margin:12pt 0}"
    ".head{display:flex;justify-content:space-between;text-align:center;font-size:13pt}"
    ".head div{width:48%}.nation{font-weight:bold}"
)


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF of a meeting document's DOCX, for the signer to sign digitally (PAdES signs a
    PDF only): its paragraphs in order, headings centred, under the Decree 30 heading, set in
    Times New Roman (Liberation Serif) with WeasyPrint. Paragraphs only: the meeting's DOCX
    has no tables or pictures."""
    from weasyprint import HTML  # noqa: PLC0415 - seconds to import; only when a PDF is made

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx refuses anything not a DOCX in many ways
        raise ValidationError(_("The draft's file is not a readable DOCX.")) from exc
    paragraphs = [
        (p.style.name if p.style is not None else "", p.text) for p in document.paragraphs
    ]
    agency = [html.escape(text) for _style, text in paragraphs[:2]]
    body = []
    for style, text in paragraphs[2:]:
        tag = "h1" if style.startswith(("Heading", "Title")) else "p"
        body.append(f"<{tag}>{html.escape(text)}</{tag}>")
    page = (
        f'<html lang="vi"><head><style>{PDF_STYLE}</style></head><body>'
        '<div class="head"><div>' + "<br>".join(agency) + "</div>"
        '<div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>'
        "Độc lập - Tự do - Hạnh phúc</div></div>" + "".join(body) + "</body></html>"
    )
    return bytes(HTML(string=page).write_pdf())


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
    body = _body(meeting, kind)
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
        upload=io.BytesIO(body),  # the editable DOCX (version 1)
        file_name=f"{document_type.abbreviation.lower()}-hop-{meeting.pk}.docx",
        note=_("Prefilled from the meeting"),
    )
    upload_version(
        actor=actor,
        draft=draft,
        upload=io.BytesIO(docx_to_pdf(body)),
        name=f"{document_type.abbreviation.lower()}-hop-{meeting.pk}.pdf",
        note=_("PDF made from the DOCX, for the digital signature"),
    )
    MeetingDraft.objects.create(meeting=meeting, kind=kind, draft=draft)
    record_event(
        action="meetings.document_drafted",
        actor=actor,
        obj=meeting,
        data={"kind": str(kind), "draft": draft.pk},
    )
    return draft


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_from_latest_docx(*, actor: User, link: MeetingDraft) -> DraftVersion:
    """After the drafter edits the DOCX (a new version), the PDF to sign is made again from it:
    a new version of the draft (drafting checks that the actor may add one now)."""
    draft = link.draft
    source = draft.versions.filter(blob__content_type=DOCX_TYPE).order_by("-number").first()
    if source is None:
        raise ValidationError(_("The draft has no DOCX version."), code="no_docx")
    with default_storage.open(source.blob.storage_name, "rb") as stored:
        data = stored.read()
    return upload_version(
        actor=actor,
        draft=draft,
        upload=io.BytesIO(docx_to_pdf(data)),
        name=source.original_name.rsplit(".", 1)[0] + ".pdf",
        note=_("PDF made from version %(number)s (DOCX), for the digital signature")
        % {"number": source.number},
    )
