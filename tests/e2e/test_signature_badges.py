"""Signature badges in real headless Chromium: a document signed with certificates from a CA not
on the trust list arrives amber with the CA's name; the system administrator trusts the root on
the certificates page, and the recipient's badge is green on the next visit, without any click;
"Kiểm tra lại" checks it again."""

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
from tests.e2e.test_cross_agency_flow import as_user
from tests.signatures import pki as pki_module
from tests.signatures.conftest import PASS, pki  # noqa: F401  (the live test PKI)

pytestmark = pytest.mark.django_db(transaction=True)


def test_amber_until_the_root_is_trusted_then_green_and_checked_again(
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
    for label, kind, user, image in (
        ("director", CredentialKind.PERSONAL, director, pki_module.signature_png()),
        ("agency", CredentialKind.AGENCY, None, pki_module.seal_png()),
    ):
        signatures.register_credential(
            actor=None, kind=kind, agency=agency, user=user, source=KeySource.PKCS12,
            pkcs12=pki.pkcs12(label, PASS), passphrase=PASS, image=image,
        )  # fmt: skip
    position = director.position.name if director.position else "Giám đốc"
    stp = Agency.objects.get(name="Sở Tư pháp")
    draft = drafting.create_draft(
        actor=User.objects.get(username="chuyenvien.stttt"),
        document_type=doc_type("Quyết định"),
        subject="Quyết định ban hành Quy chế văn thư, lưu trữ",
        signer=director,
        recipient_agencies=[stp],
        upload=upload(
            pki_module.decision_pdf(position=position.upper(), name=director.full_name),
            "quyet-dinh.pdf",
        ),
        file_name="quyet-dinh.pdf",
    )
    leader = User.objects.get(username="truongphong.stttt")
    drafting.submit_for_review(actor=draft.created_by, draft=draft)
    drafting.review(actor=leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=leader, draft=draft)
    drafting.sign_off(
        actor=director, draft=Draft.objects.get(pk=draft.pk), decision="approve",
        signing_secret=PASS,
    )  # fmt: skip
    drafting.issue_draft(
        actor=User.objects.get(username="vanthu.stttt"),
        draft=Draft.objects.get(pk=draft.pk),
        signing_secret=PASS,
    )
    run_queued_jobs()  # delivered to Sở Tư pháp, and checked there
    copy = Document.objects.get(agency=stp, direction="incoming")

    # Amber, with the name of the CA that issued the certificates; not "invalid".
    clerk = as_user(browser, base, "vanthu.stp")
    clerk.goto(f"{base}/van-ban/{copy.pk}/")
    status = clerk.get_by_test_id("signature-status")
    expect(status).to_have_attribute("data-state", "untrusted")
    expect(status).to_contain_text("chưa xác định được nguồn tin cậy")
    expect(clerk.get_by_test_id("signature-issuer")).to_contain_text(
        "Ban Cơ yếu Chính phủ (thử nghiệm)"
    )
    clerk.screenshot(path=str(tmp_path / "amber.png"), full_page=True)

    # The system administrator trusts the root on the certificates page.
    root = tmp_path / "root.pem"
    root.write_bytes(pki.pem("root"))
    admin = as_user(browser, base, "quantri.hethong")
    admin.goto(f"{base}/chu-ky-so/")
    form = admin.locator("form[action='/chu-ky-so/tin-cay/']")
    form.locator("input[name=certificate]").set_input_files(str(root))
    form.locator("input[name=name]").fill("Root CA Thử Nghiệm")
    form.locator("button[type=submit]").click()
    expect(admin.get_by_test_id("trusted")).to_contain_text("Root CA Thử Nghiệm")
    expect(admin.get_by_test_id("trusted")).to_contain_text("Ký chứng thư số")

    # The background worker checks again; the clerk's next visit shows green, no click needed.
    run_queued_jobs()
    clerk.goto(f"{base}/van-ban/{copy.pk}/")
    expect(clerk.get_by_test_id("signature-status")).to_have_attribute("data-state", "valid")
    expect(clerk.get_by_test_id("signature-status")).to_contain_text("Chữ ký số: Chữ ký hợp lệ (2)")

    # Kiểm tra lại: asked, under way, then done.
    clerk.get_by_test_id("signature-recheck").locator("button").click()
    expect(clerk.get_by_test_id("signature-rechecking")).to_be_visible()
    run_queued_jobs()
    clerk.goto(f"{base}/van-ban/{copy.pk}/")
    expect(clerk.get_by_test_id("signature-rechecking")).to_have_count(0)
    expect(clerk.get_by_test_id("signature-status")).to_have_attribute("data-state", "valid")
    clerk.get_by_test_id("signature-details").locator("summary").click()
    expect(clerk.get_by_test_id("signature-details")).to_contain_text("Tổ chức cấp")
    clerk.screenshot(path=str(tmp_path / "green.png"), full_page=True)
