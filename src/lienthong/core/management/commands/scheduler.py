"""Periodic housekeeping, run beside the workers (by `lienthong serve`, or by systemd/cron with
--once): puts back jobs whose worker died, and retries that could not be enqueued."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from lienthong.core import periodic
from lienthong.core.jobs import enqueue_lost_retries, requeue_stuck_jobs


class Command(BaseCommand):
    help = "Run periodic housekeeping every --interval seconds (or once with --once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            requeued = requeue_stuck_jobs()
            if requeued:
                self.stdout.write(f"Requeued {requeued} stuck job(s).")
            retried = enqueue_lost_retries()
            if retried:
                self.stdout.write(f"Enqueued {retried} lost retry(ies).")
            for name, function in periodic.registered().items():
                try:
                    function()
                except Exception as exc:  # one failing job must not stop the others
                    self.stderr.write(f"{name} failed: {exc}")
            if options["once"]:
                return
            time.sleep(options["interval"])
