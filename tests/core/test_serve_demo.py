"""`lienthong serve` in the demo: the payment gateway simulator runs beside the platform (as the
demo TSA and the remote signing simulator do), answering before the worker starts; the web
workers are warm before serve reports ready, and serve prints the first request's time."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import requests

from tests.conftest import free_port
from tests.core.test_serve import (  # noqa: F401  (fixture)
    LIENTHONG,
    Migrated,
    Served,
    _env,
    _gone,
    migrated,
    stop,
    wait_for,
)


def test_serve_runs_the_payment_simulator_and_reports_the_first_request(
    migrated: Migrated,  # noqa: F811
    tmp_path: Path,
) -> None:
    data = migrated.copy_to(tmp_path)
    port, gateway = free_port(), free_port()
    log = data / "serve.log"
    env = {**_env(data), "LIENTHONG_DEMO_PAYMENT_PORT": str(gateway)}
    with log.open("w") as output:
        process = subprocess.Popen(
            [*LIENTHONG, "serve", "--port", str(port), "--no-front", "--web-workers", "1"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    served = Served(process, port, data, log)
    try:
        wait_for(served, "serve ready", lambda: "Serving http" in log.read_text())
        written = log.read_text()
        # The gateway answered before the worker started, and answers now.
        assert served.processes("payment_simulator")
        assert "Payment gateway simulator on" in written
        assert requests.get(f"http://127.0.0.1:{gateway}/health", timeout=5).text == "ok"
        # Warm before ready: the worker warmed up, then the first page was timed and printed.
        assert re.search(r"application warmed up in \d+ ms", written), written[-3000:]
        first = re.search(r"First request: GET /dang-nhap/ answered 200 in (\d+) ms\.", written)
        assert first is not None, written[-3000:]
        assert (
            written.index("warmed up")
            < written.index("First request")
            < written.index("Serving http")
        )
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert _gone(served) == [], f"processes left running:\n{log.read_text()}"
    finally:
        stop(served)
