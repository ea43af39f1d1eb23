"""Signing as an explicit step, the agency's issuing policy, and documents that are final once
issued or received (issue 13): approving is signing for a signer with a certificate; a signer
who approved without signing can still sign; an unsigned document is not delivered
electronically unless the agency also issues on paper (and says so); corrections are
replacement drafts, never new files on an issued or received document."""

# The PKI fixtures are imported, so using them as parameters "redefines" them.
# ruff: noqa: F811
from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from lienthong.documents import services as documents
from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Attachment, AttachmentVersion, Document
from lienthong.drafting import services
from lienthong.drafting.constants import DraftAction, DraftState, EventKind
from lienthong.drafting.models import Draft, DraftEvent
from lienthong.drafting.permissions import allowed_actions, is_personally_signed
from lienthong.signatures.constants import AGENCY_FIELD, PERSONAL_FIELD, CredentialKind

# The test PKI (CA, TSA) and the credentials of the director and of Sở Tư pháp.
from tests.signatures import pki as pki_module
from tests.signatures.conftest import (  # noqa: F401
    PASS,
    _signature_settings,
    creds,
    pki,
    put_on_file,
    trusted,
)

from .conftest import docx, reload, upload


def _policy(org, *, on_paper: bool) -> None:
    org.stp = account_services.set_issuing_policy(
        actor=None, agency=org.stp, issues_on_paper=on_paper
    )


def _to_signer(org, make_draft, **overrides) -> Draft:
    draft = make_draft(
        upload=upload(pki_module.decision_pdf(), "quyet-dinh.pdf"),
        file_name="quyet-dinh.pdf",
        **overrides,
    )
    services.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    return reload(draft)


def _read(blob) -> bytes:
    with default_storage.open(blob.storage_name, "rb") as f:
        return f.read()


def _fields(blob) -> list[str]:
    return [s.field_name for s in PdfFileReader(io.BytesIO(_read(blob))).embedded_signatures]


# --- Approving is signing ------------------------------------------------------------------------


@pytest.mark.parametrize("on_paper", [False, True])
def test_a_signer_with_a_certificate_cannot_approve_without_signing(
    org, creds, make_draft, db_snapshot, on_paper
):
    _policy(org, on_paper=on_paper)  # whatever the policy: his approval is his signature
    draft = _to_signer(org, make_draft)
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        services.sign_off(actor=org.director, draft=draft, decision="approve")
    assert "signing_secret" in caught.value.message_dict  # the PIN is asked
    assert db_snapshot() == before
    assert reload(draft).state == DraftState.AWAITING_SIGNATURE


def test_approving_with_the_pin_signs_the_approved_version(org, creds, make_draft):
    _policy(org, on_paper=False)
    draft = _to_signer(org, make_draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret=PASS)
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED
    assert _fields(draft.signed_version.blob) == [PERSONAL_FIELD]
    assert is_personally_signed(draft.signed_version)
    assert DraftAction.SIGN_DIGITALLY not in allowed_actions(org.director, draft)


def test_a_wrong_pin_leaves_the_draft_untouched(org, creds, make_draft, db_snapshot):
    _policy(org, on_paper=False)
    draft = _to_signer(org, make_draft)
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        services.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret="sai")
    assert caught.value.code == "wrong_passphrase"
    assert db_snapshot() == before
    assert reload(draft).state == DraftState.AWAITING_SIGNATURE


def test_a_signer_without_a_certificate_may_not_approve_an_electronic_document(
    org, make_draft, db_snapshot
):
    _policy(org, on_paper=False)
    draft = _to_signer(org, make_draft)  # to Sở Nội vụ, on the platform
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        services.sign_off(actor=org.director, draft=draft, decision="approve")
    assert caught.value.code == "no_credential"
    assert "signing certificate" in caught.value.messages[0]
    assert db_snapshot() == before
    # Returning it stays possible.
    services.sign_off(actor=org.director, draft=draft, decision="return", comment="Sửa lại")
    assert reload(draft).state == DraftState.RETURNED


