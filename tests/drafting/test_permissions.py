"""Who may see and do what with a draft: refusals are 404 for other agencies and change
nothing; a specialist cannot approve or sign; signing authority is checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Delegation
from lienthong.documents.constants import Confidentiality
from lienthong.drafting import services
from lienthong.drafting.constants import DraftAction, DraftState
from lienthong.drafting.models import Draft
from lienthong.drafting.permissions import access_draft, access_draft_version, allowed_actions
from tests.drafting.conftest import delegation, doc_type, docx, reload, upload


def _to_signature(org, draft) -> None:
    services.submit_for_review(actor=org.specialist, draft=draft)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)


def test_another_agency_gets_404_and_its_actions_are_refused(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    with pytest.raises(Http404):
        access_draft(org.snv_leader, draft.pk)
    with pytest.raises(Http404):
        access_draft_version(org.snv_clerk, draft.versions.get().pk)
    with pytest.raises(Http404):
        access_draft(org.snv_leader, 999_999)
    assert not Draft.objects.visible_to(org.snv_leader).exists()
    assert allowed_actions(org.snv_leader, draft) == []

    _to_signature(org, draft)
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=org.snv_leader, draft=draft, decision="approve")
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=org.snv_leader, draft=draft, reason="Không")
    assert db_snapshot() == before


def test_a_specialist_cannot_approve_comment_sign_or_issue(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    before = db_snapshot()
    for actor in (org.specialist, org.other_specialist):
        with pytest.raises(PermissionDenied):
            services.review(actor=actor, draft=draft, decision="approve")
    assert db_snapshot() == before

    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.request_comments(actor=org.unit_leader, draft=draft, units=[org.outreach])
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.give_comment(actor=org.specialist, draft=draft, comment="Tôi góp ý")
    with pytest.raises(PermissionDenied):  # a leader of a unit not asked
        services.give_comment(actor=org.support_leader, draft=draft, comment="Tôi góp ý")
    assert db_snapshot() == before

    services.give_comment(actor=org.outreach_leader, draft=draft, comment="Nhất trí")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    before = db_snapshot()
    for actor in (org.specialist, org.unit_leader, org.deputy, org.clerk):
        with pytest.raises(PermissionDenied):
            services.sign_off(actor=actor, draft=draft, decision="approve")
    with pytest.raises(PermissionDenied):  # nor by uploading an "edited" file
        services.sign_off(
            actor=org.specialist,
            draft=draft,
            decision="approve",
            upload=upload(docx("Bản tự sửa")),
            file_name="tu-sua.docx",
        )
    with pytest.raises(ValidationError):  # the clerk issues only approved drafts
        services.issue_draft(actor=org.clerk, draft=draft)
    assert db_snapshot() == before
    assert reload(draft).state == DraftState.AWAITING_SIGNATURE

    services.sign_off(actor=org.director, draft=draft, decision="approve")
    before = db_snapshot()
    for actor in (org.specialist, org.director, org.snv_clerk):
        with pytest.raises(PermissionDenied):
            services.issue_draft(actor=actor, draft=draft)
    assert db_snapshot() == before


def test_a_refused_upload_stores_no_file(org, make_draft, media_root, db_snapshot) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    stored = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    before = db_snapshot()
    with pytest.raises(ValidationError):  # in review: no new version from the drafter
        services.upload_version(
            actor=org.specialist, draft=draft, upload=upload(docx("Bản mới")), name="moi.docx"
        )
    with pytest.raises(PermissionDenied):
        services.upload_version(
            actor=org.unit_leader, draft=draft, upload=upload(docx("Bản mới")), name="moi.docx"
        )
    assert db_snapshot() == before
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == stored


def test_a_file_that_is_not_a_document_is_refused(org, make_draft, db_snapshot) -> None:
    from tests.documents import files

    before = db_snapshot()
    with pytest.raises(ValidationError, match="PDF"):
        make_draft(upload=upload(files.elf_executable(), "du-thao.pdf"), file_name="du-thao.pdf")
    assert db_snapshot() == before


def test_only_the_drafter_changes_or_submits_a_draft(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.submit_for_review(actor=org.other_specialist, draft=draft)
    with pytest.raises(PermissionDenied):
        services.update_draft(actor=org.unit_leader, draft=draft, subject="Đổi trích yếu")
    assert db_snapshot() == before
    services.update_draft(actor=org.specialist, draft=draft, subject="Trích yếu mới")
    assert reload(draft).subject == "Trích yếu mới"


def test_submitting_needs_a_file(org, make_draft, db_snapshot) -> None:
    draft = make_draft(upload=None, file_name="")
    before = db_snapshot()
    with pytest.raises(ValidationError, match="Upload"):
        services.submit_for_review(actor=org.specialist, draft=draft)
    assert db_snapshot() == before


def test_route_order_is_enforced(org, make_draft, db_snapshot) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    before = db_snapshot()
    with pytest.raises(ValidationError, match="approve the draft first"):
        services.send_to_signer(actor=org.unit_leader, draft=draft)
    with pytest.raises(ValidationError, match="approve the draft first"):
        services.request_comments(actor=org.unit_leader, draft=draft, units=[org.outreach])
    assert db_snapshot() == before
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.request_comments(actor=org.unit_leader, draft=draft, units=[org.outreach])
    with pytest.raises(ValidationError):  # comments still awaited
        services.send_to_signer(actor=org.unit_leader, draft=draft)
    with pytest.raises(ValidationError):
        services.request_comments(actor=org.unit_leader, draft=draft, units=[org.legal])


@pytest.mark.parametrize(
    ("who", "authority", "head", "field"),
    [
        ("specialist", "none", None, "signer"),  # a specialist cannot be the signer
        ("snv_leader", "none", None, "signer"),  # nor an official of another agency
        ("deputy", "KT", None, "on_behalf_of"),  # KT. names the head
        ("deputy", "KT", "unit_leader", "on_behalf_of"),  # ... who is an agency leader
        ("director", "KT", "director", "on_behalf_of"),  # ... not the signer themselves
        ("director", "none", "deputy", "on_behalf_of"),  # only KT., TUQ., TL. sign for a head
        ("chief_of_office", "TUQ", "director", "signing_authority"),  # no authorisation
        ("director", "XYZ", None, "signing_authority"),
    ],
)
def test_signing_authority_is_checked(org, make_draft, who, authority, head, field) -> None:
    with pytest.raises(ValidationError) as caught:
        make_draft(
            signer=getattr(org, who),
            signing_authority=authority,
            on_behalf_of=getattr(org, head) if head else None,
        )
    assert field in caught.value.message_dict
    assert not Draft.objects.exists()


def test_tuq_needs_an_authorisation_that_is_not_over(org, make_draft) -> None:
    delegation(org.director, org.chief_of_office, starts=timedelta(days=-9), ends=timedelta(-1))
    with pytest.raises(ValidationError):
        make_draft(signer=org.chief_of_office, signing_authority="TUQ", on_behalf_of=org.director)
    delegation(org.director, org.chief_of_office, starts=timedelta(days=1), ends=timedelta(3))
    draft = make_draft(
        signer=org.chief_of_office, signing_authority="TUQ", on_behalf_of=org.director
    )
    assert draft.authority_prefix == "TUQ."


def test_a_tuq_signer_cannot_pass_the_signature_on(org, make_draft) -> None:
    """Authorisation cannot be delegated again (Điều 13): the TUQ. signer's own delegate
    may not sign."""
    delegation(org.director, org.chief_of_office, starts=timedelta(hours=-1), ends=timedelta(3))
    draft = make_draft(
        signer=org.chief_of_office, signing_authority="TUQ", on_behalf_of=org.director
    )
    _to_signature(org, draft)
    now = timezone.now()
    Delegation.objects.create(  # bypasses the service, which refuses it outright
        delegator=org.chief_of_office,
        delegate=org.deputy,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        scope="Ký thay",
    )
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=org.deputy, draft=draft, decision="approve")


def test_a_delegate_of_the_unit_leader_reviews_on_their_behalf(org, make_draft) -> None:
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft)
    with pytest.raises(PermissionDenied):
        services.review(actor=org.other_specialist, draft=draft, decision="approve")
    delegation(org.unit_leader, org.other_specialist, starts=timedelta(hours=-1), ends=timedelta(1))
    assert DraftAction.REVIEW in allowed_actions(org.other_specialist, reload(draft))
    assert Draft.objects.awaiting_action_of(org.other_specialist).filter(pk=draft.pk).exists()
    services.review(actor=org.other_specialist, draft=draft, decision="approve")
    step = draft.steps.get()
    assert step.decided_by == org.other_specialist and step.decided_on_behalf_of == org.unit_leader


def test_confidential_drafts_are_seen_only_by_those_taking_part(org, make_draft) -> None:
    open_draft = make_draft()
    secret = make_draft(confidentiality=Confidentiality.CONFIDENTIAL)
    visible = set(Draft.objects.visible_to(org.other_specialist))
    assert open_draft in visible and secret not in visible  # same unit, not taking part
    assert secret in set(Draft.objects.visible_to(org.unit_leader))
    assert secret in set(Draft.objects.visible_to(org.director))  # the signer
    assert secret in set(Draft.objects.visible_to(org.deputy))  # an agency leader
    assert secret not in set(Draft.objects.visible_to(org.outreach_leader))
    assert secret not in set(Draft.objects.visible_to(org.clerk))  # not yet approved
    services.submit_for_review(actor=org.specialist, draft=secret)
    services.review(actor=org.unit_leader, draft=secret, decision="approve")
    services.request_comments(actor=org.unit_leader, draft=secret, units=[org.outreach])
    assert secret in set(Draft.objects.visible_to(org.outreach_leader))  # asked to comment
    assert secret not in set(Draft.objects.visible_to(org.support_leader))


def test_queues_show_what_awaits_each_person(org, make_draft) -> None:
    draft = make_draft()

    def waiting(user) -> bool:
        return Draft.objects.awaiting_action_of(user).filter(pk=draft.pk).exists()

    assert not waiting(org.unit_leader)
    services.submit_for_review(actor=org.specialist, draft=draft)
    assert waiting(org.unit_leader) and not waiting(org.director)
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.request_comments(
        actor=org.unit_leader, draft=draft, units=[org.outreach, org.support], mode="sequential"
    )
    assert waiting(org.outreach_leader) and not waiting(org.support_leader)
    assert not waiting(org.unit_leader)
    services.give_comment(actor=org.outreach_leader, draft=draft, comment="Nhất trí")
    assert waiting(org.support_leader) and not waiting(org.outreach_leader)
    services.give_comment(actor=org.support_leader, draft=draft, comment="Nhất trí")
    assert waiting(org.unit_leader)
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    assert waiting(org.director) and not waiting(org.clerk)
    assert DraftAction.SIGN in allowed_actions(org.director, reload(draft))
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    assert waiting(org.clerk) and not waiting(org.director)
    assert allowed_actions(org.clerk, reload(draft)) == [DraftAction.ISSUE]
    assert not waiting(org.snv_clerk)


def test_a_user_without_an_agency_cannot_draft(org, user_factory) -> None:
    admin = user_factory(None, [Role.SYSTEM_ADMIN])
    with pytest.raises(PermissionDenied):
        services.create_draft(
            actor=admin,
            document_type=doc_type(),
            subject="Thử",
            signer=org.director,
            recipient_agencies=[org.snv],
        )
    assert not Draft.objects.visible_to(admin).exists()


def test_drafting_for_another_unit_is_refused(org) -> None:
    with pytest.raises(PermissionDenied):
        services.create_draft(
            actor=org.specialist,
            document_type=doc_type(),
            subject="Thử",
            signer=org.director,
            recipient_agencies=[org.snv],
            drafting_unit=org.outreach,
        )


def test_a_draft_needs_a_recipient_other_than_its_own_agency(org, make_draft) -> None:
    with pytest.raises(ValidationError) as caught:
        make_draft(recipient_agencies=[], external_recipients="")
    assert "recipient_agencies" in caught.value.message_dict
    with pytest.raises(ValidationError):
        make_draft(recipient_agencies=[org.stp])


def test_a_failed_upload_removes_the_file_it_stored(
    org, make_draft, media_root, db_snapshot, monkeypatch
) -> None:
    draft = make_draft()
    stored = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    before = db_snapshot()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("lienthong.drafting.services.composing._record", broken)
    with pytest.raises(RuntimeError):
        services.upload_version(
            actor=org.specialist, draft=draft, upload=upload(docx("Bản 2")), name="v2.docx"
        )
    assert db_snapshot() == before
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == stored
