"""The demo's paths in real headless Chromium, as the demo users: a leader who must give a
second factor signs in with a backup code `load_demo` printed (no phone); a citizen pays a
level-4 fee on the payment gateway simulator, running as its own process as `serve` runs it,
and the dossier shows the fee paid."""

from __future__ import annotations

import copy
import io
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from csp.constants import SELF
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lienthong.accounts.constants import DEMO_PASSWORD
from lienthong.accounts.models import User
from lienthong.catalogue.models import Procedure
from lienthong.onestop import services
from lienthong.onestop.models import Dossier
from lienthong.payments.constants import NotificationChannel
from lienthong.payments.models import PaymentNotification
from tests.accounts.test_demo_two_factor import printed_codes
from tests.conftest import free_port
from tests.documents.files import text_pdf

pytestmark = pytest.mark.django_db(transaction=True)
TVRO = "T-CMU-900118-TT"  # Sở TT&TT, level 4, 500.000 đ paid on-line


def sign_in(page: Page, base: str, username: str) -> None:
    """Officials at their own door by user name; applicants at the public one by ID number."""
    if username.endswith(".demo"):
        page.goto(f"{base}/dang-nhap/")
        identifier = User.objects.get(username=username).identifier
        page.get_by_label("Số định danh cá nhân hoặc mã số doanh nghiệp").fill(identifier)
    else:
        page.goto(f"{base}/dang-nhap/can-bo/")
        page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def start_gateway(ipn_url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "lienthong", "payment_simulator"),
            *("--port", str(port), "--ipn-url", ipn_url),
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lienthong.conf.test"},
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise AssertionError("the payment gateway simulator did not start")


def test_demo_leader_signs_in_with_a_backup_code_and_a_citizen_pays_a_level_4_fee(
    live_server, page: Page, settings
) -> None:
    base = live_server.url
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    codes = printed_codes(out.getvalue())["lanhdao.stttt"]

    # The director of Sở TT&TT: password, then a printed backup code instead of a phone's code.
    sign_in(page, base, "lanhdao.stttt")
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-yeu-to/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác thực hai yếu tố")
    page.get_by_label("Mã", exact=True).fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))
    expect(page.get_by_test_id("current-user")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    # The gateway, as `serve` runs it in the demo, and the platform configured for it.
    gateway, port = start_gateway(f"{base}/thanh-toan/ipn/")
    try:
        settings.LIENTHONG_PAYMENT_GATEWAY_URL = f"http://127.0.0.1:{port}/paymentv2/vpcpay.html"
        settings.LIENTHONG_SITE_URL = base  # where the gateway sends the payer back
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = [SELF, f"http://127.0.0.1:{port}"]
        settings.CONTENT_SECURITY_POLICY = policy  # as conf/base.py derives it from the URL

        citizen = User.objects.get(username="congdan.demo")
        procedure = Procedure.objects.get(national_code=TVRO)
        papers = [
            services.Paper(upload=io.BytesIO(text_pdf(c.name)), name=f"{c.order}.pdf", component=c)
            for c in procedure.components.filter(required=True)
        ]
        dossier = services.file_dossier(
            actor=citizen, procedure=procedure, idempotency_key=None, papers=papers, submit=True
        )
        sign_in(page, base, "congdan.demo")
        page.goto(f"{base}/cong-dan/ho-so/{dossier.pk}/")
        expect(page.locator("dd", has_text="chưa nộp")).to_be_visible()
        page.get_by_test_id("pay").click()

        # On the gateway's page: the amount, then "pay".
        expect(page).to_have_url(re.compile(rf"^http://127\.0\.0\.1:{port}/paymentv2/"))
        expect(page.locator("#amount")).to_have_text("500,000 VND")
        page.get_by_role("button", name="Thanh toán").click()

        # Back on the platform: the payment succeeded, and the dossier shows its fee paid.
        expect(page.locator("#payment-status")).to_contain_text("Đã nộp")
        page.get_by_role("link", name="Tiếp tục").click()
        expect(page).to_have_url(re.compile(rf"/cong-dan/ho-so/{dossier.pk}/$"))
        expect(page.locator("dd", has_text="đã nộp")).to_be_visible()
        expect(page.get_by_test_id("pay")).to_have_count(0)
        dossier = Dossier.objects.get(pk=dossier.pk)
        assert dossier.fee_paid_at is not None
        # The gateway told the platform server-to-server too (IPN), not only via the browser.
        assert PaymentNotification.objects.filter(channel=NotificationChannel.IPN).exists()
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
