"""The payer's "pay" form leads to the gateway's page on another origin: conf/base.py adds that
origin (from LIENTHONG_PAYMENT_GATEWAY_URL) to the pages' form-action policy, and only it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
)


def form_action(gateway_url: str) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
        "LIENTHONG_PAYMENT_GATEWAY_URL": gateway_url,
    }
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return list(json.loads(shown.stdout.strip().splitlines()[-1]))


def test_the_gateways_origin_and_only_it_may_receive_the_pay_form() -> None:
    assert form_action("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html") == [
        "'self'",
        "https://sandbox.vnpayment.vn",
    ]
    assert form_action("not a url") == ["'self'"]
