"""Two-factor sign-in in real headless Chromium: a leader signs in with the password, is made to
enrol an authenticator app, reads the secret from the page (as one types it into the phone),
enters the code the phone would compute, sees the backup codes, signs out, and signs in again
with a fresh code."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from lienthong.accounts.constants import DEMO_PASSWORD
from lienthong.core.models import AuditEvent
from tests.e2e.conftest import give_code

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def password_step(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/can-bo/")  # the officials' door
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def phone_code(secret: str) -> str:
    """What an authenticator app shows for the typed-in secret right now."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_leader_enrols_sees_backup_codes_and_signs_in_again_with_a_code(
    live_server, demo, page: Page
) -> None:
    base = live_server.url
    SHOTS.mkdir(exist_ok=True)
    password_step(page, base, "lanhdao.stttt")
    # forced enrolment before any other page
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-yeu-to/dang-ky/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thiết lập xác thực hai yếu tố")
    expect(page.get_by_test_id("qr-code").locator("svg")).to_be_visible()
    page.screenshot(path=str(SHOTS / "two-factor-enrol.png"), full_page=True)
    page.goto(f"{base}/van-ban-den/")
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-yeu-to/dang-ky/"))

    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Mã từ ứng dụng").fill("000000")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_test_id("code-error")).to_contain_text("Mã không khớp")
    page.get_by_label("Mã từ ứng dụng").fill(phone_code(secret))
    page.get_by_role("button", name="Xác nhận").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mã dự phòng")
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    page.screenshot(path=str(SHOTS / "two-factor-backup-codes.png"), full_page=True)
    page.get_by_test_id("continue").click()
    expect(page).to_have_url(re.compile(r"/van-ban-den/$"))  # where they were going

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")

    password_step(page, base, "lanhdao.stttt")
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-yeu-to/\?next="))
    page.screenshot(path=str(SHOTS / "two-factor-verify.png"), full_page=True)
    page.get_by_label("Mã", exact=True).fill("111111")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_test_id("code-error")).to_contain_text("Mã không đúng")
    time.sleep(1.1)  # the throttle's wait after one wrong code
    give_code(page, TOTPDevice.objects.get(user__username="lanhdao.stttt"))
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))
    expect(page.get_by_test_id("current-user")).to_be_visible()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"security.two_factor_enrolled", "security.two_factor_verified"} <= actions
    assert "security.two_factor_failed" in actions
    assert page.console_errors == []  # type: ignore[attr-defined]  (no CSP violations either)
