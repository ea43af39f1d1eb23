"""In real headless Chromium: the province's leader gives a task from an incoming document's
processing panel; the unit's leader reports progress and asks for an extension; the leader
approves it; the clock passes the new deadline and the task shows red on the leader's board;
the statistics by unit count it overdue."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.models import Unit, User
from lienthong.documents import services as document_services
from lienthong.tasks.models import Task
from tests.documents.conftest import doc_type
from tests.e2e.test_sign_in_flow import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def switch(page: Page, base: str, username: str) -> None:
    if page.get_by_role("button", name="Đăng xuất").count():
        page.get_by_role("button", name="Đăng xuất").click()
        expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    sign_in(page, base, username)
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))


def test_a_task_given_from_a_document_is_extended_then_overdue_and_counted(
    live_server: Any, demo: Any, page: Page, time_machine: Any
) -> None:
    # Monday 09/03/2026, 09:00 in Cà Mau.
    time_machine.move_to(datetime(2026, 3, 9, 9, 0, tzinfo=VN), tick=True)
    base = live_server.url
    clerk = User.objects.get(username="vanthu.ubndtinh")
    document = document_services.register_incoming(
        actor=clerk,
        document_type=doc_type("Công văn"),
        issuer_name="Bộ Thông tin và Truyền thông",
        code_number="712",
        code_notation="BTTTT-THH",
        issued_date=date(2026, 3, 5),
        subject="V/v báo cáo tình hình ứng dụng công nghệ thông tin năm 2012",
    ).document
    assert document is not None
    unit = Unit.objects.get(agency=clerk.agency, abbreviation="VX")

    # The leader gives the task from the document's processing panel.
    switch(page, base, "lanhdao.ubndtinh")
    page.goto(f"{base}/xu-ly/van-ban/{document.pk}/")
    page.get_by_test_id("give-task").click()
    form = page.get_by_test_id("give-form")
    expect(form.locator("input[name=title]")).to_have_value(re.compile("ứng dụng công nghệ"))
    form.locator("select[name=owner]").select_option(f"unit:{unit.pk}")
    form.locator("input[name=working_days]").fill("2")
    form.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    task = Task.objects.get(source_document=document)
    expect(page.get_by_test_id("deadline")).to_contain_text("11/03/2026")
    expect(page.get_by_test_id("deadline-kind")).to_contain_text("2 ngày làm việc")

    # The unit's leader reports progress and asks for one more working day.
    switch(page, base, "truongphong.ubndtinh")
    page.goto(f"{base}/nhiem-vu/{task.pk}/")
    progress = page.get_by_test_id("progress-form")
    progress.locator("input[name=progress]").fill("60")
    progress.locator("textarea[name=note]").fill("Đã tổng hợp số liệu của 20 sở, ngành.")
    progress.locator("button[type=submit]").click()
    expect(page.get_by_test_id("progress")).to_have_text("60%")
    extension = page.get_by_test_id("extension-form")
    extension.locator("input[name=extra_working_days]").fill("1")
    extension.locator("textarea[name=reason]").fill("Chờ số liệu của UBND các huyện.")
    extension.locator("button[type=submit]").click()
    expect(page.get_by_test_id("pending-extension")).to_contain_text("12/03/2026")

    # The giver approves it: the new deadline, the first one kept.
    switch(page, base, "lanhdao.ubndtinh")
    page.goto(f"{base}/nhiem-vu/{task.pk}/")
    decide = page.get_by_test_id("decide-form")
    decide.locator("input[value=approve]").check()
    decide.locator("button[type=submit]").click()
    expect(page.get_by_test_id("deadline")).to_contain_text("12/03/2026")
    expect(page.get_by_test_id("deadline")).to_contain_text("11/03/2026")
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(4)

    # Monday 16/03: the task is overdue, red on the giver's board.
    time_machine.move_to(datetime(2026, 3, 16, 9, 0, tzinfo=VN), tick=True)
    switch(page, base, "lanhdao.ubndtinh")
    page.goto(f"{base}/nhiem-vu/")
    row = page.get_by_test_id("task-row").filter(has_text="ứng dụng công nghệ thông tin")
    expect(row).to_have_attribute("data-status", "overdue")
    expect(row.locator("td").first).to_have_css("color", "rgb(139, 0, 0)")
    expect(page.get_by_test_id("count-overdue")).to_have_text("1")
    page.goto(f"{base}/nhiem-vu/{task.pk}/")
    expect(page.get_by_test_id("days-late")).to_contain_text("2 ngày làm việc")

    # The statistics by unit count it late (overdue).
    page.goto(f"{base}/nhiem-vu/thong-ke/?year=2026")
    unit_row = page.get_by_test_id("unit-row").filter(has_text=unit.name)
    expect(unit_row.get_by_test_id("overdue")).to_have_text("1")
    assert not page.console_errors  # type: ignore[attr-defined]
