"""Digital signatures in the real drafting workflow: the director signs on approval, the clerk
numbers, dates and seals on issue; incoming PDFs are verified in the background."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader

from lienthong.documents.models import Attachment
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft
from lienthong.signatures.constants import AGENCY_FIELD, PERSONAL_FIELD
from lienthong.signatures.models import PdfVerification
from tests.drafting.conftest import upload

from . import pki as pki_module
from .conftest import PASS


def _to_signer(org, make_draft) -> Draft:
    draft = make_draft(
        upload=upload(pki_module.decision_pdf(), "quyet-dinh.pdf"), file_name="quyet-dinh.pdf"
    )
    drafting.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    drafting.review(actor=org.unit_leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.unit_leader, draft=draft)
    return Draft.objects.get(pk=draft.pk)


def _read(blob) -> bytes:
    with default_storage.open(blob.storage_name, "rb") as f:
        return f.read()


def test_signed_on_approval_and_sealed_on_issue_then_verified_on_arrival(
    pki, org, creds, make_draft, run_tasks
):
    draft = _to_signer(org, make_draft)
    drafting.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret=PASS)
    draft = Draft.objects.get(pk=draft.pk)
    assert draft.state == DraftState.APPROVED
    assert draft.signed_version.number == 2  # the signed PDF is a new version
    names = [
        s.field_name
        for s in PdfFileReader(io.BytesIO(_read(draft.signed_version.blob))).embedded_signatures
    ]
    assert names == [PERSONAL_FIELD]

    drafting.issue_draft(actor=org.clerk, draft=draft, signing_secret=PASS)
    document = Draft.objects.get(pk=draft.pk).document
    attachment = Attachment.objects.get(document=document)
    current = attachment.current
    assert current.version == 2
    issued = _read(current.blob)
    names = [s.field_name for s in PdfFileReader(io.BytesIO(issued)).embedded_signatures]
    assert names == [PERSONAL_FIELD, AGENCY_FIELD]

    run_tasks()  # delivery to Sở Nội vụ, then the background check of what arrived
    check = PdfVerification.objects.get(blob=current.blob)
    assert check.status == "valid"
    assert check.signature_count == 2
    assert [s["signer"] for s in check.report["signatures"]] == [
        "Nguyễn Văn Giám",
        "Sở Tư pháp tỉnh Cà Mau",
    ]


def test_with_a_certificate_on_file_approving_without_the_passphrase_is_refused(
    settings, pki, org, creds, make_draft
):
    # Approving is signing for a signer with a certificate (issue 13), required or not.
    for required in (False, True):
        settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE = required
        draft = _to_signer(org, make_draft)
        with pytest.raises(ValidationError) as caught:
            drafting.sign_off(actor=org.director, draft=draft, decision="approve")
        assert "signing_secret" in caught.value.message_dict
        assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE


def test_wrong_passphrase_on_approval_leaves_the_draft_awaiting_signature(
    pki, org, creds, make_draft, db_snapshot
):
    draft = _to_signer(org, make_draft)
    before = db_snapshot()
    with pytest.raises(ValidationError):
        drafting.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret="sai")
    assert db_snapshot() == before
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE


def test_a_wrong_agency_passphrase_issues_nothing_and_uses_no_number(
    pki, org, creds, make_draft, db_snapshot
):
    draft = _to_signer(org, make_draft)
    drafting.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret=PASS)
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        drafting.issue_draft(actor=org.clerk, draft=draft, signing_secret="sai")
    assert caught.value.code == "wrong_passphrase"
    assert db_snapshot() == before  # no document, no number, no attachment
    assert Draft.objects.get(pk=draft.pk).state == DraftState.APPROVED


def test_a_word_file_cannot_be_signed_digitally(pki, org, creds, make_draft):
    draft = make_draft()  # a DOCX
    drafting.submit_for_review(actor=org.specialist, draft=draft, comment="Kính trình")
    drafting.review(actor=org.unit_leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.unit_leader, draft=draft)
    with pytest.raises(ValidationError) as caught:
        drafting.sign_off(actor=org.director, draft=draft, decision="approve", signing_secret=PASS)
    assert caught.value.code == "not_pdf"
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
