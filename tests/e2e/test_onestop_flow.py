"""The one-stop shop in a real browser: a citizen signs up on a phone, files on-line and
follows the dossier by code; officers receive, process (assign, propose, approve), issue the
result and return it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lienthong.documents.models import DocumentType
from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier
from tests.conftest import PASSWORD
from tests.documents.files import text_pdf
from tests.e2e.conftest import give_code, second_factor_device
from tests.onestop.conftest import filed_online, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page: Page, base: str, username: str) -> None:
    device = second_factor_device(username)  # leaders: the code page too
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/can-bo/")  # the officials' door
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        give_code(page, device)


def pdf(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": text_pdf(text)}


def test_citizen_signs_up_on_a_phone_files_and_tracks(live_server, world, browser: Browser) -> None:  # noqa: F811
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    page.goto(f"{base}/cong-dan/dang-ky/")
    form = page.get_by_test_id("sign-up")
    form.get_by_label("Đối tượng").select_option("citizen")
    form.get_by_label("Họ tên hoặc tên tổ chức").fill("Phạm Văn Hùng")
    form.get_by_label("Số giấy tờ tùy thân").fill("096090001111")
    form.get_by_label(re.compile(r"^Điện thoại")).fill("0987654321")
    form.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    form.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    form.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")

    page.get_by_role("link", name=world.procedure.name).click()
    filing = page.get_by_test_id("filing-form")
    first, second = world.components[:2]
    filing.get_by_label(re.compile(f"^1. {first.name}")).set_input_files(pdf("don.pdf", "Đơn"))
    filing.get_by_label(re.compile(f"^2. {second.name}")).set_input_files(pdf("gcn.pdf", "GCN"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "onestop-phone-filing.png"), full_page=True)
    page.get_by_test_id("submit").click()
    code_cell = page.get_by_test_id("dossier-code")
    expect(code_cell).to_have_text(re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H12-\d{6}-0001$"))
    code = code_cell.inner_text()
    expect(page.get_by_test_id("status").first).to_contain_text("Mới đăng ký")
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == DossierStatus.SUBMITTED and dossier.components.count() == 2

    # Later, without signing in: the code and the telephone number.
    context.clear_cookies()
    page.goto(f"{base}/cong-dan/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Số điện thoại hoặc số giấy tờ đã ghi trong hồ sơ").fill("0987 654 321")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("tracked")).to_contain_text(world.procedure.name)
    expect(page.get_by_test_id("tracked").get_by_test_id("status")).to_contain_text("Mới đăng ký")
    page.screenshot(path=str(SHOTS / "onestop-phone-tracking.png"), full_page=True)
    # A wrong number reveals nothing.
    page.get_by_label("Số điện thoại hoặc số giấy tờ đã ghi trong hồ sơ").fill("0911111111")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_test_id("tracked")).to_have_count(0)
    assert errors == []
    context.close()


def test_officers_receive_process_issue_and_return(live_server, world, page: Page) -> None:  # noqa: F811
    base = live_server.url
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))

    sign_in(page, base, world.counter.username)
    page.get_by_test_id("main-menu").get_by_role("link", name="Một cửa").click()
    page.get_by_test_id("counter-queue").get_by_role("link", name=dossier.code).click()
    page.get_by_test_id("receive").click()
    expect(page.get_by_test_id("status").first).to_contain_text("Được tiếp nhận")
    expect(page.get_by_test_id("form-01")).to_be_visible()
    page.screenshot(path=str(SHOTS / "onestop-counter-received.png"), full_page=True)

    sign_in(page, base, world.bc_leader.username)
    page.goto(f"{base}/mot-cua/")
    page.get_by_test_id("step-queue").get_by_role("link", name=dossier.code).click()
    page.get_by_label("Người xử lý").select_option(str(world.bc_handler.pk))
    page.get_by_test_id("assign").click()
    expect(page.get_by_test_id("status").first).to_contain_text("Đang xử lý")

    sign_in(page, base, world.bc_handler.username)
    page.goto(f"{base}/mot-cua/")
    page.get_by_test_id("step-queue").get_by_role("link", name=dossier.code).click()
    page.locator("form[action$='/propose/'] textarea").fill("Hồ sơ đủ điều kiện cấp phép.")
    page.get_by_test_id("propose").click()

    sign_in(page, base, world.bc_leader.username)
    page.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("steps")).to_contain_text(world.other_unit.name)

    # The other agency's step and the leader's approval through the services.
    other = dossier.steps.get(order=3)
    services.assign_handler(actor=world.other_leader, step=other, handler=world.other_handler)
    services.propose(actor=world.other_handler, step=other, text="Khớp dữ liệu ĐKKD.")
    services.approve_step(actor=world.other_leader, step=other)
    services.approve_step(actor=world.leader, step=dossier.steps.get(order=4))

    sign_in(page, base, world.clerk.username)
    page.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    result_form = page.locator("form[action$='/result/']")
    result_form.get_by_label("Loại văn bản").select_option(
        str(DocumentType.objects.get(name="Quyết định").pk)
    )
    result_form.get_by_label(re.compile(r"^Tệp kết quả")).set_input_files(
        pdf("qd.pdf", "Quyết định")
    )
    page.get_by_test_id("issue-result").click()
    expect(page.get_by_test_id("status").first).to_contain_text("Đã xử lý xong")

    sign_in(page, base, world.counter.username)
    page.goto(f"{base}/mot-cua/ho-so/{dossier.pk}/")
    page.get_by_test_id("return").click()
    expect(page.get_by_test_id("status").first).to_contain_text("Đã trả kết quả")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier.result_document is not None
    page.screenshot(path=str(SHOTS / "onestop-officer-returned.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_counter_works_on_a_phone(live_server, world, browser: Browser) -> None:  # noqa: F811
    """Counters in communes often have only a tablet or a phone: the queue and the dossier page
    fit the screen, and receiving works there."""
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    sign_in(page, base, world.counter.username)
    page.goto(f"{base}/mot-cua/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("counter-queue").get_by_role("link", name=dossier.code).click()
    # Measure the dossier page, not the queue it is leaving or a document still loading.
    page.wait_for_url(f"**/mot-cua/ho-so/{dossier.pk}/")
    expect(page.get_by_test_id("receive")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("receive").click()
    expect(page.get_by_test_id("status").first).to_contain_text("Được tiếp nhận")
    expect(page.get_by_test_id("form-01")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "onestop-phone-counter.png"), full_page=True)
    context.close()
