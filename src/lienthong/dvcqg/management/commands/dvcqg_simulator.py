"""`lienthong dvcqg_simulator --port 8767`: the local simulator of the national public-service
portal's adapter (docs/dvcqg.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienthong.dvcqg.demo import demo_codes
from lienthong.dvcqg.simulator import PortalSimulator, PortalState, RunningSimulator


class Command(BaseCommand):
    help = "Run the local simulator of the national public-service portal (docs/dvcqg.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8767)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--codes",
            default="",
            help="Comma-separated procedure codes the simulated national database knows "
            "(default: the codes stored in this installation).",
        )
        parser.add_argument(
            "--state", default="", help="A JSON file keeping the simulator's storage."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = settings.LIENTHONG_DVCQG_USERNAME
        password = settings.LIENTHONG_DVCQG_PASSWORD
        if not username or not password:
            raise CommandError("Set LIENTHONG_DVCQG_USERNAME and LIENTHONG_DVCQG_PASSWORD first.")
        codes = [c.strip() for c in options["codes"].split(",") if c.strip()] or demo_codes()
        state = PortalState(Path(options["state"]) if options["state"] else None)
        simulator = PortalSimulator(
            username=username, password=password, procedure_codes=codes, state=state
        )
        running = RunningSimulator(simulator, options["port"], host=options["host"])
        self.running = running  # a caller running this in a thread shuts it down with it
        self.stdout.write(
            f"National public-service portal simulator on {running.url} ({len(codes)} codes)"
        )
        try:
            running.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            running.server.server_close()
