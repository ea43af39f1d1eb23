"""Booking refuses double bookings by name; replies (a district clerk for her agency); agenda
documents for participants only, confidential ones for those invited by name; the meeting's
documents go through drafting and the exchange to the districts' queues."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lienthong.documents.constants import DocumentStatus
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import DraftState
from lienthong.exchange.models import Delivery
from lienthong.meetings import services
from lienthong.meetings.constants import MeetingDraftKind, MeetingState, Reply, VideoProvider
from lienthong.meetings.models import Meeting
from lienthong.meetings.stats import meeting_counts
from tests.documents import files
from tests.signatures.conftest import pki  # noqa: F401 - the test PKI (session-scoped)

from .conftest import at


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_booking_refuses_each_double_booking_and_names_the_clash(org, book) -> None:
    first = book()
    with pytest.raises(ValidationError) as refused:
        book(
            title="Họp Ban chỉ đạo",
            starts_at=at(14, 9),
            ends_at=at(14, 11),
            chair=org.vice_chairman,
            users=[],
        )
    assert "Phòng họp số 1" in _messages(refused) and "Họp giao ban tuần" in _messages(refused)
    with pytest.raises(ValidationError) as refused:  # the chair, on line
        book(
            title="Họp trực tuyến",
            starts_at=at(14, 9, 30),
            ends_at=at(14, 11),
            room=None,
            video_provider=VideoProvider.JITSI,
            users=[],
        )
    assert org.chairman.full_name in _messages(refused)
    with pytest.raises(ValidationError) as refused:  # a required participant
        book(
            title="Họp tổ",
            starts_at=at(14, 9),
            ends_at=at(14, 12),
            room=None,
            video_provider=VideoProvider.JITSI,
            chair=org.vice_chairman,
        )
    assert org.specialist.full_name in _messages(refused)
    assert Meeting.objects.count() == 1
    # Back to back is no clash; a cancelled meeting frees its room and people.
    book(title="Họp tiếp theo", starts_at=at(14, 10), ends_at=at(14, 11))
    services.cancel_meeting(actor=org.officer, meeting=first, reason="Lãnh đạo đi công tác")
    book(title="Họp thay thế", starts_at=at(14, 8), ends_at=at(14, 9, 30))
    assert Meeting.objects.active().count() == 2


def test_booking_is_for_the_schedule_officer_and_checks_input(org, book) -> None:
    with pytest.raises(PermissionDenied):
        book(actor=org.specialist)
    with pytest.raises(ValidationError) as refused:
        book(ends_at=at(14, 7), room=None, agencies=[org.province])
    assert {"ends_at", "room", "agencies"} <= set(refused.value.message_dict)
    assert not Meeting.objects.exists()


def test_a_district_clerk_replies_for_her_agency(org, book) -> None:
    meeting = book()
    invited = meeting.participants.get(agency=org.district)
    assert Meeting.objects.visible_to(org.district_clerk).filter(pk=meeting.pk).exists()
    assert not Meeting.objects.visible_to(org.district_specialist).exists()
    with pytest.raises(PermissionDenied):
        services.reply(actor=org.district_specialist, participant=invited, answer=Reply.ATTEND)
    with pytest.raises(PermissionDenied):
        services.reply(actor=org.other_clerk, participant=invited, answer=Reply.ATTEND)
    with pytest.raises(ValidationError):
        services.reply(actor=org.district_clerk, participant=invited, answer=Reply.DEPUTY)
    services.reply(
        actor=org.district_clerk,
        participant=invited,
        answer=Reply.DEPUTY,
        deputy_name="Ông Lê Văn Bảy, Phó Chủ tịch UBND huyện",
    )
    invited.refresh_from_db()
    assert invited.reply == Reply.DEPUTY and invited.replied_by == org.district_clerk
    assert invited.deputy_name.startswith("Ông Lê Văn Bảy")
    mine = meeting.participants.get(user=org.specialist)
    with pytest.raises(ValidationError):
        services.reply(actor=org.specialist, participant=mine, answer=Reply.DECLINE)
    services.reply(actor=org.specialist, participant=mine, answer=Reply.DECLINE, reason="Ốm")
    assert meeting.participants.get(pk=mine.pk).reason == "Ốm"


def test_agenda_documents_are_for_participants_and_confidential_ones_for_named_people(
    org, book, client
) -> None:
    meeting = book()
    open_item = services.add_agenda_item(
        actor=org.officer,
        meeting=meeting,
        title="Báo cáo kinh tế - xã hội",
        upload=io.BytesIO(files.text_pdf("Báo cáo")),
        file_name="bao-cao.pdf",
    )
    secret = services.add_agenda_item(
        actor=org.officer,
        meeting=meeting,
        title="Phương án nhân sự",
        confidential=True,
        upload=io.BytesIO(files.text_pdf("Nhân sự")),
        file_name="nhan-su.pdf",
    )
    for user, sees_open, sees_secret in (
        (org.specialist, True, True),  # invited by name
        (org.district_clerk, True, False),  # for her agency
        (org.district_specialist, False, False),  # not invited
    ):
        client.force_login(user)
        got = [
            client.get(reverse("meetings:agenda-file", args=[meeting.pk, item.pk])).status_code
            for item in (open_item, secret)
        ]
        assert got == [200 if sees_open else 404, 200 if sees_secret else 404], user
    client.force_login(org.district_clerk)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Báo cáo kinh tế" in page and "Phương án nhân sự" not in page


def _issue(org, draft) -> None:
    drafting.submit_for_review(actor=org.officer, draft=draft)
    drafting.review(actor=org.chief_of_office, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.chief_of_office, draft=draft)
    drafting.sign_off(actor=org.chairman, draft=draft, decision="approve")
    drafting.issue_draft(actor=org.clerk_of_province, draft=draft)


@pytest.fixture
def province_clerk(org, user_factory):
    from lienthong.accounts.constants import Role

    org.clerk_of_province = user_factory(
        org.province, [Role.CLERK], unit=org.office, username="vanthu"
    )
    return org.clerk_of_province


def test_the_invitation_is_drafted_issued_and_delivered_to_the_districts(
    org, book, province_clerk, run_tasks
) -> None:
    meeting = book()
    draft = services.draft_meeting_document(
        actor=org.officer, meeting=meeting, kind=MeetingDraftKind.INVITATION
    )
    assert draft.document_type.name == "Giấy mời" and draft.signer == org.chairman
    assert set(draft.recipient_agencies.all()) == {org.district, org.other_district}
    # Prefilled from the meeting: the DOCX to edit, and the PDF made from it to be signed.
    docx_version, pdf_version = draft.versions.order_by("number")
    assert docx_version.original_name.endswith(".docx") and pdf_version.original_name.endswith(
        ".pdf"
    )
    assert pdf_version.blob.content_type == "application/pdf"
    with pytest.raises(ValidationError):  # one invitation per meeting
        services.draft_meeting_document(
            actor=org.officer, meeting=meeting, kind=MeetingDraftKind.INVITATION
        )
    with pytest.raises(ValidationError):  # minutes once the meeting is held
        services.draft_meeting_document(
            actor=org.officer, meeting=meeting, kind=MeetingDraftKind.MINUTES
        )

    _issue(org, draft)
    draft.refresh_from_db()
    assert draft.state == DraftState.ISSUED and draft.document.status == DocumentStatus.ISSUED
    assert draft.document.number_and_symbol.endswith("/GM-UBND")
    run_tasks()
    delivered = Delivery.objects.filter(outgoing=draft.document)
    assert {d.recipient for d in delivered} == {org.district, org.other_district}
    assert all(d.incoming is not None and d.incoming.agency == d.recipient for d in delivered)


def test_minutes_and_conclusion_after_the_meeting_and_the_task_link(
    org, book, province_clerk, client, run_tasks
) -> None:
    meeting = book()
    services.record_attendance(
        actor=org.officer,
        meeting=meeting,
        present=[meeting.participants.get(user=org.specialist).pk],
    )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    minutes = services.draft_meeting_document(
        actor=org.officer, meeting=meeting, kind=MeetingDraftKind.MINUTES
    )
    conclusion = services.draft_meeting_document(
        actor=org.officer, meeting=meeting, kind=MeetingDraftKind.CONCLUSION
    )
    assert minutes.document_type.name == "Biên bản" and conclusion.document_type.name == "Thông báo"
    _issue(org, conclusion)
    conclusion.refresh_from_db()
    assert conclusion.document.number_and_symbol.endswith("/TB-UBND")

    client.force_login(org.officer)
    page = client.get(meeting.get_absolute_url()).content.decode()
    # The issued conclusion links to the tasks capability's form, prefilled with its document.
    assert 'data-testid="create-task"' in page
    assert f"{reverse('tasks:create')}?document={conclusion.document.pk}" in page

    counts = meeting_counts([org.province.pk], at(1, 0).date(), at(31, 0).date())
    assert counts == {"held": 1, "held_online": 0}
    assert meeting_counts([org.district.pk], at(1, 0).date(), at(31, 0).date())["held"] == 0


def test_the_invitation_is_signed_sealed_and_its_signatures_verified_on_arrival(
    org,
    book,
    province_clerk,
    pki,  # noqa: F811 - the fixture imported above
    run_tasks,
    settings,
    client,
) -> None:
    """The prefilled DOCX goes through drafting's signing: the chairman signs the PDF made
    from it (pyHanko, PAdES), the clerk seals it on issue, and each district's copy is checked
    on arrival."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from lienthong.accounts import services as account_services
    from lienthong.documents.models import Attachment
    from lienthong.signatures import services as signatures
    from lienthong.signatures.constants import AGENCY_FIELD, PERSONAL_FIELD, CredentialKind
    from lienthong.signatures.models import PdfVerification
    from tests.signatures.conftest import PASS, put_on_file

    settings.LIENTHONG_TSA_URL = pki.tsa_url
    province = account_services.set_issuing_policy(
        actor=None, agency=org.province, issues_on_paper=False
    )
    signatures.add_trusted_certificate(actor=None, data=pki.pem("root"), name="Root CA")
    put_on_file(
        pki, label="director", kind=CredentialKind.PERSONAL, agency=province, user=org.chairman
    )
    put_on_file(pki, label="agency", kind=CredentialKind.AGENCY, agency=province)
    meeting = book()
    draft = services.draft_meeting_document(
        actor=org.officer, meeting=meeting, kind=MeetingDraftKind.INVITATION
    )
    # The drafter edits the DOCX: the PDF to sign is made again from it.
    link = meeting.drafts.get()
    client.force_login(org.officer)
    edited = files.docx("GIẤY MỜI — đã sửa: Họp giao ban tuần, mời lãnh đạo hai huyện.")
    drafting.upload_version(
        actor=org.officer, draft=draft, upload=io.BytesIO(edited), name="gm.docx"
    )
    client.post(reverse("meetings:document-pdf", args=[meeting.pk, link.pk]))
    latest = draft.versions.order_by("-number").first()
    assert latest.number == 4 and latest.blob.content_type == "application/pdf"
    assert "version 3" in latest.note or "phiên bản 3" in latest.note
    drafting.submit_for_review(actor=org.officer, draft=draft)
    drafting.review(actor=org.chief_of_office, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.chief_of_office, draft=draft)
    with pytest.raises(ValidationError):  # delivered to other agencies: approving is signing
        drafting.sign_off(actor=org.chairman, draft=draft, decision="approve")
    drafting.sign_off(actor=org.chairman, draft=draft, decision="approve", signing_secret=PASS)
    drafting.issue_draft(actor=org.clerk_of_province, draft=draft, signing_secret=PASS)
    draft.refresh_from_db()
    assert not draft.issued_on_paper
    current = Attachment.objects.get(document=draft.document).current
    from django.core.files.storage import default_storage

    with default_storage.open(current.blob.storage_name, "rb") as stored:
        issued = stored.read()
    fields = [s.field_name for s in PdfFileReader(io.BytesIO(issued)).embedded_signatures]
    assert fields == [PERSONAL_FIELD, AGENCY_FIELD]
    run_tasks()  # delivered to both districts, then what arrived is checked
    delivered = Delivery.objects.filter(outgoing=draft.document)
    assert {d.recipient for d in delivered} == {org.district, org.other_district}
    check = PdfVerification.objects.get(blob=current.blob)
    assert check.status == "valid" and check.signature_count == 2
