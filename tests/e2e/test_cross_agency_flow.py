"""Two agencies in real headless Chromium: Sở TT&TT's specialist drafts a công văn to Sở Tư
pháp, their clerk issues it; Sở Tư pháp's clerk registers it (after an e-mail arrives over
SMTP), the director assigns it and the specialist completes it; Sở TT&TT sees “completed”."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from lienthong.accounts import services as account_services
from lienthong.accounts.models import Unit, User
from lienthong.documents.models import Document
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft
from lienthong.workflows.models import Assignment
from tests.conftest import run_queued_jobs
from tests.e2e.test_sign_in_flow import sign_in
from tests.notifications.conftest import smtp_server as smtp_server  # a real SMTP server

pytestmark = pytest.mark.django_db(transaction=True)


def as_user(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, username)
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))
    return page


def submit(page: Page, testid: str) -> None:
    page.get_by_test_id(testid).locator("button[type=submit]").first.click()


def test_draft_issue_receive_assign_complete(
    live_server, demo, browser: Browser, tmp_path, smtp_server
) -> None:
    base = live_server.url
    stp_clerk = User.objects.get(username="vanthu.stp")
    director = User.objects.get(username="lanhdao.stttt")
    draft_file = tmp_path / "du-thao.docx"
    from tests.documents import files

    draft_file.write_bytes(files.docx("Đề nghị Sở Tư pháp phối hợp kết nối phần mềm."))

    # The specialist drafts and submits.
    page = as_user(browser, base, "chuyenvien.stttt")
    page.goto(f"{base}/du-thao/moi/")
    page.locator("#id_document_type").select_option(label="Công văn")
    page.locator("#id_subject").fill("V/v kết nối phần mềm hồ sơ công việc liên thông")
    page.locator("#id_recipient_agencies").select_option(label="Sở Tư pháp")
    page.locator("#id_signer").select_option(value=str(director.pk))
    page.locator("#id_file").set_input_files(str(draft_file))
    page.locator("main form.card button[type=submit]").click()
    submit(page, "form-submit")
    draft = Draft.objects.get()
    # The unit leader's review and the director's signature (their own pages, tested elsewhere).
    drafting.review(
        actor=User.objects.get(username="truongphong.stttt"), draft=draft, decision="approve"
    )
    drafting.send_to_signer(actor=User.objects.get(username="truongphong.stttt"), draft=draft)
    # Not about signing: Sở TT&TT also issues on paper, so its director approves unsigned.
    account_services.set_issuing_policy(actor=None, agency=director.agency, issues_on_paper=True)
    drafting.sign_off(actor=director, draft=draft, decision="approve")

    # Sở TT&TT's clerk issues it: it gets its number.
    page = as_user(browser, base, "vanthu.stttt")
    page.goto(f"{base}/du-thao/{draft.pk}/")
    submit(page, "form-issue")
    outgoing = Document.objects.get(direction="outgoing")
    assert outgoing.number_and_symbol == "01/STTTT-CNTT"

    # Delivery runs in the background; Sở Tư pháp's clerk gets an e-mail and registers it.
    run_queued_jobs()
    assert any(
        stp_clerk.email in mail.to and "Sở Thông tin" in mail.subject
        for mail in smtp_server.messages
    )
    copy = Document.objects.get(agency=stp_clerk.agency)
    page = as_user(browser, base, "vanthu.stp")
    page.goto(f"{base}/van-ban/{copy.pk}/")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_test_id("arrival-number")).to_have_text("1")

    # The director assigns it to the unit; the unit leader hands it to the specialist.
    hctp = Unit.objects.get(agency=stp_clerk.agency, abbreviation="HCTP")
    page = as_user(browser, base, "lanhdao.stp")
    page.goto(f"{base}/xu-ly/van-ban/{copy.pk}/")
    form = page.get_by_test_id("assign-form")
    form.locator("[name=lead]").select_option(value=f"unit:{hctp.pk}")
    form.locator("[name=instruction]").fill(
        "Phòng Hành chính tư pháp chủ trì, trả lời trong 5 ngày."
    )
    form.locator("[name=working_days]").fill("5")
    form.locator("button[type=submit]").click()
    lead = Assignment.objects.get(document=copy, assignee_unit=hctp)
    specialist = User.objects.get(username="chuyenvien.stp")
    page = as_user(browser, base, "truongphong.stp")
    page.goto(f"{base}/xu-ly/van-ban/{copy.pk}/")
    form = page.get_by_test_id("reassign-form").first
    form.locator("[name=lead]").select_option(value=str(specialist.pk))
    form.locator("button[type=submit]").click()

    # The specialist completes it; Sở TT&TT sees the status “completed”.
    page = as_user(browser, base, "chuyenvien.stp")
    page.goto(f"{base}/xu-ly/van-ban/{copy.pk}/")
    form = page.get_by_test_id("complete-form").first
    form.locator("[name=note]").fill("Đã phối hợp kết nối, báo cáo kết quả.")
    form.locator("button[type=submit]").click()
    assert Assignment.objects.get(pk=lead.pk).state == "completed"
    page = as_user(browser, base, "vanthu.stttt")
    page.goto(f"{base}/van-ban/{outgoing.pk}/")
    expect(page.get_by_test_id("delivery-status")).to_contain_text("Hoàn thành")
