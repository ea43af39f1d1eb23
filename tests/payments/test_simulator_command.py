"""`lienthong payment_simulator` serves the gateway in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.conftest import free_port


def test_command_serves_the_simulator_until_stopped() -> None:
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lienthong.conf.test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lienthong", "payment_simulator", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        body = ""
        deadline = time.monotonic() + 90  # Django's start-up on a loaded CI machine
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body == "ok", process.poll()
        # An unsigned pay request is refused by the gateway, as the protocol says.
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/paymentv2/vpcpay.html?vnp_Amount=100", timeout=5
            )
            raise AssertionError("an unsigned request was accepted")
        except urllib.error.HTTPError as refused:
            assert refused.code == 400
            assert "Sai chữ ký" in refused.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
