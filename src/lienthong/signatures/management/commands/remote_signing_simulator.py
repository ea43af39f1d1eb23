"""Run the remote signing simulator (a stand-in for VNPT SmartCA / Viettel MySign) for the demo
and the tests: `lienthong remote_signing_simulator --config simulator.json --port 8765`. The
signer confirms or refuses at http://HOST:PORT/xac-nhan/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lienthong.signatures.remote_simulator import serve


class Command(BaseCommand):
    help = "Serve a simulated remote signing provider (CSC API v2 shaped) with its confirm page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--config", required=True, help="JSON file: clients, users and keys.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args: Any, **options: Any) -> None:
        config = json.loads(Path(options["config"]).read_text(encoding="utf-8"))
        server = serve(config, options["host"], options["port"])
        self.stdout.write(
            f"remote signing simulator on http://{options['host']}:{options['port']}/", ending="\n"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
