"""Two-factor sign-in one turned on oneself, in real headless Chromium: a specialist enrols from
the security page, signs in again and, on the code page, sees no menu and nothing of the agency;
after the code the full menu is back; then turns it off with password and code, and the next
sign-in asks for the password only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from lienthong.accounts.constants import DEMO_PASSWORD
from lienthong.core.models import AuditEvent
from tests.accounts.two_factor import next_code
from tests.e2e.conftest import give_code
from tests.e2e.test_two_factor import password_step, phone_code

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"
USER = "chuyenvien.stttt"


def test_specialist_opts_in_sees_step_only_chrome_then_turns_it_off(
    live_server, demo, page: Page
) -> None:
    base = live_server.url
    SHOTS.mkdir(exist_ok=True)
    password_step(page, base, USER)
    expect(page.get_by_test_id("main-menu")).to_be_visible()
    page.goto(f"{base}/tai-khoan/bao-mat/")
    page.get_by_role("link", name="Thiết lập xác thực hai yếu tố").last.click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Mã từ ứng dụng").fill(phone_code(secret))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)

    page.get_by_role("button", name="Đăng xuất").click()
    password_step(page, base, USER)
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-yeu-to/\?next="))
    # the code page: the step, the language switch and sign-out; no menu, no bell, no agency
    expect(page.get_by_test_id("second-factor-nav")).to_be_visible()
    expect(page.get_by_test_id("main-menu")).to_have_count(0)
    expect(page.locator("#notification-bell")).to_have_count(0)
    expect(page.get_by_role("link", name="Cơ quan của tôi")).to_have_count(0)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    expect(page.get_by_label("Ngôn ngữ")).to_be_visible()
    page.screenshot(path=str(SHOTS / "two-factor-step-chrome.png"), full_page=True)
    device = TOTPDevice.objects.get(user__username=USER)
    give_code(page, device)
    expect(page.get_by_test_id("main-menu")).to_be_visible()
    expect(page.get_by_role("link", name="Cơ quan của tôi")).to_be_visible()

    page.goto(f"{base}/tai-khoan/bao-mat/")
    form = page.get_by_test_id("two-factor-turn-off")
    form.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    form.get_by_label("Mã từ ứng dụng hoặc một mã dự phòng").fill(next_code(device))
    page.screenshot(path=str(SHOTS / "two-factor-turn-off.png"), full_page=True)
    form.get_by_role("button", name="Tắt xác thực hai yếu tố").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tắt xác thực hai yếu tố")
    expect(page.get_by_test_id("two-factor-status")).to_contain_text("Đang tắt")
    assert not TOTPDevice.objects.filter(user__username=USER).exists()
    assert AuditEvent.objects.filter(action="security.two_factor_turned_off").count() == 1

    page.get_by_role("button", name="Đăng xuất").click()
    password_step(page, base, USER)
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))
    assert page.console_errors == []  # type: ignore[attr-defined]
