"""`generate_province`: fill the database with a realistic province, or top it up.

The database ends with at least `documents` documents: a run adds only the difference, numbered
on from the documents already there, so 10,000 → 100,000 → 1,000,000 on one database builds the
same data as one run of 1,000,000 (for the same seed, start date and agencies)."""

from __future__ import annotations

import json
import multiprocessing
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, connections

from lienthong.core import workdays
from lienthong.documents.doctypes import ensure_document_types
from lienthong.documents.models import Document, DocumentType
from lienthong.onestop.models import Dossier
from lienthong.records.models import CaseFile
from lienthong.workflows.models import Assignment

from . import indexes
from .documents import DocumentFiller, span
from .people import Staff, ensure_citizens, ensure_staff, hash_password

BATCH = 2000
DEFER_FROM = 50_000  # documents added from which the secondary indexes are built after the load
# Marks a run of several processes while it writes: their batches commit independently, so an
# interrupted one leaves gaps, and the next run cannot add "the difference".
UNFINISHED = "demo_generator_unfinished_run"


@dataclass
class Result:
    staff: list[Staff]
    password: str
    added: int
    total: int
    seconds: float
    fill_seconds: float = 0.0
    extras: dict[str, int] = field(default_factory=dict)
    tracking: list[dict[str, str]] = field(default_factory=list)
    citizens: list[str] = field(default_factory=list)

    @property
    def docs_per_s(self) -> float:
        """Documents added per second of the whole run (set-up and ANALYZE included)."""
        return self.added / self.seconds if self.added and self.seconds > 0 else 0.0

    @property
    def fill_docs_per_s(self) -> float:
        """Documents per second of the bulk fill alone (with their rows of every kind)."""
        return self.added / self.fill_seconds if self.added and self.fill_seconds > 0 else 0.0


ProgressFactory = Callable[[str, int], Callable[[int], None]]


def generate(
    *,
    documents: int,
    agencies: int = 20,
    seed: int = 1,
    password: str,
    years: int = 4,
    until: date,
    batch: int = BATCH,
    processes: int = 1,
    defer_indexes: bool | None = None,
    progress: ProgressFactory | None = None,
) -> Result:
    """`processes` > 1 (PostgreSQL): worker processes each write the rows of some agencies
    (the same rows whatever their number). `defer_indexes`: drop the big tables' secondary
    indexes during the load and build them at the end (None: when PostgreSQL and the run at
    least doubles the documents, and adds 50,000 or more)."""
    started = time.perf_counter()
    postgresql = connection.vendor == "postgresql"
    if processes > 1 and not postgresql:
        raise ValueError("several processes need PostgreSQL (SQLite has one writer)")
    if processes > 1 and connection.in_atomic_block:
        raise ValueError("several processes cannot see the rows of a transaction in progress")
    _check_no_unfinished_run()
    indexes.restore(progress)  # what an interrupted run left dropped
    ensure_document_types(DocumentType)
    password_hash = hash_password(password)
    staff = ensure_staff(agencies=agencies, seed=seed, password_hash=password_hash)
    citizens = ensure_citizens(seed=seed, password=password, password_hash=password_hash)
    existing = Document.objects.count()
    to_add = max(documents - existing, 0)
    start, end = span(years=years, until=until)
    if defer_indexes is None:
        defer_indexes = postgresql and to_add >= max(existing, DEFER_FROM)
    fill_started = time.perf_counter()
    try:
        if to_add:
            filler = DocumentFiller(staff=staff, seed=seed, start=start, end=end, citizens=citizens)
            if defer_indexes and postgresql:
                indexes.defer()
            advance = progress("documents", to_add) if progress else None
            batches = [
                range(low, min(low + batch, existing + to_add))
                for low in range(existing, existing + to_add, batch)
            ]
            if processes > 1:
                _fill_in_processes(filler, batches, processes, advance)
            else:
                _fill(filler, batches, advance)
        fill_seconds = time.perf_counter() - fill_started
    finally:
        indexes.restore(progress)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    submitted = Dossier.objects.exclude(code=None)
    tracking = [
        {"code": str(code), "phone": phone}
        for code, phone in submitted.order_by("-pk").values_list("code", "applicant_phone")[:100]
    ]
    return Result(
        staff=staff,
        password=password,
        added=to_add,
        total=Document.objects.count(),
        seconds=seconds,
        fill_seconds=fill_seconds,
        citizens=[c.username for c in citizens],
        tracking=tracking,
        extras={
            "assignments": Assignment.objects.count(),
            "dossiers": Dossier.objects.count(),
            "work_files": CaseFile.objects.count(),
        },
    )


