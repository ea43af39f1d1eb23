"""`lienthong dvcqg_simulator` serves the portal simulator in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

from tests.conftest import free_port


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 (the simulator)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        answer: dict[str, object] = json.loads(response.read())
        return answer


def test_command_serves_the_simulator_until_stopped() -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lienthong.conf.test",
        "LIENTHONG_DVCQG_USERNAME": "u",
        "LIENTHONG_DVCQG_PASSWORD": "p",
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "lienthong", "dvcqg_simulator"),
            *("--port", str(port), "--codes", "2.000123"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        body = ""
        deadline = time.monotonic() + 90  # Django's start-up on a loaded CI machine
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as r:  # noqa: S310
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body == "ok", process.poll()
        assert _post(f"{base}/auth", {"username": "u", "password": "x"})["error_code"] != 0
        session = _post(f"{base}/auth", {"username": "u", "password": "p"})["session"]
        answer = _post(
            f"{base}/integration",
            {"session": session, "madonvi": "000.00.05.H12", "service": "LayDanhSachHoSoMoi"},
        )
        assert answer == {"error_code": 0, "data": []}
    finally:
        process.terminate()
        process.wait(timeout=10)
