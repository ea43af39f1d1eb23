"""`lienthong dvcqg_simulator` serves the portal simulator until it is stopped (run here in a
thread of the test's process: Django's start-up in a second process cost ~20 s on CI)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lienthong.dvcqg.management.commands.dvcqg_simulator import Command
from lienthong.dvcqg.simulator import PortalSimulator, RunningSimulator
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


def test_the_citizens_form_files_a_dossier_with_its_papers() -> None:
    simulator = PortalSimulator(username="u", password="p", procedure_codes={"2.000123"})
    paper = b"%PDF-1.4 giay to"
    boundary = "ranh-gioi"
    fields = {
        "madonvi": "000.00.05.H12",
        "MaTTHC": "2.000123",
        "ChuHoSo": "Lê Văn Bình",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "096088001234",
        "SoDienThoai": "0918765432",
        "TrichYeuHoSo": "Xin cấp phép",
    }
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="TaiLieuNop"; '
            f'filename="don.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + paper
        + f"\r\n--{boundary}--\r\n".encode()
    )
    with RunningSimulator(simulator) as running:
        request = urllib.request.Request(  # noqa: S310 (the simulator)
            f"{running.url}/file",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert "role=alert" not in response.read().decode()
        [filed] = simulator.state.filed.values()
        [listed] = filed["record"]["TaiLieuNop"]
        assert listed["TenTepDinhKem"] == "don.pdf" and listed["KichThuoc"] == len(paper)
        assert listed["MaBam"] == hashlib.sha256(paper).hexdigest()
        assert listed["DuongDanTaiTepTin"].startswith(running.url + "/files/")
        session = _post(f"{running.url}/auth", {"username": "u", "password": "p"})["session"]
        fetch = urllib.request.Request(  # noqa: S310
            listed["DuongDanTaiTepTin"], headers={"session": str(session)}
        )
        with urllib.request.urlopen(fetch, timeout=5) as response:  # noqa: S310
            assert response.read() == paper
        with pytest.raises(urllib.error.HTTPError):  # no session, no file
            urllib.request.urlopen(listed["DuongDanTaiTepTin"], timeout=5)  # noqa: S310
