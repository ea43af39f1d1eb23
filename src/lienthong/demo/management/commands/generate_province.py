"""`lienthong generate_province --documents N`: a realistic province for load and scale tests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
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

from lienthong.demo.generator.people import DEFAULT_PASSWORD
from lienthong.demo.generator.province import generate, write_manifest


class Command(BaseCommand):
    help = (
        "Fill the database with a generated province (agencies, officials, documents with "
        "their processing, work files, one-stop dossiers); run again with a larger "
        "--documents to add only the difference. See docs/generator.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--documents", type=int, required=True, help="documents the database should hold"
        )
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
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["documents"] < 0 or options["agencies"] < 1 or options["batch"] < 1:
            raise CommandError("--documents must not be negative, --agencies and --batch positive")
        if not 1 <= options["years"] <= 20:
            raise CommandError("--years must be between 1 and 20")
        until = options["until"] or timezone.localdate()
        with _progress(enabled=not options["no_progress"]) as progress:
            try:
                result = generate(
                    documents=options["documents"],
                    agencies=options["agencies"],
                    seed=options["seed"],
                    password=options["password"],
                    years=options["years"],
                    until=until,
                    batch=options["batch"],
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
def _progress(*, enabled: bool) -> Iterator[Callable[[str, int], Callable[[int], None]] | None]:
    if not enabled:
        yield None
        return

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
    )

    def factory(label: str, total: int) -> Callable[[int], None]:
        task = bar.add_task(label, total=total)
        return lambda done: bar.update(task, completed=done)

    with bar:
        yield factory
