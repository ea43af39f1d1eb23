"""In real headless Chromium: the leader finds a new document in the tray, assigns it to a
unit with a deadline in working days, the unit leader hands it to a specialist, who completes
it; the queue and the slip follow."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.models import Unit, User
from lienthong.documents import services as document_services
from lienthong.workflows.models import Assignment
from tests.documents.conftest import doc_type
from tests.e2e.test_sign_in_flow import sign_in as sign_in_only

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str) -> None:
    sign_in_only(page, base, username)
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))


INSTRUCTION = "Phòng CNTT chủ trì, báo cáo kết quả triển khai."


def test_leader_assigns_unit_hands_on_specialist_completes(
    live_server,
    demo,
    page: Page,
) -> None:
    clerk = User.objects.get(username="vanthu.stttt")
    document = document_services.register_incoming(
        actor=clerk,
        document_type=doc_type("Công văn"),
        issuer_name="Ủy ban nhân dân tỉnh Cà Mau",
        code_number="2345",
        code_notation="UBND-KT",
        issued_date=date.today(),
        subject="V/v triển khai phần mềm hồ sơ công việc liên thông",
    ).document
    assert document is not None
    unit = Unit.objects.get(agency=clerk.agency, abbreviation="CNTT")

    sign_in(page, live_server.url, "lanhdao.stttt")
    page.goto(f"{live_server.url}/xu-ly/?tab=awaiting")
    page.get_by_role("link", name="triển khai phần mềm").click()
    form = page.get_by_test_id("assign-form")
    form.locator("select[name=lead]").select_option(f"unit:{unit.pk}")
    form.locator("textarea[name=instruction]").fill(INSTRUCTION)
    form.locator("input[name=working_days]").fill("10")
    form.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    lead = Assignment.objects.get(document=document)
    expect(page.get_by_test_id(f"assignment-{lead.pk}").get_by_test_id("instruction")).to_have_text(
        INSTRUCTION
    )
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))

    sign_in(page, live_server.url, "truongphong.stttt")
    page.goto(f"{live_server.url}/xu-ly/")
    page.get_by_test_id(f"assignment-{lead.pk}").get_by_role("link").click()
    specialist = User.objects.get(username="chuyenvien.stttt")
    handover = page.get_by_test_id("reassign-form")
    handover.locator("select[name=lead]").select_option(str(specialist.pk))
    handover.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    mine = Assignment.objects.get(parent=lead)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))

    sign_in(page, live_server.url, "chuyenvien.stttt")
    page.goto(f"{live_server.url}/xu-ly/van-ban/{document.pk}/")
    box = page.get_by_test_id(f"assignment-{mine.pk}")
    box.get_by_test_id("complete-form").locator("textarea[name=note]").fill("Đã triển khai")
    box.get_by_test_id("complete-form").locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    lead.refresh_from_db()
    assert lead.state == "completed"
    page.goto(f"{live_server.url}/xu-ly/?tab=done")
    expect(page.get_by_test_id("queue-table")).to_contain_text("triển khai phần mềm")
    pdf = page.request.get(f"{live_server.url}/xu-ly/van-ban/{document.pk}/phieu-giai-quyet.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert page.console_errors == []  # type: ignore[attr-defined]
