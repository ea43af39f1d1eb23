"""The ISO walk in a real browser: the quality officer records a nonconformity at an internal
audit and opens a corrective action, its owner reports it done, the officer verifies it
effective, and the management-review page shows the on-time objective computed from the
one-stop dossiers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from lienthong.accounts.models import Agency, User
from lienthong.quality import services
from lienthong.quality.constants import Indicator
from lienthong.quality.models import (
    Action,
    Objective,
    QualitySystem,
    ScopedProcedure,
    StandardVersion,
)
from tests.e2e.test_sign_in_flow import sign_in
from tests.quality.conftest import procedure_for, returned

pytestmark = pytest.mark.django_db(transaction=True)


def test_auditor_records_nonconformity_owner_closes_action_review_shows_on_time_rate(
    live_server, demo, page: Page, browser: Browser
) -> None:
    agency = Agency.objects.get(code="000.00.11.H12")
    officer = User.objects.get(username="iso.stttt")
    owner = User.objects.get(username="chuyenvien.stttt")
    procedure = procedure_for(agency)
    system = QualitySystem.objects.create(
        agency=agency,
        version=StandardVersion.objects.get(code="2008"),
        scope="Thủ tục hành chính của Sở",
        policy="Đúng hẹn",
    )
    ScopedProcedure.objects.create(system=system, procedure=procedure)
    Objective.objects.create(
        system=system,
        year=2012,
        title="Tỷ lệ hồ sơ đúng hạn",
        indicator=Indicator.ONESTOP_ON_TIME,
        target=Decimal(98),
    )
    for outcome in ["on_time"] * 48 + ["early", "late"]:
        returned(procedure, owner, date(2012, 5, 10), outcome)
    services.plan_audit(
        actor=officer,
        system=system,
        title="Đánh giá nội bộ 2012",
        planned_on=date(2012, 6, 1),
        scope="Bộ phận Một cửa",
    )
    base = live_server.url

    sign_in(page, base, "iso.stttt")
    page.get_by_role("link", name="ISO 9001").click()
    page.get_by_role("link", name="Đánh giá nội bộ 2012").click()
    form = page.locator("#finding-form")
    form.get_by_label("Điều khoản").select_option(label="4.2.3 Kiểm soát tài liệu")
    form.get_by_label("Loại hình").select_option("nonconformity")
    form.get_by_label("Mô tả").fill("Quầy một cửa dùng mẫu phiếu cũ")
    form.get_by_role("button", name="Ghi phát hiện").click()
    expect(page.get_by_text("Đã ghi phát hiện.")).to_be_visible()
    finding = page.locator("section[id^=finding-]")
    finding.get_by_label("Hành động").fill("Thu hồi mẫu cũ")
    finding.get_by_label("Người thực hiện").select_option(str(owner.pk))
    finding.get_by_label("Thời hạn").fill("2012-07-15")
    finding.get_by_role("button", name="Giao hành động").click()
    expect(page.get_by_text("Đã giao hành động.")).to_be_visible()

    owner_context = browser.new_context(locale="vi-VN")
    owner_page = owner_context.new_page()
    sign_in(owner_page, base, "chuyenvien.stttt")
    owner_page.goto(f"{base}/iso/hanh-dong/")
    owner_page.get_by_role("link", name="Thu hồi mẫu cũ").click()
    owner_page.get_by_label("Ghi chú").fill("Đã thu hồi, phát mẫu mới")
    owner_page.get_by_role("button", name="Báo cáo đã hoàn thành").click()
    expect(owner_page.locator("#action-status")).to_have_text("Đã thực hiện, chờ kiểm tra hiệu lực")
    owner_context.close()

    action = Action.objects.get()
    page.goto(f"{base}/iso/hanh-dong/{action.pk}/")
    page.get_by_label("Ghi chú").fill("Kiểm tra quầy: chỉ còn mẫu mới")
    page.get_by_label("Có hiệu lực").check()
    page.get_by_role("button", name="Ghi kết quả kiểm tra").click()
    expect(page.locator("#action-status")).to_have_text("Đã đóng (có hiệu lực)")

    page.goto(f"{base}/iso/xem-xet/?nam=2012")
    objectives = page.locator("#objectives")
    expect(objectives).to_contain_text("98.00 % (49/50)")
    expect(page.locator("#inputs")).to_contain_text("Hồ sơ trễ hạn: 1")
    assert page.console_errors == []  # type: ignore[attr-defined]
