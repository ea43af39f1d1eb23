"""`lienthong serve` runs the web server and the background worker; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import free_port


def test_serve_runs_web_and_worker_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "lienthong.conf.test", "LIENTHONG_DATA_DIR": str(tmp_path)}
    )
    lienthong = [sys.executable, "-m", "lienthong"]
    subprocess.run([*lienthong, "migrate", "-v0"], env=env, check=True, timeout=300)
    port = free_port()
    server = subprocess.Popen(
        [*lienthong, "serve", "--port", str(port), "--web-workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        body = b""
        for _ in range(300):  # up to a minute on a loaded machine
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.2)
        assert body == b'{"status": "ok"}'
        children = subprocess.run(
            ["pgrep", "-g", str(server.pid), "-f", "db_worker"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert children, "the background worker is not running"
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        server.wait(timeout=30)
        time.sleep(0.5)
        left = subprocess.run(
            ["pgrep", "-g", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert left == [], f"processes left running: {left}"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
