"""The demo's axis: load_demo writes the simulator's configuration and puts one signed package
from the demo ministry on it (once); served, the province's poll brings it into UBND tỉnh's
queue with a trusted signature (the demo root is trusted in the demo)."""

import json

from lienthong.documents.models import Document
from lienthong.exchange import axis_services
from lienthong.exchange.axis_simulator import AxisSimulator, RunningAxisSimulator
from lienthong.exchange.demo import load_axis_demo
from lienthong.exchange.models import AxisAgency, AxisReceipt


def test_the_demo_axis_delivers_the_ministrys_document(province, settings, tmp_path):
    settings.LIENTHONG_DEMO = True
    settings.DATA_DIR = tmp_path
    settings.LIENTHONG_DEMO_PKI_DIR = tmp_path / "demo-pki"
    settings.LIENTHONG_DEMO_AXIS_PORT = 1  # set: the demo is on (the port is not used here)
    settings.LIENTHONG_AXIS_SYSTEM_ID = "camau-demo"
    settings.LIENTHONG_AXIS_SECRET = "test-only-demo-secret"
    settings.LIENTHONG_AXIS_SIGNING_PKCS12 = str(tmp_path / "axis-system.p12")
    settings.LIENTHONG_AXIS_SIGNING_PASSPHRASE = "test-only"
    assert load_axis_demo().startswith("ready, a package from the demo ministry and its update")
    assert load_axis_demo() == "ready"  # idempotent
    config = json.loads((tmp_path / "axis-simulator.json").read_text())
    simulator = AxisSimulator.from_config(config, tmp_path / "axis-simulator.sqlite3")
    try:
        with RunningAxisSimulator(simulator) as running:
            settings.LIENTHONG_AXIS_ENDPOINT = running.url
            axis_services.sync_directory()
            polled = axis_services.poll()
    finally:
        simulator.close()
    copy = Document.objects.get(agency=province, direction="incoming")
    assert copy.number_and_symbol == "15/BTN-VP" and copy.attachments.count() == 1, polled
    # The ministry's update of it waits for UBND tỉnh's clerk (exchange:axis-requests).
    [request] = axis_services.pending_requests(province.pk)
    assert request.business_type == 2 and request.target == copy
    assert (
        "chuyển đổi số" in request.proposed["subject"]
        and copy.subject != request.proposed["subject"]
    )
    assert AxisReceipt.objects.get(incoming=copy, business_type=0).signature == "trusted"
    assert AxisAgency.objects.filter(code__endswith=".G99").count() == 3
