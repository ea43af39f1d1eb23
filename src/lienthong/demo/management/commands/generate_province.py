"""`lienthong generate_province --documents N`: a realistic province for load and scale tests."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from lienthong.demo.generator import indexes
from lienthong.demo.generator.people import DEFAULT_PASSWORD
from lienthong.demo.generator.province import generate, write_manifest


class Command(BaseCommand):
    help = (
        "Fill the database with a generated province (agencies, officials, documents with "
        "their processing, work files, one-stop dossiers); run again with a larger "
        "--documents to add only the difference. See docs/generator.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--documents", type=int, help="documents the database should hold")
        parser.add_argument("--agencies", type=int, default=20, help="agencies with officials")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every generated official (default {DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--years", type=int, default=4, help="years the documents spread over (default 4)"
        )
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=None,
            help="last day (excluded) of the generated period, YYYY-MM-DD (default today)",
        )
        parser.add_argument("--batch", type=int, default=2000, help="documents per transaction")
        parser.add_argument(
            "--manifest",
            metavar="PATH",
            help="write users, password and codes as JSON ('-': stdout)",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="worker processes (PostgreSQL; default: one per CPU; SQLite, or inside a "
            "transaction: 1); "
            "the data is the same whatever their number",
        )
        parser.add_argument(
            "--indexes",
            choices=("auto", "defer", "keep"),
            default="auto",
            help="PostgreSQL: set aside the big tables' secondary indexes, foreign keys and "
            "autovacuum during the load and put them back at the end ('auto': when the run "
            "at least doubles the documents and adds 50,000 or more)",
        )
        parser.add_argument(
            "--restore-indexes",
            action="store_true",
            help="only put back the indexes, foreign keys and autovacuum an interrupted run "
            "left set aside",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["restore_indexes"]:
            with _progress(enabled=not options["no_progress"]) as progress:
                built = indexes.restore(progress)
            self.stdout.write(
                f"{len(built)} indexes, foreign keys and autovacuum settings put back: "
                f"{', '.join(built) or '-'}"
            )
            return
        if options["documents"] is None:
            raise CommandError("--documents is required")
        processes = options["processes"]
        if processes is None:
            alone = connection.vendor != "postgresql" or connection.in_atomic_block
            processes = 1 if alone else (os.cpu_count() or 1)
        if processes < 1:
            raise CommandError("--processes must be positive")
        if options["documents"] < 0 or options["agencies"] < 1 or options["batch"] < 1:
            raise CommandError("--documents must not be negative, --agencies and --batch positive")
        if not 1 <= options["years"] <= 20:
            raise CommandError("--years must be between 1 and 20")
        until = options["until"] or timezone.localdate()
        with _terminate_as_interrupt(), _progress(enabled=not options["no_progress"]) as progress:
            try:
                result = generate(
                    documents=options["documents"],
                    agencies=options["agencies"],
                    seed=options["seed"],
                    password=options["password"],
                    years=options["years"],
                    until=until,
                    batch=options["batch"],
                    processes=processes,
                    defer_indexes={"auto": None, "defer": True, "keep": False}[options["indexes"]],
                    progress=progress,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if options["manifest"]:
            write_manifest(result, options["manifest"])
        out = self.stderr if options["manifest"] == "-" else self.stdout
        out.write(
            f"{result.added:,} documents added in {result.seconds:,.1f} s "
            f"({result.docs_per_s:,.0f} documents/s; the fill alone {result.fill_seconds:,.1f} s, "
            f"{result.fill_docs_per_s:,.0f} documents/s); {result.total:,} in the database; "
            f"{len(result.staff)} agencies."
        )
        for name, count in result.extras.items():
            out.write(f"  {name}: {count:,}")


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """`kill` (SIGTERM) stops a run as Ctrl-C does: the workers are stopped and the deferred
    indexes built again before the process ends (only in the main thread, where signals go)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# Without a terminal (a log file), a line every this many seconds instead of the bar.
LOG_EVERY = 30.0


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[str, int], Callable[[int], None]] | None]:
    """A bar with the time elapsed and left on a terminal; progress lines in a log."""
    if not enabled:
        yield None
        return
    console = Console(file=sys.stderr)
    if not console.is_terminal:
        yield lambda label, total: _LogLines(label, total, sys.stderr).advance
        return

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )

    def factory(label: str, total: int) -> Callable[[int], None]:
        task = bar.add_task(label, total=total)
        return lambda done: bar.update(task, completed=done)

    with bar:
        yield factory


class _LogLines:
    """`documents: 1,200,000/10,000,000 (12.0 %), 2,912/s, 0:06:52 elapsed, 0:50:22 left`:
    the first step, then one line every LOG_EVERY seconds, and the last."""

    def __init__(self, label: str, total: int, out: TextIO) -> None:
        self.label, self.total, self.out = label, total, out
        self.started = time.monotonic()
        self.last: float | None = None
        self.printed_last = False

    def advance(self, done: int) -> None:
        now = time.monotonic()
        finished = done >= self.total
        if (
            (done == 0 and not finished)
            or self.printed_last
            or (self.last is not None and now - self.last < LOG_EVERY and not finished)
        ):
            return
        self.printed_last = finished
        self.last = now
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else None
        share = 100 * done / self.total if self.total else 100.0
        self.out.write(
            f"{self.label}: {done:,}/{self.total:,} ({share:.1f} %), {rate:,.0f}/s, "
            f"{_clock(elapsed)} elapsed, {_clock(left) if left is not None else '?'} left\n"
        )
        self.out.flush()


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
