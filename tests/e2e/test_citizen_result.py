"""The citizen's end of a dossier in a real browser: the signed electronic result downloaded
with its green badge; on another dossier, the reason processing stopped is shown and the
officials' internal notes are not (their page and public tracking); the public check page
recognises the downloaded result and rejects a file the platform did not issue."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lienthong.documents.models import DocumentType
from lienthong.onestop import services
from lienthong.signatures import services as signatures
from lienthong.signatures.constants import CredentialKind
from tests.conftest import run_queued_jobs
from tests.documents.files import text_pdf
from tests.e2e.test_onestop_flow import sign_in
from tests.onestop.conftest import CITIZEN, filed_online, world  # noqa: F401  (fixture)
from tests.signatures import pki as pki_module
from tests.signatures.conftest import PASS, pki, put_on_file  # noqa: F401  (the live test PKI)

pytestmark = pytest.mark.django_db(transaction=True)

INTERNAL = "Đề nghị Giám đốc cấp phép, hồ sơ đủ điều kiện"
REASON = "Doanh nghiệp chưa đăng ký ngành nghề bưu chính"


def _approved(w) -> object:
    dossier = services.submit_dossier(actor=w.citizen, dossier=filed_online(w))
    services.receive_dossier(actor=w.counter, dossier=dossier)
    for order, leader, handler in [
        (2, w.bc_leader, w.bc_handler),
        (3, w.other_leader, w.other_handler),
    ]:
        step = dossier.steps.get(order=order)
        services.assign_handler(actor=leader, step=step, handler=handler)
        services.propose(actor=handler, step=step, text=INTERNAL)
        services.approve_step(actor=leader, step=step, note="Đồng ý")
    services.approve_step(actor=w.leader, step=dossier.steps.get(order=4), note="Đồng ý cấp phép")
    return dossier


def test_citizen_downloads_the_signed_result_and_reads_only_what_is_for_them(
    live_server,
    world,  # noqa: F811
    pki,  # noqa: F811
    settings,
    page: Page,
    tmp_path: Path,
) -> None:
    settings.LIENTHONG_TSA_URL = pki.tsa_url
    signatures.add_trusted_certificate(actor=None, data=pki.pem("root"), name="Root CA Thử Nghiệm")
    put_on_file(pki, label="agency", kind=CredentialKind.AGENCY, agency=world.dept)
    issued = services.issue_result(
        actor=world.clerk,
        dossier=_approved(world),
        document_type=DocumentType.objects.get(name="Quyết định"),
        upload=io.BytesIO(pki_module.decision_pdf()),
        file_name="giay-phep.pdf",
        signing_secret=PASS,
    )
    stopped = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    services.receive_dossier(actor=world.counter, dossier=stopped)
    step = stopped.steps.get(order=2)
    services.assign_handler(actor=world.bc_leader, step=step, handler=world.bc_handler)
    services.propose(actor=world.bc_handler, step=step, text=INTERNAL)
    services.refuse_dossier(actor=world.bc_leader, dossier=stopped, reason=REASON)
    run_queued_jobs()  # the sealed result's signatures are checked
    base = live_server.url

    # The signed result, with its badge, downloaded from the citizen's page.
    sign_in(page, base, world.citizen.username)
    page.goto(f"{base}/cong-dan/ho-so/{issued.pk}/")
    result = page.get_by_test_id("result")
    expect(result.get_by_test_id("signature-status")).to_have_attribute("data-state", "valid")
    expect(result).to_contain_text("Bản điện tử kết quả")
    with page.expect_download() as download:
        result.get_by_test_id("download-result").click()
    saved = tmp_path / "ket-qua.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The other dossier: the reason it was stopped, and none of the officials' notes.
    page.goto(f"{base}/cong-dan/ho-so/{stopped.pk}/")
    expect(page.get_by_test_id("history")).to_contain_text(REASON)
    expect(page.get_by_text(INTERNAL)).to_have_count(0)
    page.context.clear_cookies()
    page.goto(f"{base}/cong-dan/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(stopped.code)
    page.locator("input[name=factor]").fill(CITIZEN.phone)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("tracked")).to_contain_text(REASON)
    expect(page.get_by_text(INTERNAL)).to_have_count(0)

    # The public check page: the downloaded result is ours; a lookalike is not.
    page.goto(f"{base}/cong-dan/kiem-tra/")
    page.locator("input[type=file]").set_input_files(str(saved))
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("recognised")).to_be_visible()
    expect(page.get_by_test_id("issuer")).to_have_text(world.dept.name)
    expect(page.get_by_test_id("signature-status")).to_have_attribute("data-state", "valid")
    page.locator("input[type=file]").set_input_files(
        {"name": "gia.pdf", "mimeType": "application/pdf", "buffer": text_pdf("Giấy phép")}
    )
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("not-recognised")).to_be_visible()
    expect(page.get_by_test_id("recognised")).to_have_count(0)
