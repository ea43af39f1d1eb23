"""The front door in a real browser (issue 14): an anonymous visitor finds search, tracking,
sign-in and sign-up and the officials' door on `/`; signs up with a citizen identity card
number, signs in with it, sees a menu without staff items; forgets the password and sets a new
one through the link e-mailed (over SMTP)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD, run_queued_jobs
from tests.notifications.conftest import smtp_server as smtp_server  # a real SMTP server
from tests.onestop.conftest import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
CCCD = "096090001111"


def sign_in_as_citizen(page: Page, base: str, password: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Số định danh cá nhân hoặc mã số doanh nghiệp").fill(CCCD)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")


def check_citizen_menu(page: Page) -> None:
    menu = page.get_by_test_id("main-menu")
    expect(menu.get_by_role("link", name="Hồ sơ của tôi")).to_be_visible()
    for staff_item in ("Bảng điều khiển", "API", "Quản trị", "Một cửa", "Văn bản"):
        expect(menu.get_by_role("link", name=staff_item, exact=True)).to_have_count(0)


def test_front_door_sign_up_sign_in_and_reset_the_password(
    live_server,
    world,  # noqa: F811
    browser: Browser,
    smtp_server,
) -> None:
    base = live_server.url
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The public home.
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dịch vụ công trực tuyến")
    expect(page.get_by_label("Tên hoặc mã thủ tục")).to_be_visible()
    expect(page.get_by_test_id("popular-procedures")).to_contain_text(world.procedure.name)
    expect(page.get_by_label("Mã hồ sơ")).to_be_visible()
    expect(page.get_by_role("link", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    expect(page.get_by_test_id("home-sign-in")).to_be_visible()
    expect(page.get_by_role("link", name="Quên mật khẩu?")).to_be_visible()
    expect(page.get_by_role("link", name="Dành cho cán bộ")).to_be_visible()

    # Sign-up with a citizen identity card number.
    page.get_by_test_id("home-sign-up").click()
    form = page.get_by_test_id("sign-up")
    form.get_by_label("Đối tượng").select_option("citizen")
    form.get_by_label("Họ tên hoặc tên tổ chức").fill("Phạm Văn Hùng")
    form.get_by_label("Số giấy tờ tùy thân").fill(CCCD)
    form.get_by_label(re.compile(r"^Điện thoại")).fill("0987654321")
    form.get_by_label(re.compile(r"^Thư điện tử")).fill("hung@example.vn")
    form.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    form.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    form.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    page.get_by_role("button", name="Đăng xuất").click()

    # Sign-in with the number; a menu without staff items.
    sign_in_as_citizen(page, base, PASSWORD)
    check_citizen_menu(page)
    page.get_by_role("button", name="Đăng xuất").click()

    # Forgotten password: the link e-mailed sets a new one.
    page.goto(f"{base}/dang-nhap/")
    page.get_by_test_id("forgot-password").click()
    page.get_by_label("Địa chỉ thư điện tử của tài khoản").fill("hung@example.vn")
    page.get_by_role("button", name="Gửi đường dẫn").click()
    expect(page.get_by_test_id("password-reset-sent")).to_be_visible()
    run_queued_jobs()
    [mail] = [m for m in smtp_server.messages if m.to == ["hung@example.vn"]]
    link = re.search(r"https?://[^/\s]+(/quen-mat-khau/\S+/)", mail.body)
    assert link is not None
    page.goto(base + link.group(1))
    new = "Mk-moi-Hung-2026"
    page.get_by_label("Mật khẩu mới", exact=True).fill(new)
    page.get_by_label("Xác nhận mật khẩu mới").fill(new)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.get_by_test_id("password-reset-complete")).to_be_visible()
    sign_in_as_citizen(page, base, new)
    check_citizen_menu(page)
    assert errors == []
