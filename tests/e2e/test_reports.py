"""Periodic reporting and statistics in the browser: a district fills in its quarterly report
(a wrong figure first), its leader submits it, the province sees it in the aggregate and
returns it, and the aggregate shows the gap; a leader opens the document statistics, clicks a
bar and lands on the list behind it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.models import User
from lienthong.documents import services as documents
from lienthong.documents.models import DocumentType
from lienthong.reports import services
from lienthong.reports.demo import QUARTERLY_FORM, load_demo_reports
from lienthong.reports.models import AgencyReport, ReportForm
from tests.e2e.test_officials_flow import sign_out
from tests.e2e.test_sign_in_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_district_reports_the_province_returns_and_a_leader_drills_into_statistics(
    live_server, demo, page: Page
) -> None:
    load_demo_reports()
    form = ReportForm.objects.get(code=QUARTERLY_FORM)
    period = services.open_period(form=form, actor=None, year=2012, number=3)
    report = AgencyReport.objects.get(period=period, agency__code="000.00.31.H12")  # Trần Văn Thời

    # The district's leader fills in the report: a wrong figure first.
    sign_in(page, live_server.url, "lanhdao.tranvanthoi")
    page.get_by_role("link", name="Báo cáo định kỳ").click()
    page.locator(f'a[href="/bao-cao/dinh-ky/bao-cao/{report.pk}/"]').click()
    page.locator("#v_DOSSIERS").fill("ba trăm")
    page.locator("#v_ON_TIME").fill("280")
    page.locator("#v_LATE").fill("20")
    for code in ("DOSSIERS", "ON_TIME", "LATE"):
        page.locator(f'input[name="n_{code}"]').fill("Sổ theo dõi một cửa")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#e_DOSSIERS")).to_contain_text("không phải là số")
    expect(page.locator("#v_ON_TIME")).to_have_value("280")  # nothing typed is lost
    page.locator("#v_DOSSIERS").fill("300")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#v_ON_TIME_RATE")).to_have_text("93.33")
    page.get_by_role("button", name="Duyệt và gửi").click()
    expect(page.locator("#report-status")).to_have_text("Đã gửi")
    sign_out(page)

    # The province's reporting officer sees it in the aggregate, then returns it.
    sign_in(page, live_server.url, "baocao.ubndtinh")
    page.goto(f"{live_server.url}/bao-cao/dinh-ky/ky/{period.pk}/")
    expect(page.locator("#agg-DOSSIERS .value")).to_have_text("300")
    expect(page.locator("#agg-ON_TIME_RATE .value")).to_have_text("93,33")
    page.get_by_role("link", name=re.compile("Trần Văn Thời")).click()
    page.get_by_label("Lý do trả lại").fill("Số hồ sơ quá hạn chưa khớp sổ theo dõi.")
    page.get_by_role("button", name="Trả lại").click()
    expect(page.locator("#agg-DOSSIERS .value")).to_have_text("chưa có dữ liệu")
    expect(page.locator("#gaps")).to_contain_text("Trần Văn Thời")
    sign_out(page)

    # A leader's statistics: click the bar of this month's incoming documents.
    clerk = User.objects.get(username="vanthu.stttt")
    documents.register_incoming(
        actor=clerk,
        document_type=DocumentType.objects.get(name="Công văn"),
        issuer_name="Ủy ban nhân dân tỉnh Cà Mau",
        code_number="77",
        code_notation="UBND-VX",
        issued_date=date.today(),
        subject="V/v báo cáo tình hình ứng dụng công nghệ thông tin năm 2012",
    )
    sign_in(page, live_server.url, "lanhdao.stttt")
    page.goto(f"{live_server.url}/bao-cao/")
    page.get_by_role("link", name="Thống kê văn bản").click()
    canvas = page.locator("#chart-months")
    expect(canvas).to_have_attribute("data-ready", "true")
    month = date.today().month - 1
    point = page.evaluate(
        "([index]) => { const bar = document.getElementById('chart-months').chart"
        ".getDatasetMeta(0).data[index]; return {x: bar.x, y: (bar.y + bar.base) / 2}; }",
        [month],
    )
    canvas.click(position={"x": point["x"], "y": point["y"]})
    expect(page).to_have_url(re.compile(r"/van-ban-den/\?date_from="))
    expect(
        page.get_by_role("link", name=re.compile("ứng dụng công nghệ thông tin"))
    ).to_be_visible()
    # The line of the year so far: this month's point lists the documents since 1 January.
    page.go_back()
    line = page.locator("#chart-cumulative")
    expect(line).to_have_attribute("data-ready", "true")
    dot = page.evaluate(
        "([index]) => { const p = document.getElementById('chart-cumulative').chart"
        ".getDatasetMeta(0).data[index]; return {x: p.x, y: p.y}; }",
        [month],
    )
    line.click(position={"x": dot["x"], "y": dot["y"]})
    expect(page).to_have_url(re.compile(rf"/van-ban-den/\?date_from={date.today().year}-01-01"))
    expect(
        page.get_by_role("link", name=re.compile("ứng dụng công nghệ thông tin"))
    ).to_be_visible()
    # The only error the console saw is the 400 answering the wrong figure.
    errors = page.console_errors  # type: ignore[attr-defined]
    assert [e for e in errors if "status of 400" not in e] == [] and len(errors) == 1