def _fill(filler: DocumentFiller, batches: list[range], advance: Any) -> None:
    done = 0
    with workdays.preloaded_overrides():
        for indices in batches:
            done += filler.write(indices)  # one transaction
            if advance:
                advance(done)


def _work(
    filler: DocumentFiller,
    batches: list[range],
    part: int,
    parts: int,
    done: Any,
    errors: Any,
) -> None:
    """One worker process: the rows of its share of the agencies, batch by batch."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent stops its workers with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which stops them
    try:
        filler.share(part, parts)
        with workdays.preloaded_overrides():
            for indices in batches:
                written = filler.write(indices)  # one transaction
                with done.get_lock():
                    done.value += written
    except BaseException:
        errors.put(f"worker {part + 1}/{parts}:\n{traceback.format_exc()}")
        raise
    finally:
        connections.close_all()


def _fill_in_processes(
    filler: DocumentFiller, batches: list[range], processes: int, advance: Any
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {UNFINISHED} (processes integer)")
        cursor.execute(f"INSERT INTO {UNFINISHED} VALUES (%s)", [processes])  # noqa: S608
    connections.close_all()  # each worker opens its own connection (none shared over fork)
    context = multiprocessing.get_context("fork")
    done = context.Value("q", 0)
    errors = context.Queue()
    workers = [
        context.Process(
            target=_work, args=(filler, batches, part, processes, done, errors), daemon=True
        )
        for part in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        while any(w.is_alive() for w in workers):
            for worker in workers:
                worker.join(timeout=0.5 / processes)
            if advance:
                advance(done.value)
            if any(w.exitcode not in (None, 0) for w in workers):
                break
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    failed = [w for w in workers if w.exitcode != 0]
    if failed:
        message = errors.get() if not errors.empty() else f"exit code {failed[0].exitcode}"
        raise RuntimeError(f"a generator process failed: {message}")
    if advance:
        advance(done.value)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {UNFINISHED}")


def _check_no_unfinished_run() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [UNFINISHED])
        if cursor.fetchone()[0]:
            raise ValueError(
                "a run with several processes was interrupted: its batches were committed "
                "out of order, so this database cannot be topped up; start from a fresh "
                "database (or, to only rebuild its indexes, --restore-indexes)"
            )


def manifest(result: Result) -> dict[str, Any]:
    """What a load benchmark needs to act as the province's users."""
    agencies = []
    for s in result.staff:
        first_unit = s.working_units[0]
        agencies.append(
            {
                "code": s.agency.code,
                "id": s.agency.pk,
                "name": s.agency.name,
                "kind": s.agency.kind,
                "clerk": s.clerk.username,
                "specialists": [u.username for group in s.specialists.values() for u in group],
                "unit_leader": s.unit_leaders[first_unit.pk].username,
                "unit_leaders": [u.username for u in s.unit_leaders.values()],
                "leader": s.leader.username,
                "onestop_officer": s.onestop_officer.username,
                "admin": s.admin.username,
            }
        )
    return {
        "password": result.password,
        "agencies": agencies,
        "citizens": result.citizens,
        "tracking": result.tracking,
        "documents": result.total,
        "added": result.added,
        **result.extras,
    }


def write_manifest(result: Result, path: str) -> None:
    text = json.dumps(manifest(result), ensure_ascii=False, indent=2)
    if path == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(path).write_text(text + "\n", encoding="utf-8")
