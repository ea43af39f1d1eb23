"""`lienthong national_reporting_simulator --port 8793`: the local national reporting system."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienthong.reports.simulator import NationalReportingSimulator, RunningSimulator


class Command(BaseCommand):
    help = "Run the local simulator of the national reporting system (docs/reporting.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8793)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        token = settings.LIENTHONG_NATIONAL_REPORTING_TOKEN
        if not token:
            raise CommandError("Set LIENTHONG_NATIONAL_REPORTING_TOKEN first.")
        running = RunningSimulator(
            NationalReportingSimulator(token=token), options["port"], host=options["host"]
        )
        self.stdout.write(f"National reporting system simulator on {running.url}")
        try:
            running.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            running.server.server_close()
