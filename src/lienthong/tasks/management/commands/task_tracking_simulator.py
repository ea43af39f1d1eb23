"""`lienthong task_tracking_simulator --port 8766`: the local national task-tracking system."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lienthong.tasks.simulator import RunningSimulator, TaskTrackingSimulator, demo_tasks


class Command(BaseCommand):
    help = "Run the local simulator of the national task-tracking system (docs/tasks.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--year", type=int, default=0, help="Year of the demo tasks.")

    def handle(self, *args: Any, **options: Any) -> None:
        token = settings.LIENTHONG_TASK_TRACKING_TOKEN
        if not token:
            raise CommandError("Set LIENTHONG_TASK_TRACKING_TOKEN first.")
        year = options["year"] or timezone.localdate().year
        simulator = TaskTrackingSimulator(
            token=token,
            province=settings.LIENTHONG_TASK_TRACKING_PROVINCE,
            tasks=demo_tasks(year),
        )
        running = RunningSimulator(simulator, options["port"], host=options["host"])
        self.stdout.write(f"National task-tracking simulator on {running.url}")
        try:
            running.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            running.server.server_close()
