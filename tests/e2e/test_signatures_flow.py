"""Digital signatures in real headless Chromium: Sở TT&TT's director signs a draft with the
passphrase of their certificate, the clerk numbers, dates and seals it, and Sở Tư pháp's clerk
sees the signatures checked on the received document."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from lienthong.accounts.models import Agency, User
from lienthong.documents.models import Document
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft
from lienthong.signatures import services as signatures
from lienthong.signatures.constants import CredentialKind, KeySource
from tests.conftest import run_queued_jobs
from tests.drafting.conftest import doc_type, upload
from tests.e2e.test_cross_agency_flow import as_user, submit
from tests.signatures import pki as pki_module
from tests.signatures.conftest import PASS, pki  # noqa: F401  (the live test PKI)

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_seal_and_verify_through_the_pages(
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
    agency = Agency.objects.get(pk=director.agency_id)
    signatures.add_trusted_certificate(actor=None, data=pki.pem("root"))
    for label, kind, user, image in (
        ("director", CredentialKind.PERSONAL, director, pki_module.signature_png()),
        ("agency", CredentialKind.AGENCY, None, pki_module.seal_png()),
    ):
        signatures.register_credential(
            actor=None, kind=kind, agency=agency, user=user, source=KeySource.PKCS12,
            pkcs12=pki.pkcs12(label, PASS), passphrase=PASS, image=image,
        )  # fmt: skip
    position = director.position.name if director.position else "Giám đốc"
    pdf = pki_module.decision_pdf(position=position.upper(), name=director.full_name)
    stp = Agency.objects.get(name="Sở Tư pháp")
    draft = drafting.create_draft(
        actor=User.objects.get(username="chuyenvien.stttt"),
        document_type=doc_type("Quyết định"),
        subject="Quyết định ban hành Quy chế văn thư, lưu trữ",
        signer=director,
        recipient_agencies=[stp],
        upload=upload(pdf, "quyet-dinh.pdf"),
        file_name="quyet-dinh.pdf",
    )
    leader = User.objects.get(username="truongphong.stttt")
    drafting.submit_for_review(actor=draft.created_by, draft=draft)
    drafting.review(actor=leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=leader, draft=draft)

    # The director approves and signs with the passphrase of their certificate.
    page = as_user(browser, base, "lanhdao.stttt")
    page.goto(f"{base}/du-thao/{draft.pk}/")
    form = page.get_by_test_id("form-approve")
    form.get_by_label("Mã PIN hoặc mật khẩu của chứng thư ký số").fill(PASS)
    form.get_by_role("button", name="Ký số và duyệt").click()
    expect(page.get_by_test_id("state")).to_have_text("Đã ký duyệt, chờ phát hành")

    # The clerk issues: number, date, then the agency's signature.
    page = as_user(browser, base, "vanthu.stttt")
    page.goto(f"{base}/du-thao/{draft.pk}/")
    page.get_by_test_id("form-issue").get_by_label(
        "Mật khẩu hoặc mã PIN chứng thư số của cơ quan"
    ).fill(PASS)
    submit(page, "form-issue")
    expect(page).to_have_url(re.compile(r"/van-ban/\d+/$"))

    # Delivered; Sở Tư pháp's clerk sees both signatures checked.
    run_queued_jobs()
    copy = Document.objects.get(agency=stp, direction="incoming")
    page = as_user(browser, base, "vanthu.stp")
    page.goto(f"{base}/van-ban/{copy.pk}/")
    expect(page.get_by_test_id("signature-status")).to_contain_text("Chữ ký số: Chữ ký hợp lệ (2)")
    page.get_by_test_id("signature-details").locator("summary").click()
    expect(page.get_by_test_id("signature-details")).to_contain_text("Nguyễn Văn Giám")
    page.screenshot(path=str(tmp_path / "van-ban-den.png"), full_page=True)
    import os

    if os.environ.get("LIENTHONG_KEEP_SCREENSHOT"):
        page.screenshot(path=os.environ["LIENTHONG_KEEP_SCREENSHOT"], full_page=True)
    assert Draft.objects.get(pk=draft.pk).document is not None
