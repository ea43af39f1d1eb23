"""Browser tests in real headless Chromium (Debian's package), driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright runs an event loop in this thread; the ORM calls in the tests are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True)
def two_factor_on(settings: Any) -> None:
    """Browser tests run with two-factor sign-in as in production (the suite at large has it
    off, see conf/test.py): leaders and administrators give a code after their password."""
    settings.LIENTHONG_2FA_REQUIRED_ROLES = settings.LIENTHONG_2FA_DEFAULT_ROLES


def second_factor_device(username: str) -> Any:
    """The authenticator device of an account that will be asked for a code at sign-in (one is
    enrolled through the service if the account must have one), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lienthong.accounts.models import User
    from lienthong.accounts.permissions import two_factor_required
    from tests.accounts.two_factor import enrol

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and two_factor_required(user):
        device = enrol(user).device
    return device


def give_code(page: Page, device: Any) -> None:
    """On the code page after the password, type the code the phone would show."""
    from tests.accounts.two_factor import next_code

    expect(page.get_by_role("heading", level=1)).to_have_text("Xác thực hai yếu tố")
    page.get_by_label("Mã", exact=True).fill(next_code(device))
    page.get_by_role("button", name="Xác nhận").click()
