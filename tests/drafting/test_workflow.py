"""The whole chain of an outgoing document (Decree 30/2020, Điều 10 to 14): specialist → unit
leader → comments from other units → signer → clerk issues, with returns and new versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from lienthong.core.models import AuditEvent
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import AttachmentVersion
from lienthong.drafting import services
from lienthong.drafting.constants import (
    TRANSITIONS,
    DraftState,
    EventKind,
    SigningAuthority,
    StepDecision,
    StepKind,
    StepMode,
    StepStatus,
)
from lienthong.drafting.models import AppendOnlyError, DraftEvent, ReviewStep
from tests.drafting.conftest import delegation, docx, reload, upload


def _kinds(draft) -> list[str]:
    return list(
        DraftEvent.objects.filter(draft=draft).order_by("id").values_list("kind", flat=True)
    )


def test_chain_with_parallel_comments_signed_by_the_deputy_and_issued(
    org, make_draft, notices, run_tasks
) -> None:
    draft = make_draft(signer=org.deputy, signing_authority="KT", on_behalf_of=org.director)
    assert draft.state == DraftState.DRAFTING and draft.versions.count() == 1

    services.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    draft = reload(draft)
    assert draft.state == DraftState.IN_REVIEW and draft.round == 1
    assert notices[-1].kind == "draft_awaiting_review"
    assert notices[-1].recipients == [org.unit_leader]
    assert notices[-1].url == f"/du-thao/{draft.pk}/"

    services.review(actor=org.unit_leader, draft=draft, decision="approve", comment="Đồng ý")
    services.request_comments(
        actor=org.unit_leader,
        draft=draft,
        units=[org.outreach, org.support],
        mode=StepMode.PARALLEL,
        note="Đề nghị góp ý trước ngày 10",
    )
    draft = reload(draft)
    assert draft.state == DraftState.AWAITING_COMMENTS
    comments = ReviewStep.objects.filter(draft=draft, kind=StepKind.COMMENT)
    assert {s.status for s in comments} == {StepStatus.ACTIVE}
    assert len({s.order for s in comments}) == 1  # parallel: the same place in the route
    assert {u.pk for n in notices[-2:] for u in n.recipients} == {
        org.outreach_leader.pk,
        org.support_leader.pk,
    }

    services.give_comment(actor=org.support_leader, draft=draft, comment="Nhất trí")
    assert reload(draft).state == DraftState.AWAITING_COMMENTS
    services.give_comment(actor=org.outreach_leader, draft=draft, comment="Bổ sung Điều 5")
    draft = reload(draft)
    assert draft.state == DraftState.IN_REVIEW  # comments go back through the unit head
    assert notices[-1].recipients == [org.unit_leader]

    services.send_to_signer(actor=org.unit_leader, draft=draft)
    draft = reload(draft)
    assert draft.state == DraftState.AWAITING_SIGNATURE
    assert notices[-1].recipients == [org.deputy]

    services.sign_off(actor=org.deputy, draft=draft, decision="approve", comment="Ký ban hành")
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED
    assert draft.signed_by == org.deputy and draft.signed_on_behalf_of == org.director
    assert draft.signed_authority == SigningAuthority.KT
    assert draft.signed_version == draft.versions.get(number=1)
    assert notices[-1].recipients == [org.clerk]

    services.issue_draft(actor=org.clerk, draft=draft)
    draft = reload(draft)
    document = draft.document
    assert draft.state == DraftState.ISSUED and document is not None
    assert document.number_and_symbol == "01/QĐ-STP"
    assert document.status == DocumentStatus.ISSUED
    assert document.issued_date == timezone.localdate()
    assert document.subject == draft.subject and document.drafting_unit == org.legal
    assert document.signer_name == org.deputy.full_name
    assert document.signer_position == "KT. Giám đốc, Phó Giám đốc"
    assert list(document.recipient_agencies.all()) == [org.snv]
    assert document.external_recipients == "Các phòng, đơn vị thuộc Sở"
    attached = AttachmentVersion.objects.get(attachment__document=document)
    assert attached.blob == draft.signed_version.blob  # the same stored file, not a copy
    assert attached.original_name == draft.signed_version.original_name
    run_tasks()  # the attachment's text is read in the background like any other

    assert _kinds(draft) == [
        EventKind.CREATED,
        EventKind.VERSION_UPLOADED,
        EventKind.SUBMITTED,
        EventKind.REVIEW_APPROVED,
        EventKind.COMMENTS_REQUESTED,
        EventKind.COMMENTED,
        EventKind.COMMENTED,
        EventKind.SENT_TO_SIGNER,
        EventKind.SIGNED,
        EventKind.ISSUED,
    ]
    signed = DraftEvent.objects.get(draft=draft, kind=EventKind.SIGNED)
    assert signed.actor == org.deputy and signed.on_behalf_of == org.director
    assert signed.comment == "Ký ban hành"
    assert signed.from_state == DraftState.AWAITING_SIGNATURE
    assert signed.to_state == DraftState.APPROVED
    audit = AuditEvent.objects.for_object(draft).values_list("action", flat=True)
    assert {"draft.created", "draft.signed", "draft.issued"} <= set(audit)


def test_sequential_comments_then_tuq_signature_within_the_delegation_period(
    org, make_draft, notices
) -> None:
    granted = delegation(
        org.director, org.chief_of_office, starts=timedelta(hours=-1), ends=timedelta(days=7)
    )
    draft = make_draft(
        signer=org.chief_of_office, signing_authority="TUQ", on_behalf_of=org.director
    )
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.request_comments(
        actor=org.unit_leader,
        draft=draft,
        units=[org.support, org.outreach],
        mode=StepMode.SEQUENTIAL,
    )
    steps = list(ReviewStep.objects.filter(draft=draft, kind=StepKind.COMMENT).order_by("order"))
    assert [(s.unit, s.status) for s in steps] == [
        (org.support, StepStatus.ACTIVE),
        (org.outreach, StepStatus.WAITING),
    ]
    assert notices[-1].recipients == [org.support_leader]
    # The second unit's turn has not come.
    with pytest.raises(PermissionDenied):
        services.give_comment(actor=org.outreach_leader, draft=draft, comment="Sớm quá")

    services.give_comment(actor=org.support_leader, draft=draft, comment="Nhất trí")
    assert ReviewStep.objects.get(pk=steps[1].pk).status == StepStatus.ACTIVE
    assert notices[-1].recipients == [org.outreach_leader]
    services.give_comment(actor=org.outreach_leader, draft=draft, comment="Nhất trí")
    assert reload(draft).state == DraftState.IN_REVIEW

    services.send_to_signer(actor=org.unit_leader, draft=draft)
    services.sign_off(actor=org.chief_of_office, draft=draft, decision="approve")
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED
    assert draft.signed_by == org.chief_of_office
    assert draft.signed_on_behalf_of == org.director
    assert draft.signed_authority == SigningAuthority.TUQ
    services.issue_draft(actor=org.clerk, draft=draft)
    document = reload(draft).document
    assert document.number_and_symbol == "01/QĐ-STP"
    assert document.signer_position == "TUQ. Giám đốc, Chánh Văn phòng"
    assert granted.pk  # the authorisation was used, not changed


def test_tuq_signature_is_refused_outside_the_delegation_period(org, make_draft) -> None:
    granted = delegation(
        org.director, org.chief_of_office, starts=timedelta(days=1), ends=timedelta(days=3)
    )
    draft = make_draft(
        signer=org.chief_of_office, signing_authority="TUQ", on_behalf_of=org.director
    )
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)

    # Before the period starts.
    with pytest.raises(PermissionDenied, match="not in force"):
        services.sign_off(actor=org.chief_of_office, draft=draft, decision="approve")
    assert reload(draft).state == DraftState.AWAITING_SIGNATURE

    # After it ended (the period moved into the past).
    now = timezone.now()
    type(granted).objects.filter(pk=granted.pk).update(
        starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=1)
    )
    with pytest.raises(PermissionDenied, match="not in force"):
        services.sign_off(actor=org.chief_of_office, draft=draft, decision="approve")

    # Inside the period.
    type(granted).objects.filter(pk=granted.pk).update(
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    services.sign_off(actor=org.chief_of_office, draft=draft, decision="approve")
    assert reload(draft).state == DraftState.APPROVED


def test_a_revoked_tuq_authorisation_no_longer_signs(org, make_draft) -> None:
    granted = delegation(
        org.director, org.chief_of_office, starts=timedelta(hours=-1), ends=timedelta(days=3)
    )
    draft = make_draft(
        signer=org.chief_of_office, signing_authority="TUQ", on_behalf_of=org.director
    )
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    from lienthong.accounts.services import revoke_delegation

    revoke_delegation(actor=None, delegation=granted)
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=org.chief_of_office, draft=draft, decision="approve")


def test_a_delegate_of_the_head_signs_in_their_place_only_during_the_period(
    org, make_draft
) -> None:
    """The director is the designated signer and is away: the deputy signs for them (TUQ.)
    while the authorisation is in force, and the history says on whose behalf."""
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=org.deputy, draft=draft, decision="approve")

    delegation(org.director, org.deputy, starts=timedelta(hours=-1), ends=timedelta(days=1))
    services.sign_off(actor=org.deputy, draft=draft, decision="approve", comment="Ký thay")
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED
    assert draft.signed_by == org.deputy and draft.signed_on_behalf_of == org.director
    assert draft.signed_authority == SigningAuthority.TUQ
    step = ReviewStep.objects.get(draft=draft, kind=StepKind.SIGNATURE)
    assert step.decided_by == org.deputy and step.decided_on_behalf_of == org.director
    event = DraftEvent.objects.get(draft=draft, kind=EventKind.SIGNED)
    assert event.actor == org.deputy and event.on_behalf_of == org.director
    assert services.signature_line(draft) == "TUQ. Giám đốc, Phó Giám đốc"


def test_returns_with_comments_and_a_new_version_start_a_new_round(
    org, make_draft, notices
) -> None:
    draft = make_draft()
    first = draft.versions.get()
    services.submit_for_review(actor=org.specialist, draft=draft)

    with pytest.raises(ValidationError):
        services.review(actor=org.unit_leader, draft=draft, decision="return", comment=" ")
    services.review(
        actor=org.unit_leader, draft=draft, decision="return", comment="Sửa căn cứ pháp lý"
    )
    draft = reload(draft)
    assert draft.state == DraftState.RETURNED
    assert notices[-1].kind == "returned" and notices[-1].recipients == [org.specialist]
    unit_step = ReviewStep.objects.get(draft=draft, round=1)
    assert unit_step.decision == StepDecision.RETURNED
    assert unit_step.comment == "Sửa căn cứ pháp lý"

    second = services.upload_version(
        actor=org.specialist,
        draft=draft,
        upload=upload(docx("Dự thảo đã sửa căn cứ")),
        name="du-thao-v2.docx",
        note="Đã sửa căn cứ",
    )
    assert second.number == 2
    services.submit_for_review(actor=org.specialist, draft=draft)
    draft = reload(draft)
    assert draft.state == DraftState.IN_REVIEW and draft.round == 2
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)

    # The signer returns it too; then the drafter revises once more.
    services.sign_off(actor=org.director, draft=draft, decision="return", comment="Rút gọn Điều 3")
    draft = reload(draft)
    assert draft.state == DraftState.RETURNED and notices[-1].kind == "returned"
    signature = ReviewStep.objects.get(draft=draft, kind=StepKind.SIGNATURE)
    assert signature.decision == StepDecision.RETURNED
    third = services.upload_version(
        actor=org.specialist,
        draft=draft,
        upload=upload(docx("Dự thảo rút gọn Điều 3")),
        name="du-thao-v3.docx",
    )
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    draft = reload(draft)
    assert draft.round == 3 and draft.signed_version == third
    services.issue_draft(actor=org.clerk, draft=draft)
    attached = AttachmentVersion.objects.get(attachment__document=reload(draft).document)
    assert attached.blob == third.blob

    # Every version is kept, with its own stored file.
    versions = list(draft.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0] == first and len({v.blob.sha256 for v in versions}) == 3
    assert all(default_storage.exists(v.blob.storage_name) for v in versions)
    returns = DraftEvent.objects.filter(draft=draft, kind=EventKind.RETURNED)
    assert [(e.actor, e.comment) for e in returns] == [
        (org.unit_leader, "Sửa căn cứ pháp lý"),
        (org.director, "Rút gọn Điều 3"),
    ]


def test_the_unit_leader_returns_after_comments_came_in(org, make_draft) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.request_comments(actor=org.unit_leader, draft=draft, units=[org.outreach])
    services.give_comment(actor=org.outreach_leader, draft=draft, comment="Cần sửa Điều 2")
    services.review(
        actor=org.unit_leader, draft=draft, decision="return", comment="Tiếp thu ý kiến PBGDPL"
    )
    assert reload(draft).state == DraftState.RETURNED


def test_the_signer_edits_by_uploading_a_new_version_and_approving(org, make_draft) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    services.sign_off(
        actor=org.director,
        draft=draft,
        decision="approve",
        comment="Đã sửa trực tiếp",
        upload=upload(docx("Bản giám đốc đã sửa")),
        file_name="ban-sua-cua-giam-doc.docx",
    )
    draft = reload(draft)
    edited = draft.versions.get(number=2)
    assert edited.uploaded_by == org.director and edited.note
    assert draft.signed_version == edited and draft.state == DraftState.APPROVED
    services.issue_draft(actor=org.clerk, draft=draft)
    attached = AttachmentVersion.objects.get(attachment__document=reload(draft).document)
    assert attached.blob == edited.blob
    assert attached.original_name == "ban-sua-cua-giam-doc.docx"


def test_withdrawn_drafts_close_their_route(org, make_draft) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    with pytest.raises(ValidationError):
        services.withdraw(actor=org.specialist, draft=draft, reason="")
    services.withdraw(actor=org.specialist, draft=draft, reason="Không ban hành nữa")
    draft = reload(draft)
    assert draft.state == DraftState.WITHDRAWN
    assert not ReviewStep.objects.filter(draft=draft, status=StepStatus.ACTIVE).exists()
    with pytest.raises(ValidationError):
        services.submit_for_review(actor=org.specialist, draft=draft)
    with pytest.raises(ValidationError):
        services.withdraw(actor=org.specialist, draft=draft, reason="Lần nữa")


def test_issue_numbers_follow_the_register(org, make_draft) -> None:
    numbers = []
    for _ in range(2):
        draft = make_draft()
        services.submit_for_review(actor=org.specialist, draft=draft)
        services.review(actor=org.unit_leader, draft=draft, decision="approve")
        services.send_to_signer(actor=org.unit_leader, draft=draft)
        services.sign_off(actor=org.director, draft=draft, decision="approve")
        numbers.append(services.issue_draft(actor=org.clerk, draft=draft).document)
    assert [d.number_and_symbol for d in numbers] == ["01/QĐ-STP", "02/QĐ-STP"]
    assert numbers[0].signer_position == "Giám đốc"


def test_an_official_letter_gets_the_drafting_units_symbol(org, make_draft) -> None:
    from tests.drafting.conftest import doc_type

    draft = make_draft(document_type=doc_type("Công văn"))
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    document = services.issue_draft(actor=org.clerk, draft=draft).document
    assert document.number_and_symbol == "01/STP-HCTP"


def test_the_transition_table_is_closed() -> None:
    assert set(TRANSITIONS) == set(DraftState.values)
    assert all(target in DraftState.values for t in TRANSITIONS.values() for target in t)
    assert TRANSITIONS[DraftState.ISSUED] == frozenset()
    assert TRANSITIONS[DraftState.WITHDRAWN] == frozenset()
    assert DraftState.ISSUED in TRANSITIONS[DraftState.APPROVED]
    assert DraftState.APPROVED not in TRANSITIONS[DraftState.IN_REVIEW]  # never skip the signer


def test_the_history_is_append_only(org, make_draft) -> None:
    draft = make_draft()
    event = DraftEvent.objects.filter(draft=draft).first()
    event.comment = "sửa lịch sử"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        DraftEvent.objects.filter(draft=draft).update(comment="x")
    with pytest.raises(AppendOnlyError):
        DraftEvent.objects.filter(draft=draft).delete()
