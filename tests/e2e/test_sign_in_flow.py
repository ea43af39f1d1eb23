import re

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.constants import DEMO_PASSWORD
from lienthong.accounts.models import Agency
from tests.e2e.conftest import give_code, second_factor_device

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, username: str) -> None:
    device = second_factor_device(username)  # leaders and administrators: the code page too
    page.goto(f"{base}/")  # the public home: officials take their own, discreet door
    page.get_by_role("link", name="Dành cho cán bộ").click()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        give_code(page, device)


def test_clerk_signs_in_sees_vietnamese_dashboard_switches_to_english_and_signs_out(
    live_server, demo, page: Page
) -> None:
    sign_in(page, live_server.url, "vanthu.stttt")
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điều khiển")
    expect(page.get_by_test_id("profile-agency")).to_have_text("Sở Thông tin và Truyền thông")
    expect(page.get_by_test_id("profile-unit")).to_have_text("Văn phòng Sở")
    expect(page.get_by_test_id("profile-roles")).to_have_text("Văn thư")

    page.get_by_label("Ngôn ngữ").select_option("en")
    page.get_by_role("button", name="Đổi ngôn ngữ").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_test_id("profile-roles")).to_have_text("Clerk (văn thư)")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(f"{live_server.url}/bang-dieu-khien/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    assert page.console_errors == []  # type: ignore[attr-defined]  (no CSP violations either)


def test_wrong_password_shows_a_clear_error(live_server, demo, page: Page) -> None:
    page.goto(f"{live_server.url}/dang-nhap/can-bo/")
    page.get_by_label("Tên đăng nhập").fill("vanthu.stttt")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("login-error")).to_contain_text("mật khẩu")


def test_officer_gets_404_for_another_agencys_page_and_nothing_changes(
    live_server, demo, page: Page, db_snapshot
) -> None:
    own = Agency.objects.get(code="000.00.11.H12")
    other = Agency.objects.get(code="000.00.05.H12")
    sign_in(page, live_server.url, "chuyenvien.stttt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điều khiển")
    response = page.goto(f"{live_server.url}/to-chuc/co-quan/{own.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("agency-code")).to_have_text("000.00.11.H12")
    before = db_snapshot()
    response = page.goto(f"{live_server.url}/to-chuc/co-quan/{other.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")
    expect(page.get_by_text("Sở Tư pháp")).to_have_count(0)
    assert db_snapshot() == before


def test_dashboard_fits_a_phone(live_server, demo, browser) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, "lanhdao.ubndtinh")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điều khiển")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px phone"
    context.close()


def test_api_docs_page_renders_offline_under_the_csp(live_server, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("/api/v1/agencies/", exact=True).first).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert page.console_errors == []  # type: ignore[attr-defined]
