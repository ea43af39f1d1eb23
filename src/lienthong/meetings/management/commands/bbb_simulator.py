"""`lienthong bbb_simulator --port 8792`: the local BigBlueButton simulator (checksum checks)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienthong.meetings.simulators import BBBSimulator, RunningSimulator


class Command(BaseCommand):
    help = "Run the local simulator of the BigBlueButton API (docs/meetings.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8792)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LIENTHONG_BBB_SECRET:
            raise CommandError("Set LIENTHONG_BBB_SECRET first.")
        algorithms = tuple(dict.fromkeys([settings.LIENTHONG_BBB_CHECKSUM, "sha1", "sha256"]))
        simulator = BBBSimulator(secret=settings.LIENTHONG_BBB_SECRET, algorithms=algorithms)
        running = RunningSimulator(simulator, options["port"], host=options["host"])
        self.stdout.write(f"BigBlueButton simulator on {running.url}", ending="\n")
        self.stdout.flush()
        try:
            running.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            running.server.server_close()
