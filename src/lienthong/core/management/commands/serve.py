"""Serve the web UI (gunicorn), the background worker and the scheduler together; Ctrl-C
stops them all."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and the background worker; stop both on Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        web = subprocess.Popen(  # noqa: S603
            [
                python,
                "-m",
                "gunicorn",
                "lienthong.conf.wsgi:application",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                str(options["web_workers"]),
                "--access-logfile",
                "-",
            ]
        )
        worker = subprocess.Popen(  # noqa: S603
            [python, "-m", "lienthong", "db_worker", "--queue-name", "*", "--interval", "1"]
        )
        scheduler = subprocess.Popen(  # noqa: S603
            [python, "-m", "lienthong", "scheduler", "--interval", "60"]
        )
        children = [web, worker, scheduler]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Serving http://{options['host']}:{options['port']}/ (Ctrl-C stops)")
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        if not stopping:  # a child ended on its own: report the failure
            self.stderr.write("The web server or the worker stopped unexpectedly.")
            sys.exit(1)
