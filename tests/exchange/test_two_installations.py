"""Two installations with separate databases exchange through the axis simulator: the province
(this test's database) issues and sends; a ministry (another process, its own SQLite file and
data folder: tests/exchange/installation_b.py) receives the document once — although it was
delivered twice and the axis went down and came back in between — with its file and a verified
signature, registers, assigns and completes it; the province sees 01, 03, 04, 06 for that
recipient."""

import json
import os
import subprocess
import sys
from pathlib import Path

from lienthong.exchange import axis_services
from lienthong.exchange.axis import AxisSettings, HttpAxisClient
from lienthong.exchange.constants import AxisTransport, DeliveryStatus
from lienthong.exchange.models import AxisAgency, AxisPackage
from tests.exchange.axis_fixtures import MINISTRY_SECRET, PROVINCE_SECRET, running_axis
from tests.exchange.pki import make_pki, pkcs12_file
from tests.exchange.test_delivery import issue

ROOT = Path(__file__).resolve().parents[2]


class InstallationB:
    """The ministry's installation: one process for the whole test (Django starts once), one
    line of steps at a time (tests/exchange/installation_b.py serve)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "tests/exchange/installation_b.py", "serve"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def start(self, *steps: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(" ".join(steps) + "\n")
        self.process.stdin.flush()

    def answer(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, Path(self.log.name).read_text()[-3000:]
        return json.loads(line)

    def close(self) -> None:
        self.process.terminate()  # it holds nothing more to write
        self.process.wait(timeout=60)
        self.log.close()


def test_a_province_and_a_ministry_exchange_a_document_and_its_statuses(
    tmp_path,
    settings,
    clerk,
    unit,
    two_agencies,
    run_tasks,
):
    ministry_pki = make_pki("Bộ Thử nghiệm (thử nghiệm)")
    (tmp_path / "province-root.pem").write_bytes(make_pki().root_pem)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.exchange.installation_b_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ministry.sqlite3'}",
        "LIENTHONG_DATA_DIR": str(tmp_path / "ministry"),
        "LIENTHONG_AXIS_SYSTEM_ID": "botn",
        "LIENTHONG_AXIS_SECRET": MINISTRY_SECRET,
        "LIENTHONG_AXIS_SIGNING_PKCS12": pkcs12_file(tmp_path / "ministry.p12", ministry_pki),
        "LIENTHONG_AXIS_SIGNING_PASSPHRASE": "test-only",
        "INSTALLATION_B_TRUSTS": str(tmp_path / "province-root.pem"),
    }
    ministry = InstallationB(env, tmp_path / "ministry.log")
    ministry.start("setup")  # its database, while the province works
    try:
        _exchange(ministry, tmp_path, settings, clerk, unit, two_agencies, run_tasks)
    finally:
        ministry.close()


def _exchange(ministry, tmp_path, settings, clerk, unit, two_agencies, run_tasks):
    storage = tmp_path / "axis.sqlite3"
    codes = [(a.code, a.name) for a in two_agencies]
    settings.LIENTHONG_AXIS_SYSTEM_ID = "camau"
    settings.LIENTHONG_AXIS_SECRET = PROVINCE_SECRET
    settings.LIENTHONG_AXIS_SIGNING_PKCS12 = pkcs12_file(tmp_path / "province.p12", make_pki())
    settings.LIENTHONG_AXIS_SIGNING_PASSPHRASE = "test-only"
    with running_axis(storage, codes) as axis:
        settings.LIENTHONG_AXIS_ENDPOINT = axis.url
        axis_services.sync_directory()
        outgoing = issue(clerk, unit, [two_agencies[1]], subject="V/v đề nghị phối hợp liên thông")
        office = AxisAgency.objects.get(code="000.00.01.G01")
        [delivery] = axis_services.send_over_axis(actor=clerk, document=outgoing, agencies=[office])
        run_tasks()
        delivery.refresh_from_db()
        assert delivery.transport == AxisTransport.SENT
        # The same package delivered a second time (a sender's retry after a lost answer).
        raw = bytes(AxisPackage.objects.get(delivery=delivery).raw)
        HttpAxisClient(AxisSettings("national", axis.url, "camau", PROVINCE_SECRET)).send(
            raw, sender_code=outgoing.agency.code, message_type="edoc"
        )
    assert ministry.answer()["copies"] == 0
    # The axis was down; it comes back (another port, the same storage): nothing was lost.
    with running_axis(storage, codes) as axis:
        settings.LIENTHONG_AXIS_ENDPOINT = axis.url
        ministry.start(f"endpoint={axis.url}", "receive", "register", "assign", "complete")
        seen = ministry.answer()
        assert seen["copies"] == 1 and seen["number"] == outgoing.number_and_symbol
        assert seen["subject"] == "V/v đề nghị phối hợp liên thông"
        assert seen["attachments"] == ["cv.pdf"] and seen["status"] == "registered"
        assert seen["signature"] == ["trusted"]
        assert seen["received"] == ["accepted", "duplicate"]
        assert seen["statuses_sent"] == ["01", "03", "04", "06"]
        counts = axis_services.poll()
        assert counts["status"] == 4
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.COMPLETED
    assert list(delivery.events.values_list("status", flat=True)) == ["01", "03", "04", "06"]
    assert AxisPackage.objects.filter(direction="received", kind="status").count() == 4