def test_a_signer_without_a_certificate_approves_unsigned_under_the_paper_policy(org, make_draft):
    _policy(org, on_paper=True)
    draft = _to_signer(org, make_draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED
    assert not is_personally_signed(draft.signed_version)


# --- Signing after an approval without it ---------------------------------------------------------


def test_who_approved_without_signing_can_sign_later_and_it_is_audited(
    pki, org, trusted, make_draft, notices
):
    _policy(org, on_paper=True)
    draft = _to_signer(org, make_draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    draft = reload(draft)
    unsigned = draft.signed_version
    put_on_file(
        pki, label="director", kind=CredentialKind.PERSONAL, agency=org.stp, user=org.director
    )
    assert DraftAction.SIGN_DIGITALLY in allowed_actions(org.director, draft)
    for other in (org.deputy, org.clerk, org.unit_leader, org.snv_leader):
        assert DraftAction.SIGN_DIGITALLY not in allowed_actions(other, draft)
    with pytest.raises(PermissionDenied):
        services.sign_draft(actor=org.deputy, draft=draft, secret=PASS)
    with pytest.raises(ValidationError) as caught:
        services.sign_draft(actor=org.director, draft=draft, secret="sai")
    assert caught.value.code == "wrong_passphrase"
    assert reload(draft).signed_version == unsigned

    services.sign_draft(actor=org.director, draft=draft, secret=PASS)
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED
    assert draft.signed_version.number == unsigned.number + 1
    assert _fields(draft.signed_version.blob) == [PERSONAL_FIELD]
    event = DraftEvent.objects.filter(draft=draft).order_by("occurred_at", "id").last()
    assert event.kind == EventKind.DIGITALLY_SIGNED
    assert event.actor == org.director and event.version == draft.signed_version
    assert AuditEvent.objects.filter(action="draft.digitally_signed", object_id=draft.pk).exists()
    assert any(org.clerk in n.recipients for n in notices if "digitally signed" in n.title)
    # Signed once: not again.
    assert DraftAction.SIGN_DIGITALLY not in allowed_actions(org.director, draft)
    with pytest.raises(ValidationError):
        services.sign_draft(actor=org.director, draft=draft, secret=PASS)

    # Now it can be issued electronically even under the strict policy: sealed, two signatures.
    _policy(org, on_paper=False)
    put_on_file(pki, label="agency", kind=CredentialKind.AGENCY, agency=org.stp)
    services.issue_draft(actor=org.clerk, draft=reload(draft), signing_secret=PASS)
    draft = reload(draft)
    assert draft.state == DraftState.ISSUED and not draft.issued_on_paper
    current = Attachment.objects.get(document=draft.document).current
    assert _fields(current.blob) == [PERSONAL_FIELD, AGENCY_FIELD]


# --- Issuing policy -------------------------------------------------------------------------------


def _approved_unsigned(org, make_draft, **overrides) -> Draft:
    """Approved without a signature under the paper policy, then the policy is electronic."""
    _policy(org, on_paper=True)
    draft = _to_signer(org, make_draft, **overrides)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    _policy(org, on_paper=False)
    return reload(draft)


def test_issuing_an_unsigned_document_to_another_agency_is_refused_by_default(
    org, make_draft, db_snapshot
):
    draft = _approved_unsigned(org, make_draft)
    assert DraftAction.ISSUE in allowed_actions(org.clerk, draft)
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        services.issue_draft(actor=org.clerk, draft=draft)
    assert caught.value.code == "unsigned"
    assert "Ký số" in caught.value.messages[0]
    assert db_snapshot() == before  # no document, no number
    assert reload(draft).state == DraftState.APPROVED


def test_the_paper_policy_allows_unsigned_issue_and_marks_it(org, make_draft, client, run_tasks):
    _policy(org, on_paper=True)
    draft = _to_signer(org, make_draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    client.force_login(org.clerk)
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="on-paper"' in page  # said on the issue form
    assert 'name="signing_secret"' not in page

    services.issue_draft(actor=org.clerk, draft=reload(draft))
    draft = reload(draft)
    assert draft.state == DraftState.ISSUED
    assert draft.issued_on_paper
    assert draft.document.status == DocumentStatus.ISSUED
    issued = AuditEvent.objects.get(action="draft.issued", object_id=draft.pk)
    assert issued.data["on_paper"] is True
    page = client.get(reverse("documents:detail", args=[draft.document.pk])).content.decode()
    assert 'data-testid="issued-on-paper"' in page  # said on the issued document


def test_a_document_for_no_agency_on_the_platform_may_be_issued_unsigned(org, make_draft):
    draft = _approved_unsigned(org, make_draft, recipient_agencies=[])
    services.issue_draft(actor=org.clerk, draft=draft)
    assert reload(draft).issued_on_paper


def test_a_signed_document_to_another_agency_must_be_sealed(org, creds, make_draft, run_tasks):
    _policy(org, on_paper=False)
    draft = _to_signer(org, make_draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret=PASS)
    with pytest.raises(ValidationError):  # the seal's PIN is asked
        services.issue_draft(actor=org.clerk, draft=reload(draft))
    services.issue_draft(actor=org.clerk, draft=reload(draft), signing_secret=PASS)
    draft = reload(draft)
    assert not draft.issued_on_paper
    current = Attachment.objects.get(document=draft.document).current
    assert _fields(current.blob) == [PERSONAL_FIELD, AGENCY_FIELD]
    run_tasks()  # delivered to Sở Nội vụ with both signatures
    received = Document.objects.get(agency=org.snv, direction=Direction.INCOMING)
    assert _fields(Attachment.objects.get(document=received).current.blob) == [
        PERSONAL_FIELD,
        AGENCY_FIELD,
    ]


def test_require_digital_signature_overrides_the_paper_policy(settings, org, make_draft):
    draft = _approved_unsigned(org, make_draft)
    _policy(org, on_paper=True)
    settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE = True
    with pytest.raises(ValidationError) as caught:
        services.issue_draft(actor=org.clerk, draft=draft)
    assert caught.value.code == "unsigned"
    other = _to_signer(org, make_draft, recipient_agencies=[])
    with pytest.raises(ValidationError) as caught:
        services.sign_off(actor=org.director, draft=other, decision="approve")
    assert "signing_secret" in caught.value.message_dict
    assert reload(other).state == DraftState.AWAITING_SIGNATURE


def test_the_policy_is_set_by_the_agencys_administrator_and_audited(org, user_factory):
    admin = user_factory(org.stp, [Role.AGENCY_ADMIN])
    for outsider in (org.clerk, org.director, user_factory(org.snv, [Role.AGENCY_ADMIN])):
        with pytest.raises(PermissionDenied):
            account_services.set_issuing_policy(
                actor=outsider, agency=org.stp, issues_on_paper=False
            )
    assert org.stp.__class__.objects.get(pk=org.stp.pk).issues_on_paper  # unchanged
    account_services.set_issuing_policy(actor=admin, agency=org.stp, issues_on_paper=False)
    assert not org.stp.__class__.objects.get(pk=org.stp.pk).issues_on_paper
    event = (
        AuditEvent.objects.filter(action="agency.issuing_policy_changed")
        .order_by("sequence")
        .last()
    )
    assert event.actor == admin
    assert event.data["issues_on_paper"] == {"before": True, "after": False}


# --- Final once issued or received ----------------------------------------------------------------


def _issued(org, make_draft) -> Document:
    _policy(org, on_paper=True)
    draft = make_draft()
    services.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    services.issue_draft(actor=org.clerk, draft=reload(draft))
    document = reload(draft).document
    assert document is not None
    return document


def test_no_new_version_replaces_a_file_of_an_issued_document(org, make_draft, db_snapshot):
    document = _issued(org, make_draft)
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        documents.add_attachment(
            actor=org.clerk,
            document=document,
            upload=upload(pki_module.decision_pdf(), "moi.pdf"),
            name="moi.pdf",
            replaces=Attachment.objects.get(document=document),
        )
    assert "final" in str(caught.value)
    assert db_snapshot() == before


def test_a_client_cannot_append_to_a_final_file(org, make_draft, db_snapshot):
    """An incremental update appended to an issued file (which can change what the page shows)
    is accepted from the signing service only, never from an upload."""
    document = _issued(org, make_draft)
    current = Attachment.objects.get(document=document).current
    assert current is not None
    with default_storage.open(current.blob.storage_name, "rb") as stored:
        appended = stored.read() + b"\n% an incremental update\n"
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        documents.add_attachment(
            actor=org.clerk,
            document=document,
            upload=upload(appended, "cap-nhat.pdf"),
            name="cap-nhat.pdf",
            replaces=Attachment.objects.get(document=document),
        )
    assert "final" in str(caught.value)
    assert db_snapshot() == before


def test_no_new_version_replaces_a_file_of_a_received_document(org, make_draft, run_tasks):
    _issued(org, make_draft)
    run_tasks()
    received = Document.objects.get(agency=org.snv, direction=Direction.INCOMING)
    attachment = Attachment.objects.get(document=received)
    with pytest.raises(ValidationError):
        documents.add_attachment(
            actor=org.snv_clerk,
            document=received,
            upload=upload(pki_module.decision_pdf(), "moi.pdf"),
            name="moi.pdf",
            replaces=attachment,
        )
    assert AttachmentVersion.objects.filter(attachment=attachment).count() == 1


def test_a_document_being_prepared_may_still_get_a_new_version(org):
    document = documents.record_outgoing(
        actor=org.clerk,
        document_type=_type(),
        subject="Công văn",
        drafting_unit=org.office,
        recipient_agencies=[org.snv],
    )
    first = documents.add_attachment(
        actor=org.clerk, document=document, upload=upload(docx("Bản 1"), "a.docx"), name="a.docx"
    )
    second = documents.add_attachment(
        actor=org.clerk,
        document=document,
        upload=upload(pki_module.decision_pdf(), "a.pdf"),
        name="a.pdf",
        replaces=first.attachment,
    )
    assert second.version == 2


def _type():
    from .conftest import doc_type

    return doc_type("Công văn")


def test_the_page_of_an_issued_document_offers_no_file_replacement(org, make_draft, client):
    document = _issued(org, make_draft)
    client.force_login(org.clerk)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert 'name="replaces"' not in page
    assert reverse("drafting:replace", args=[document.pk]) in page


# --- Replacement documents go through drafting ----------------------------------------------------


def test_a_replacement_is_a_draft_that_recalls_the_replaced_document_on_issue(
    org, make_draft, run_tasks
):
    old = _issued(org, make_draft)
    draft = make_draft(replaces=old, subject=f"Thay thế {old.number_and_symbol}")
    assert draft.replaces == old and draft.state == DraftState.DRAFTING
    created = AuditEvent.objects.get(action="draft.created", object_id=draft.pk)
    assert created.data["replaces"] == old.pk
    services.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    services.review(actor=org.unit_leader, draft=draft, decision="approve")
    services.send_to_signer(actor=org.unit_leader, draft=draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    services.issue_draft(actor=org.clerk, draft=reload(draft))
    new = reload(draft).document
    assert new.replaces == old
    assert Document.objects.get(pk=old.pk).status == DocumentStatus.RECALLED


def test_only_an_issued_document_of_ones_agency_can_be_replaced(org, make_draft, run_tasks):
    _issued(org, make_draft)
    run_tasks()
    received = Document.objects.get(agency=org.snv, direction=Direction.INCOMING)
    with pytest.raises(ValidationError):
        make_draft(replaces=received)
    preparing = documents.record_outgoing(
        actor=org.clerk,
        document_type=_type(),
        subject="X",
        drafting_unit=org.office,
        recipient_agencies=[org.snv],
    )
    with pytest.raises(ValidationError):
        make_draft(replaces=preparing)


def test_send_a_replacement_opens_a_draft_never_the_bare_outgoing_form(org, make_draft, client):
    old = _issued(org, make_draft)
    client.force_login(org.clerk)
    response = client.get(reverse("documents:record-outgoing") + f"?replaces={old.pk}")
    assert response.status_code == 302
    assert response["Location"] == reverse("drafting:replace", args=[old.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert old.subject in page.content.decode()  # prefilled from the replaced document
    response = client.post(
        reverse("drafting:replace", args=[old.pk]),
        {
            "document_type": old.document_type_id,
            "subject": "Quyết định thay thế",
            "urgency": old.urgency,
            "confidentiality": old.confidentiality,
            "recipient_agencies": [org.snv.pk],
            "signer": org.director.pk,
            "signing_authority": "none",
        },
    )
    draft = Draft.objects.get(subject="Quyết định thay thế")
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert draft.replaces == old and draft.created_by == org.clerk
    # Another agency's official cannot reach it.
    client.force_login(org.snv_clerk)
    assert client.get(reverse("drafting:replace", args=[old.pk])).status_code == 404


# --- The pages ------------------------------------------------------------------------------------


def test_the_directors_page_asks_for_the_pin_to_approve(org, creds, make_draft, client):
    _policy(org, on_paper=True)  # even when the agency also issues on paper
    draft = _to_signer(org, make_draft)
    client.force_login(org.director)
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    approve = page[page.index('data-testid="form-approve"') :]
    approve = approve[: approve.index("</form>")]
    assert 'name="signing_secret"' in approve and "required" in approve
    assert 'data-testid="approve-unsigned"' not in page
    # Posting the approval without the PIN changes nothing and says why.
    response = client.post(reverse("drafting:sign", args=[draft.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert reload(draft).state == DraftState.AWAITING_SIGNATURE
    response = client.post(
        reverse("drafting:sign", args=[draft.pk]),
        {"decision": "approve", "signing_secret": PASS},
    )
    draft = reload(draft)
    assert draft.state == DraftState.APPROVED and is_personally_signed(draft.signed_version)


def test_a_signer_without_a_certificate_is_told_he_needs_one(org, make_draft, client):
    _policy(org, on_paper=False)
    draft = _to_signer(org, make_draft)
    client.force_login(org.director)
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="no-credential"' in page
    assert 'data-testid="form-approve"' not in page
    assert 'data-testid="form-return"' in page
    client.post(reverse("drafting:sign", args=[draft.pk]), {"decision": "approve"})
    assert reload(draft).state == DraftState.AWAITING_SIGNATURE


def test_the_sign_digitally_page_signs_for_who_approved_only(pki, org, trusted, make_draft, client):
    _policy(org, on_paper=True)
    draft = _to_signer(org, make_draft)
    services.sign_off(actor=org.director, draft=draft, decision="approve")
    put_on_file(
        pki, label="director", kind=CredentialKind.PERSONAL, agency=org.stp, user=org.director
    )
    url = reverse("drafting:sign-digitally", args=[draft.pk])
    client.force_login(org.deputy)
    assert client.post(url, {"signing_secret": PASS}).status_code == 403
    client.force_login(org.snv_leader)
    assert client.post(url, {"signing_secret": PASS}).status_code == 404
    assert not is_personally_signed(reload(draft).signed_version)
    client.force_login(org.director)
    page = client.get(reverse("drafting:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="form-sign-digitally"' in page
    assert client.post(url, {"signing_secret": PASS}).status_code == 302
    assert is_personally_signed(reload(draft).signed_version)
