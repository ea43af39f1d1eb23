"""`lienthong dvcqg_simulator` serves the portal simulator until it is stopped (run here in a
thread of the test's process: Django's start-up in a second process cost ~20 s on CI)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lienthong.dvcqg.management.commands.dvcqg_simulator import Command
from tests.conftest import free_port


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 (the simulator)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        answer: dict[str, object] = json.loads(response.read())
        return answer


def test_command_serves_the_simulator_until_stopped(settings: Any) -> None:
    settings.LIENTHONG_DVCQG_USERNAME, settings.LIENTHONG_DVCQG_PASSWORD = "u", "p"
    port = free_port()
    command = Command()
    thread = threading.Thread(
        target=call_command,
        args=(command, "--port", str(port), "--codes", "2.000123"),
        daemon=True,
    )
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        body = ""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and thread.is_alive():
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as r:  # noqa: S310
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.05)
        assert body == "ok"
        assert _post(f"{base}/auth", {"username": "u", "password": "x"})["error_code"] != 0
        session = _post(f"{base}/auth", {"username": "u", "password": "p"})["session"]
        answer = _post(
            f"{base}/integration",
            {"session": session, "madonvi": "000.00.05.H12", "service": "LayDanhSachHoSoMoi"},
        )
        assert answer == {"error_code": 0, "data": []}
    finally:
        if hasattr(command, "running"):
            command.running.server.shutdown()
        thread.join(timeout=10)
    assert not thread.is_alive()  # serve_forever returned: the command ended
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base}/health", timeout=2)  # noqa: S310


def test_command_needs_the_credentials(settings: Any) -> None:
    settings.LIENTHONG_DVCQG_USERNAME = ""
    with pytest.raises(CommandError):
        call_command("dvcqg_simulator", "--port", str(free_port()), "--codes", "2.000123")
