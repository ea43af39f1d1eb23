"""`lienthong jitsi_simulator --port 8791`: the local Jitsi Meet simulator (token checks)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lienthong.meetings.simulators import JitsiSimulator, RunningSimulator


class Command(BaseCommand):
    help = "Run the local simulator of Jitsi Meet with token authentication (docs/meetings.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8791)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LIENTHONG_JITSI_APP_SECRET:
            raise CommandError("Set LIENTHONG_JITSI_APP_SECRET first.")
        simulator = JitsiSimulator(
            app_id=settings.LIENTHONG_JITSI_APP_ID,
            secret=settings.LIENTHONG_JITSI_APP_SECRET,
            domain=settings.LIENTHONG_JITSI_DOMAIN,
        )
        running = RunningSimulator(simulator, options["port"], host=options["host"])
        self.stdout.write(f"Jitsi Meet simulator on {running.url}", ending="\n")
        self.stdout.flush()
        try:
            running.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            running.server.server_close()
