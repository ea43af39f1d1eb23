"""The signing step in real headless Chromium (issue 13): a director with a signing certificate
cannot "Duyệt" without signing; the clerk cannot issue an unsigned document to another agency;
signed and sealed, it is issued and the recipient agency receives it."""

import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import Browser, expect

from lienthong.accounts import services as account_services
from lienthong.accounts.models import Agency, User
from lienthong.documents.models import Attachment, Document
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft
from lienthong.signatures import services as signatures
from lienthong.signatures.constants import CredentialKind, KeySource
from tests.conftest import run_queued_jobs
from tests.drafting.conftest import doc_type, upload
from tests.e2e.test_cross_agency_flow import as_user, submit
from tests.signatures import pki as pki_module
from tests.signatures.conftest import PASS, pki  # noqa: F401  (the live test PKI)

pytestmark = pytest.mark.django_db(transaction=True)


def _at_signer(*, signer: User, subject: str, recipient: Agency) -> Draft:
    position = signer.position.name if signer.position else "Giám đốc"
    pdf = pki_module.decision_pdf(position=position.upper(), name=signer.full_name)
    draft = drafting.create_draft(
        actor=User.objects.get(username="chuyenvien.stttt"),
        document_type=doc_type("Quyết định"),
        subject=subject,
        signer=signer,
        recipient_agencies=[recipient],
        upload=upload(pdf, "quyet-dinh.pdf"),
        file_name="quyet-dinh.pdf",
    )
    leader = User.objects.get(username="truongphong.stttt")
    drafting.submit_for_review(actor=draft.created_by, draft=draft)
    drafting.review(actor=leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=leader, draft=draft)
    return Draft.objects.get(pk=draft.pk)


def test_sign_before_approving_and_issue_only_signed_documents(
    live_server,
    demo,
    browser: Browser,
    pki,  # noqa: F811
    settings,
    tmp_path: Path,
) -> None:
    settings.LIENTHONG_TSA_URL = pki.tsa_url
    base = live_server.url
    director = User.objects.get(username="lanhdao.stttt")
    stttt = Agency.objects.get(pk=director.agency_id)
    stp = Agency.objects.get(name="Sở Tư pháp")
    assert not stttt.issues_on_paper  # the default policy: electronic, must be signed
    signatures.add_trusted_certificate(actor=None, data=pki.pem("root"))
    for label, kind, user, image in (
        ("director", CredentialKind.PERSONAL, director, pki_module.signature_png()),
        ("agency", CredentialKind.AGENCY, None, pki_module.seal_png()),
    ):
        signatures.register_credential(
            actor=None, kind=kind, agency=stttt, user=user, source=KeySource.PKCS12,
            pkcs12=pki.pkcs12(label, PASS), passphrase=PASS, image=image,
        )  # fmt: skip
    draft = _at_signer(signer=director, subject="Quyết định ban hành Quy chế ký số", recipient=stp)

    # 1. The director has a certificate: "Duyệt" is "Ký số và duyệt", and the PIN is required.
    page = as_user(browser, base, "lanhdao.stttt")
    page.goto(f"{base}/du-thao/{draft.pk}/")
    form = page.get_by_test_id("form-approve")
    pin = form.get_by_label("Mã PIN hoặc mật khẩu của chứng thư ký số")
    expect(pin).to_be_visible()
    expect(pin).to_have_attribute("required", "")
    approve = form.get_by_role("button", name="Ký số và duyệt")
    expect(approve).to_be_visible()
    expect(page.get_by_role("button", name="Duyệt không ký số")).to_have_count(0)
    approve.click()  # no PIN: the browser does not send it
    expect(page.get_by_test_id("state")).to_have_text("Chờ ký")
    # Even past the browser's check, the server refuses and changes nothing.
    pin.evaluate("input => input.removeAttribute('required')")
    approve.click()
    expect(page.locator("ul.messages")).to_contain_text("Duyệt là ký số")
    expect(page.get_by_test_id("state")).to_have_text("Chờ ký")
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE

    # 2. A document approved without a signature (by a leader with no certificate, while the
    # agency also issued on paper) cannot be issued electronically now the policy is electronic.
    account_services.set_issuing_policy(actor=None, agency=stttt, issues_on_paper=True)
    deputy_signer = User.objects.get(username="truongphong.stttt")
    unsigned = _at_signer(
        signer=deputy_signer, subject="Công văn chưa ký số gửi Sở Tư pháp", recipient=stp
    )
    drafting.sign_off(actor=deputy_signer, draft=unsigned, decision="approve")
    account_services.set_issuing_policy(actor=None, agency=stttt, issues_on_paper=False)
    clerk_page = as_user(browser, base, "vanthu.stttt")
    clerk_page.goto(f"{base}/du-thao/{unsigned.pk}/")
    expect(clerk_page.get_by_test_id("issue-refused")).to_contain_text(
        "phải có chữ ký số của người có thẩm quyền"
    )
    expect(clerk_page.get_by_test_id("form-issue")).to_have_count(0)
    expect(clerk_page.get_by_test_id("digitally-signed")).to_contain_text("chưa được ký số")
    assert Draft.objects.get(pk=unsigned.pk).state == DraftState.APPROVED
    assert not Document.objects.filter(subject=unsigned.subject).exists()

    # 3. The director signs with the PIN: approved and signed.
    pin.fill(PASS)
    approve.click()
    expect(page.get_by_test_id("state")).to_have_text("Đã ký duyệt, chờ phát hành")
    expect(page.get_by_test_id("digitally-signed")).to_contain_text("có chữ ký số")

    # The clerk issues it with the agency's seal; Sở Tư pháp receives it.
    clerk_page.goto(f"{base}/du-thao/{draft.pk}/")
    issue = clerk_page.get_by_test_id("form-issue")
    expect(clerk_page.get_by_test_id("on-paper")).to_have_count(0)
    issue.get_by_label("Mật khẩu hoặc mã PIN chứng thư số của cơ quan").fill(PASS)
    submit(clerk_page, "form-issue")
    expect(clerk_page).to_have_url(re.compile(r"/van-ban/\d+/$"))
    outgoing = Draft.objects.get(pk=draft.pk).document
    assert outgoing is not None and not Draft.objects.get(pk=draft.pk).issued_on_paper
    run_queued_jobs()
    received = Document.objects.get(agency=stp, direction="incoming", subject=draft.subject)
    current = Attachment.objects.get(document=received).current
    assert current is not None
    with default_storage.open(current.blob.storage_name, "rb") as stored:
        report = signatures.verify_pdf(stored.read())
    assert [s.field_name for s in report.signatures] == ["LienThong-CaNhan", "LienThong-CoQuan"]
    recipient_page = as_user(browser, base, "vanthu.stp")
    recipient_page.goto(f"{base}/van-ban/{received.pk}/")
    expect(recipient_page.get_by_test_id("subject")).to_have_text(draft.subject)
    # The recipient sees the signatures as valid and trusted: the green badge.
    badge = recipient_page.get_by_test_id("signature-status").first
    expect(badge).to_have_attribute("data-state", "valid")
    expect(badge).to_contain_text("Chữ ký hợp lệ")
    # The received document is final: no file of it can be replaced.
    expect(recipient_page.locator("input[name=replaces]")).to_have_count(0)
    recipient_page.screenshot(path=str(tmp_path / "van-ban-den.png"), full_page=True)
