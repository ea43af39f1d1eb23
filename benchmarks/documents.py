#!/usr/bin/env python
"""Benchmark of official documents (văn bản đến): registration, bulk fill, search and lists.

    .venv/bin/python benchmarks/documents.py --n 100000 [--backend sqlite|postgresql|both]

For each backend the script prepares a fresh database (an SQLite file in a temporary folder; a
throwaway PostgreSQL 15 cluster started like scripts/test does, or a new database on the server
of DATABASE_URL when it is set), then runs itself again in a subprocess (`--worker-mode`) with
the `lienthong.conf.test` settings pointed at that database, because Django settings are per
process. The subprocess migrates, creates agencies and clerks with the accounts services,
registers a sample through `documents.services.register_incoming` (timed), runs the queued index
jobs with django-tasks-db's worker, fills the rest with bulk inserts shaped like what the
services and the index job write, and times the page code path
(`visible_to(clerk).for_list()` → `apply_search` → `page_after`). Temporary folders, databases
and the cluster are removed at the end, also on Ctrl-C or failure. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import json
import os
import platform
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from lienthong.demo.generator.vocabulary import (
    DESCRIPTIONS,
    DISTRICTS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    ISSUERS,
    MIDDLE_NAMES,
    POSITIONS,
    RARE_EVERY,
    RARE_SUBJECTS,
    RECEIVING_UNITS,
    SUBJECTS,
    TOPICS,
    TYPE_WEIGHTS,
    Issuer,
)

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SETTINGS = "lienthong.conf.test"
PAGE_SIZE = 25  # documents.views.PAGE_SIZE

# --- Vocabulary ----------------------------------------------------------------------------------
# Real phrases and places, shared with `lienthong generate_province` (lienthong.demo.generator).


@dataclass(frozen=True)
class Receiver:
    """An agency on the platform whose clerk registers incoming documents."""

    code: str
    name: str
    abbreviation: str
    kind: str  # accounts.constants.AgencyKind value
    place: str
    share: int  # relative share of the incoming documents


PROVINCE = Receiver(
    "000.00.00.H12", "Ủy ban nhân dân tỉnh Cà Mau", "UBND", "provincial_committee", "Cà Mau", 0
)
RECEIVERS = [
    Receiver("000.00.01.H12", "Văn phòng Ủy ban nhân dân tỉnh Cà Mau", "VPUBND",
             "committee_office", "Cà Mau", 40),
    Receiver("000.00.02.H12", "Sở Kế hoạch và Đầu tư", "SKHĐT", "department", "Cà Mau", 25),
    Receiver("000.00.03.H12", "Ủy ban nhân dân huyện Trần Văn Thời", "UBND",
             "district_committee", "Trần Văn Thời", 20),
    Receiver("000.00.04.H12", "Ủy ban nhân dân huyện Đầm Dơi", "UBND", "district_committee",
             "Đầm Dơi", 15),
]  # fmt: skip

# The queries timed on the search page: (kind, query).
QUERIES = [
    ("no tone marks", "quyet dinh"),
    ("no tone marks", "dang ky kinh doanh"),
    ("no tone marks", "tran van thoi"),
    ("tone marks", "Quyết định"),
    ("tone marks", "Đầm Dơi"),
    ("number/symbol", "123/QĐ-UBND"),
    ("rare word", "Hòn Khoai"),
]
LIST_KIND = "list (no query)"
SETS = ("rare", "common")  # the query sets of --queries (benchmarks/search_queries.json)


@dataclass
class Incoming:
    """One generated incoming document: whose it is and the arguments of register_incoming."""

    receiver: int  # index into RECEIVERS
    type_name: str
    fields: dict[str, Any]


class DocumentGenerator:
    """Seeded, sequential generator: document i arrives after document i-1, so arrival numbers
    and arrival dates increase together as they do when clerks register documents."""

    def __init__(
        self, *, seed: int, n: int, start: datetime, end: datetime, abbreviations: dict[str, str]
    ) -> None:
        self.rng = random.Random(seed)
        self.n = n
        self.start = start
        self.span = (end - start).total_seconds()
        self.abbreviations = abbreviations
        self.year = start.year
        self.type_names = list(TYPE_WEIGHTS)
        self.type_weights = list(TYPE_WEIGHTS.values())
        self.issuer_weights = [issuer.weight for issuer in ISSUERS]
        self.receiver_weights = [receiver.share for receiver in RECEIVERS]
        self.sequences: dict[tuple[str, str], int] = {}
        self.next_index = 0

    def person(self) -> tuple[str, str]:
        rng = self.rng
        honorific = rng.choice(("ông", "bà"))
        name = " ".join(
            (
                rng.choice(FAMILY_NAMES),
                rng.choice(MIDDLE_NAMES[honorific]),
                rng.choice(GIVEN_NAMES[honorific]),
            )
        )
        return honorific, name

    def subject(self, type_name: str) -> str:
        rng = self.rng
        if rng.randrange(RARE_EVERY) == 0:
            return rng.choice(RARE_SUBJECTS)
        district = rng.choice(list(DISTRICTS))
        honorific, person = self.person()
        return rng.choice(SUBJECTS[type_name]).format(
            topic=rng.choice(TOPICS),
            year=self.year,
            district=district,
            commune=rng.choice(DISTRICTS[district]),
            honorific=honorific,
            person=person,
            position=rng.choice(POSITIONS),
            quarter=rng.choice(("I", "II", "III", "IV")),
            month=rng.randint(1, 12),
            storm=rng.randint(1, 9),
        )

    def number(self, issuer: Issuer, notation: str) -> str:
        """The sender's number: its own sequence per symbol, of which we receive a part."""
        key = (issuer.name, notation)
        previous = self.sequences.get(key)
        number = self.rng.randint(1, 150) if previous is None else previous + self.rng.randint(1, 3)
        self.sequences[key] = number
        return f"{number:02d}"  # numbering.format_number

    def make(self, index: int) -> Incoming:
        if index != self.next_index:
            raise ValueError("documents are generated in order")
        self.next_index += 1
        rng = self.rng
        receiver = rng.choices(range(len(RECEIVERS)), self.receiver_weights)[0]
        issuer = rng.choices(ISSUERS, self.issuer_weights)[0]
        while issuer.name == RECEIVERS[receiver].name:
            issuer = rng.choices(ISSUERS, self.issuer_weights)[0]
        type_name = rng.choices(self.type_names, self.type_weights)[0]
        abbreviation = self.abbreviations[type_name]
        if abbreviation:
            notation = f"{abbreviation}-{issuer.abbreviation}"
        else:  # công văn: agency-drafting unit
            notation = f"{issuer.abbreviation}-{rng.choice(issuer.units)}"
        arrival = self.start + timedelta(seconds=self.span * (index + 0.5 * rng.random()) / self.n)
        issued = arrival.date() - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 7)))
        _, signer = self.person()
        urgency = rng.choices((0, 1, 2, 3), (85, 10, 4, 1))[0]
        fields = {
            "issuer_name": issuer.name,
            "issuer_code": issuer.code,
            "code_number": self.number(issuer, notation),
            "code_notation": notation,
            "issued_date": issued,
            "subject": self.subject(type_name),
            "signer_name": signer,
            "signer_position": rng.choice(issuer.signers),
            "urgency": urgency,
            "confidentiality": 1 if rng.random() < 0.01 else 0,
            "page_count": rng.randint(1, 12),
            "due_date": issued + timedelta(days=rng.randint(5, 30)) if rng.random() < 0.2 else None,
            "to_places": "; ".join(rng.sample(RECEIVING_UNITS, rng.randint(1, 3))),
            "description": rng.choice(DESCRIPTIONS) if rng.random() < 0.1 else "",
            "arrival_date": arrival,
        }
        return Incoming(receiver=receiver, type_name=type_name, fields=fields)


# --- Small helpers --------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Progress:
    """A one-line progress counter on stderr (a new line every 10 % when not a terminal)."""

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.started = time.perf_counter()
        self.shown = 0.0
        self.tty = sys.stderr.isatty()
        self.next_percent = 10

    def update(self, done: int) -> None:
        now = time.perf_counter()
        rate = done / max(now - self.started, 1e-9)
        text = f"  {self.label}: {done:,}/{self.total:,} ({rate:,.0f}/s)"
        if self.tty:
            if now - self.shown >= 0.25 or done >= self.total:
                self.shown = now
                sys.stderr.write("\r" + text + "   ")
                sys.stderr.flush()
        elif self.total and done * 100 >= self.next_percent * self.total:
            while done * 100 >= self.next_percent * self.total:
                self.next_percent += 10
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def chunks(items: range, size: int) -> Iterator[range]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def summarize(values: list[float]) -> dict[str, float]:
    """Percentiles in milliseconds (values are milliseconds)."""
    if not values:
        return {}
    if len(values) == 1:
        (value,) = values
        return {"p50": value, "p95": value, "p99": value, "mean": value, "max": value}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50": statistics.median(values),
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": statistics.fmean(values),
        "max": max(values),
    }


def rate(count: int, seconds: float) -> float | None:
    return count / seconds if count and seconds > 0 else None


def timing(docs: int, seconds: float) -> dict[str, Any]:
    return {"docs": docs, "seconds": seconds, "docs_per_s": rate(docs, seconds)}


# --- Worker mode: runs inside the subprocess, with Django set up --------------------------------


def index_text(document: Any) -> str:
    """The text `documents.tasks.index_document` indexes for a document without attachments
    (mirrors tasks._document_text; the run checks a sample against the job itself)."""
    parts = [
        document.subject,
        document.number_and_symbol,
        document.code_number,
        document.code_notation,
        document.issuer_name,
        document.signer_name,
        document.document_type.name,
        document.to_places,
        document.external_recipients,
        document.description,
    ]
    return "\n".join(p for p in parts if p)


class WorkerRun:
    """One backend's measurements, in the process whose settings point at its database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.backend = args.backend
        self.result: dict[str, Any] = {"backend": self.backend, "n": args.n, "seed": args.seed}
        self.bulk_ids: tuple[int, int] | None = None  # first and last id of the bulk fill

    def log(self, message: str) -> None:
        say(f"{self.backend}: {message}")

    def run(self) -> dict[str, Any]:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        args, result = self.args, self.result
        self.vendor = connection.vendor
        if args.existing_database:
            return self.run_on_existing()
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        result["migrate_s"] = time.perf_counter() - started
        result["database"] = self.database_info()
        self.log(f"migrated {result['database']['version']} in {result['migrate_s']:.1f} s")

        self.create_people()
        from django.utils import timezone

        from lienthong.documents.constants import VIETNAM_TZ
        from lienthong.documents.models import DocumentType

        now = timezone.localtime(timezone.now(), timezone=ZoneInfo(VIETNAM_TZ))
        year_start = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        # Every arrival falls in this year (one register per agency), none in the future.
        end = max(now - timedelta(minutes=10), year_start + timedelta(minutes=1))
        self.types = DocumentType.objects.in_bulk(list(TYPE_WEIGHTS), field_name="name")
        self.generator = DocumentGenerator(
            seed=args.seed,
            n=args.n,
            start=year_start,
            end=end,
            abbreviations={name: t.abbreviation for name, t in self.types.items()},
        )

        n = args.n
        sample = min(n, args.sample)
        tail = min(args.tail_sample, n - sample)
        bulk = n - sample - tail
        result["sample_docs"], result["bulk_docs"], result["tail_docs"] = sample, bulk, tail

        seconds = self.register_via_service(range(sample), "registering (service)")
        result["registration"] = timing(sample, seconds)
        result["index_jobs"] = self.run_jobs()

        seconds = self.bulk_fill(range(sample, sample + bulk))
        result["bulk_fill"] = timing(bulk, seconds)
        if self.vendor == "postgresql":
            self.analyze()

        if tail:
            seconds = self.register_via_service(range(sample + bulk, n), "registering at N")
            result["registration_at_n"] = timing(tail, seconds)
            result["index_jobs_at_n"] = self.run_jobs()

        result["checks"] = self.check()
        result["database"]["size_mb"] = self.database_size() / 1e6
        result["load_before_reads"] = os.getloadavg()[0]
        self.measure_reads()
        self.measure_sets()
        result["load_after_reads"] = os.getloadavg()[0]
        return result

    def run_on_existing(self) -> dict[str, Any]:
        """--existing-database: only the rare and common sets, as --clerk, on the database as
        it is (a generated province of any size: nothing is written)."""
        from lienthong.accounts.models import User
        from lienthong.documents.models import Document

        result = self.result
        result["existing"] = True
        result["database"] = self.database_info()
        result["database"]["size_mb"] = self.database_size() / 1e6
        result["n"] = Document.objects.count()
        self.clerks = [User.objects.get(username=self.args.clerk)]
        result["clerk"] = self.args.clerk
        result["checks"] = {}
        result["load_before_reads"] = os.getloadavg()[0]
        self.log(f"{result['n']:,} documents; the sets as {self.args.clerk}")
        self.measure_sets()
        result["load_after_reads"] = os.getloadavg()[0]
        return result

    # --- set-up ---------------------------------------------------------------------------------

    def database_info(self) -> dict[str, Any]:
        from django.db import connection

        if connection.vendor == "sqlite":
            version = f"SQLite {connection.Database.sqlite_version}"
            return {"vendor": "sqlite", "version": version}
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
        return {"vendor": "postgresql", "version": f"PostgreSQL {server}", "fsync": fsync}

    def database_size(self) -> int:
        from django.db import connection

        if connection.vendor == "sqlite":
            name = Path(connection.settings_dict["NAME"])
            files = [name, Path(f"{name}-wal")]
            return sum(f.stat().st_size for f in files if f.exists())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])

    def create_people(self) -> None:
        """The province, the receiving agencies and a clerk (and a specialist) in each, through
        the accounts services."""
        from lienthong.accounts import services as accounts
        from lienthong.accounts.constants import Role

        rng = random.Random(self.args.seed)
        province = accounts.create_agency(
            actor=None,
            code=PROVINCE.code,
            name=PROVINCE.name,
            abbreviation=PROVINCE.abbreviation,
            kind=PROVINCE.kind,
            place_name=PROVINCE.place,
        )
        self.agencies, self.clerks, self.specialists = [], [], []
        for number, spec in enumerate(RECEIVERS, start=1):
            agency = accounts.create_agency(
                actor=None,
                code=spec.code,
                name=spec.name,
                abbreviation=spec.abbreviation,
                kind=spec.kind,
                place_name=spec.place,
                parent=province,
            )
            people = []
            for role, prefix in ((Role.CLERK, "vanthu"), (Role.SPECIALIST, "chuyenvien")):
                people.append(
                    accounts.create_user(
                        actor=None,
                        username=f"{prefix}{number}",
                        full_name=" ".join(
                            (rng.choice(FAMILY_NAMES), "Văn", rng.choice(GIVEN_NAMES["ông"]))
                        ),
                        password=None,
                        agency=agency,
                        roles=[role],
                    )
                )
            self.agencies.append(agency)
            self.clerks.append(people[0])
            self.specialists.append(people[1])
        self.platform_agencies = {a.code: a for a in [province, *self.agencies]}

    # --- writes ----------------------------------------------------------------------------------

    def register_via_service(self, indices: range, label: str) -> float:
        """Register documents one by one through the service (each its own transaction, as a
        request does); only the service call is timed."""
        from lienthong.documents import services

        progress = Progress(f"{self.backend} {label}", len(indices))
        spent = 0.0
        for done, index in enumerate(indices, start=1):
            item = self.generator.make(index)
            started = time.perf_counter()
            registration = services.register_incoming(
                actor=self.clerks[item.receiver],
                document_type=self.types[item.type_name],
                **item.fields,
            )
            spent += time.perf_counter() - started
            if registration.document is None:
                raise RuntimeError(f"document {index} was refused as a duplicate")
            progress.update(done)
        progress.close()
        if indices:
            self.log(f"{label}: {len(indices):,} documents, {len(indices) / spent:,.0f} docs/s")
        return spent

    def run_jobs(self) -> dict[str, Any]:
        """Run every queued job with django-tasks-db's worker in batch mode, in this process
        (its per-task connection recycling is turned off, as tests/documents/conftest.py does)."""
        from django.db.models import Count
        from django_tasks_db.management.commands import db_worker
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.ready()
        by_task = dict(ready.values_list("task_path").annotate(count=Count("id")))
        queued = sum(by_task.values())
        failed_before = DBTaskResult.objects.failed().count()
        original = db_worker.close_old_connections
        db_worker.close_old_connections = lambda: None
        started = time.perf_counter()
        try:
            db_worker.Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="benchmark",
                excluded_queue_names=[],
            ).run()
        finally:
            db_worker.close_old_connections = original
        seconds = time.perf_counter() - started
        failed = DBTaskResult.objects.failed().count() - failed_before
        if failed:
            raise RuntimeError(f"{failed} background jobs failed")
        if queued:
            self.log(f"background jobs: {queued:,} run, {queued / seconds:,.0f} jobs/s")
        return {
            "jobs": queued,
            "by_task": by_task,
            "seconds": seconds,
            "jobs_per_s": rate(queued, seconds),
        }

    def bulk_fill(self, indices: range) -> float:
        """Insert documents in batches exactly as the services and the index job would leave
        them: the next arrival number of each register, a used NumberAllocation per document,
        the register's last_number, a SearchEntry (and on SQLite the FTS5 row)."""
        if not indices:
            return 0.0
        from django.db import connection, transaction
        from django.utils import timezone

        from lienthong.documents import numbering, services
        from lienthong.documents.constants import (
            Direction,
            DocumentStatus,
            NumberStatus,
            RegisterKind,
        )
        from lienthong.documents.models import Document, NumberAllocation, Register, SearchEntry
        from lienthong.documents.search import fold, plain

        year = numbering.vietnam_year(self.generator.start)
        registers = [
            services.ensure_register(agency=agency, year=year, kind=RegisterKind.INCOMING)
            for agency in self.agencies
        ]
        last = {r.pk: Register.objects.get(pk=r.pk).last_number for r in registers}
        sqlite = connection.vendor == "sqlite"
        progress = Progress(f"{self.backend} bulk fill", len(indices))
        started = time.perf_counter()
        done, first_pk = 0, 0
        for chunk in chunks(indices, self.args.batch):
            documents = []
            for index in chunk:
                item = self.generator.make(index)
                fields = dict(item.fields)
                register = registers[item.receiver]
                last[register.pk] += 1
                documents.append(
                    Document(
                        agency=self.agencies[item.receiver],
                        direction=Direction.INCOMING,
                        status=DocumentStatus.REGISTERED,
                        register=register,
                        document_type=self.types[item.type_name],
                        issuer_agency=self.platform_agencies.get(fields["issuer_code"]),
                        arrival_number=last[register.pk],
                        created_by=self.clerks[item.receiver],
                        **fields,
                    )
                )
            with transaction.atomic():
                Document.objects.bulk_create(documents, batch_size=500)
                first_pk = first_pk or documents[0].pk
                NumberAllocation.objects.bulk_create(
                    [
                        NumberAllocation(
                            register=d.register,
                            number=d.arrival_number,
                            status=NumberStatus.USED,
                            document=d,
                            allocated_by=d.created_by,
                            allocated_at=d.arrival_date,
                        )
                        for d in documents
                    ],
                    batch_size=1000,
                )
                entries = []
                for d in documents:
                    text = index_text(d)
                    entries.append(SearchEntry(document=d, folded=fold(text), plain=plain(text)))
                SearchEntry.objects.bulk_create(entries, batch_size=1000)
                if sqlite:
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            "INSERT INTO documents_search_fts(rowid, folded) VALUES (%s, %s)",
                            [(e.document_id, e.folded) for e in entries],
                        )
                touched = {d.register_id for d in documents}
                for pk in touched:
                    Register.objects.filter(pk=pk).update(
                        last_number=last[pk], updated_at=timezone.now()
                    )
            done += len(chunk)
            progress.update(done)
        progress.close()
        seconds = time.perf_counter() - started
        self.log(f"bulk fill: {done:,} documents, {done / seconds:,.0f} docs/s")
        self.bulk_ids = (first_pk, documents[-1].pk)
        return seconds

    def analyze(self) -> None:
        """PostgreSQL's autovacuum would analyze the tables after such a load; do it now so the
        planner sees the real sizes."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- checks -----------------------------------------------------------------------------------

    def check(self) -> dict[str, bool]:
        """The data looks like what the services produce: numbers gap-free and unique per
        register, one used allocation per document, every document indexed, and bulk rows
        identical to what the index job writes."""
        from django.db import connection
        from django.db.models import Count, Max

        from lienthong.documents.constants import NumberStatus
        from lienthong.documents.models import Document, NumberAllocation, Register, SearchEntry
        from lienthong.documents.tasks import index_document

        checks: dict[str, bool] = {}
        total = Document.objects.count()
        checks["document count is N"] = total == self.args.n
        numbers_ok = True
        for register in Register.objects.all():
            stats = Document.objects.filter(register=register).aggregate(
                count=Count("id"), top=Max("arrival_number")
            )
            allocations = NumberAllocation.objects.filter(
                register=register, status=NumberStatus.USED, document__isnull=False
            ).count()
            numbers_ok &= (
                stats["count"] == register.last_number
                and (stats["top"] or 0) == register.last_number
                and allocations == register.last_number
            )
        checks["arrival numbers 1..last_number, one allocation each"] = numbers_ok
        checks["every document has a search entry"] = SearchEntry.objects.count() == total
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM documents_search_fts")
                checks["every document is in the FTS5 table"] = cursor.fetchone()[0] == total
                cursor.execute(
                    "SELECT count(*) FROM documents_search_fts f JOIN documents_searchentry e "
                    "ON e.document_id = f.rowid WHERE f.folded = e.folded"
                )
                checks["FTS5 rows equal the search entries"] = cursor.fetchone()[0] == total

        if self.bulk_ids:
            rng = random.Random(self.args.seed + 1)
            low, high = self.bulk_ids
            sample = rng.sample(range(low, high + 1), min(50, high - low + 1))
            before = dict(SearchEntry.objects.filter(pk__in=sample).values_list("pk", "folded"))
            before_plain = dict(
                SearchEntry.objects.filter(pk__in=sample).values_list("pk", "plain")
            )
            for pk in sample:  # through the queue and the worker, as in production
                index_document.enqueue(pk)
            self.run_jobs()
            after = dict(SearchEntry.objects.filter(pk__in=sample).values_list("pk", "folded"))
            after_plain = dict(SearchEntry.objects.filter(pk__in=sample).values_list("pk", "plain"))
            checks["bulk search entries equal the index job's"] = (
                before == after and before_plain == after_plain
            )
        for name, ok in checks.items():
            if not ok:
                self.log(f"CHECK FAILED: {name}")
        return checks

    # --- reads ----------------------------------------------------------------------------------

    def measure_reads(self) -> None:
        """Time the first page of the search and list pages, warm, queries interleaved."""
        from lienthong.documents.models import Document
        from lienthong.documents.search import apply_search, page_after

        args = self.args
        clerk = self.clerks[0]
        specialist = self.specialists[0]

        def page(user: Any, query: str) -> Callable[[], Any]:
            def run() -> Any:
                queryset = Document.objects.visible_to(user).for_list()
                return page_after(apply_search(queryset, query), "", PAGE_SIZE)

            return run

        cases: list[tuple[str, str, Callable[[], Any]]] = [
            (kind, query, page(clerk, query)) for kind, query in QUERIES
        ]
        cases.append((LIST_KIND, "", page(clerk, "")))
        cases.append(("list (specialist)", "", page(specialist, "")))

        visible = Document.objects.visible_to(clerk)
        self.result["visible_docs"] = visible.count()
        details: dict[str, dict[str, Any]] = {}
        for kind, query, run in cases:
            rows, _next = run()
            matches = apply_search(visible, query).count() if query else None
            details[f"{kind}|{query}"] = {
                "kind": kind,
                "query": query,
                "matches": matches,
                "first_page": len(rows),
                "top_exact": bool(rows and rows[0].exact),
                "times_ms": [],
            }
            if args.explain:
                sliced = apply_search(Document.objects.visible_to(clerk).for_list(), query)
                options = {"analyze": True} if self.vendor == "postgresql" else {}
                plan = sliced[: PAGE_SIZE + 1].explain(**options)
                self.log(f"plan of {kind} {query!r}:\n{plan}")
            for _ in range(args.warmup - 1):
                run()

        progress = Progress(f"{self.backend} search and list", args.repeat * len(cases))
        for round_number in range(args.repeat):
            for kind, query, run in cases:
                started = time.perf_counter()
                run()
                details[f"{kind}|{query}"]["times_ms"].append(
                    (time.perf_counter() - started) * 1000
                )
            progress.update((round_number + 1) * len(cases))
        progress.close()

        searches: list[float] = []
        by_kind: dict[str, list[float]] = {}
        queries = []
        for detail in details.values():
            times = detail.pop("times_ms")
            detail.update(summarize(times))
            queries.append(detail)
            by_kind.setdefault(detail["kind"], []).extend(times)
            if detail["query"]:
                searches.extend(times)
        self.result["reads"] = {
            "repeat": args.repeat,
            "page_size": PAGE_SIZE,
            "queries": queries,
            "kinds": {kind: summarize(times) for kind, times in by_kind.items()},
            "all_searches": summarize(searches),
            "list": summarize(by_kind[LIST_KIND]),
        }

    def measure_sets(self) -> None:
        """Rare against common searches (the query sets of --queries): the first page as the
        clerk, each set run --repeat times in a row; wall time per search, searches per second
        in this one process and, on PostgreSQL, the database's execution time per search from
        pg_stat_statements (every statement of the page summed, over all calls). With
        --baseline-file the search module of an earlier commit runs the same sets on the same
        database, in alternating rounds."""
        from lienthong.documents import search as current
        from lienthong.documents.models import Document

        args = self.args
        sets = json.loads(Path(args.queries).read_text(encoding="utf-8"))
        modules = search_modules(current, args.baseline_file)
        clerk = self.clerks[0]
        stats = PgStatements() if self.vendor == "postgresql" else None
        visible = Document.objects.visible_to(clerk)

        def first_page(module: Any, query: str) -> list[Any]:
            queryset = Document.objects.visible_to(clerk).for_list()
            rows, _next = module.page_after(module.apply_search(queryset, query), "", PAGE_SIZE)
            return rows

        found: dict[str, dict[str, Any]] = {}
        for name in SETS:
            for query in sets[name]:
                pages = {label: first_page(m, query) for label, m in modules.items()}
                ids = {label: [row.pk for row in rows] for label, rows in pages.items()}
                found[query] = {
                    "set": name,
                    "matches": current.apply_search(visible, query).count(),
                    "same_first_page": len({tuple(v) for v in ids.values()}) == 1,
                }
                for module in modules.values():
                    for _ in range(args.warmup):
                        first_page(module, query)
        figures: dict[str, dict[str, dict[str, Any]]] = {
            label: {name: {"times_ms": [], "db_ms": 0.0, "statements": 0} for name in SETS}
            for label in modules
        }
        rounds = 2 if len(modules) > 1 else 1
        per_round = max(1, args.repeat // rounds)
        for _round in range(rounds):
            for label, module in modules.items():
                for name in SETS:
                    entry = figures[label][name]
                    if stats:
                        stats.reset()
                    for query in sets[name] * per_round:
                        started = time.perf_counter()
                        first_page(module, query)
                        entry["times_ms"].append((time.perf_counter() - started) * 1000)
                    db_ms, calls = stats.totals() if stats else (0.0, 0)
                    entry["db_ms"] += db_ms
                    entry["statements"] += calls
        out = {"queries": found, "pg_stat_statements": bool(stats), "sets": set_rows(figures)}
        self.result["sets"] = out


def search_modules(current: Any, baseline_file: str | None) -> dict[str, Any]:
    """The search module(s) to compare: this checkout's, and an earlier one's (--baseline)."""
    if not baseline_file:
        return {"current": current}
    spec = importlib.util.spec_from_file_location("baseline_search", baseline_file)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {baseline_file}")
    baseline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(baseline)
    return {"baseline": baseline, "current": current}


def set_rows(figures: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Per code and query set: wall times, searches per second and database time per search."""
    rows: dict[str, Any] = {}
    for label, by_set in figures.items():
        for name, entry in by_set.items():
            times = entry["times_ms"]
            if not times:
                continue
            searches = len(times)
            measured = entry["statements"] > 0
            rows[f"{label}|{name}"] = {
                "code": label,
                "set": name,
                "searches": searches,
                **summarize(times),
                "per_s": searches / (sum(times) / 1000),
                "db_ms_per_search": entry["db_ms"] / searches if measured else None,
                "statements_per_search": entry["statements"] / searches if measured else None,
            }
    return rows


class PgStatements:
    """pg_stat_statements of the benchmark's database: reset, then execution time summed."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        try:
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                cursor.execute("SELECT count(*) FROM pg_stat_statements")
            self.ok = True
        except Exception as error:  # not preloaded: no database times
            say(f"pg_stat_statements unavailable ({error}); no database times")
            self.ok = False

    def __bool__(self) -> bool:
        return self.ok

    def reset(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_statements_reset()")

    def totals(self) -> tuple[float, int]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(calls), 0) "
                "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
                "WHERE datname = current_database()) AND query NOT LIKE '%%pg_stat_statements%%'"
            )
            total, calls = cursor.fetchone()
        return float(total), int(calls)


def worker_main(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    result = WorkerRun(args).run()
    Path(args.result_file).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0 if all(result["checks"].values()) else 1


# --- Orchestration: the parent process ------------------------------------------------------------


class Cleanup:
    """Undo steps, run last-in first-out; each failure is reported and the rest still run."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, Callable[[], object]]] = []

    def push(self, label: str, step: Callable[[], object]) -> None:
        self.steps.append((label, step))

    def run(self) -> None:
        while self.steps:
            label, step = self.steps.pop()
            try:
                step()
            except Exception as exc:
                say(f"clean-up step failed ({label}): {exc}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_pg(command: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL 15 program; as the postgres user when we are root (initdb refuses root)."""
    path = f"{PG_BIN}:{os.environ.get('PATH', '')}"
    if os.geteuid() == 0:
        inner = shlex.join(["env", f"PATH={path}", *command])
        argv = ["su", "postgres", "-s", "/bin/bash", "-c", inner]
        env = None
    else:
        argv, env = command, {**os.environ, "PATH": path}
    return subprocess.run(  # noqa: S603  (fixed programs, arguments we built)
        argv,
        check=check,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )


def start_cluster(cleanup: Cleanup, *, fsync: bool) -> str:
    """A throwaway PostgreSQL 15 cluster (initdb in a temporary folder, a free port), stopped
    and removed by `cleanup`. Returns the URL of its `postgres` database."""
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(
            "PostgreSQL 15 is not installed (apt-get install postgresql-15); "
            "or set DATABASE_URL, or use --backend sqlite"
        )
    folder = Path(tempfile.mkdtemp(prefix="lienthong-bench-pg-"))
    cleanup.push(f"remove {folder}", lambda: shutil.rmtree(folder, ignore_errors=True))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    port = free_port()
    say(f"starting a throwaway PostgreSQL 15 cluster on port {port} ({folder})")
    run_pg(
        [
            "initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        ]
    )  # fmt: skip
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
        f"-c fsync={'on' if fsync else 'off'} -c max_connections=200 "
        "-c shared_preload_libraries=pg_stat_statements"
    )
    cleanup.push(
        "stop PostgreSQL",
        lambda: run_pg(["pg_ctl", "-D", str(data), "stop", "-m", "fast"], check=False),
    )
    run_pg(["pg_ctl", "-D", str(data), "-w", "-l", str(folder / "pg.log"), "-o", options, "start"])
    return f"postgres://postgres@127.0.0.1:{port}/postgres"


def create_database(server_url: str, cleanup: Cleanup, *, drop: bool) -> str:
    """A new, empty database on the server of `server_url`; returns its URL."""
    import psycopg
    from psycopg import sql

    name = f"lienthong_bench_{os.getpid()}"
    # The server's maintenance database: the database named in DATABASE_URL may not exist yet
    # (scripts/test names one that only pytest's test_ copy of is ever created).
    server_url = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database() -> None:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    if drop:
        cleanup.push(f"drop database {name}", drop_database)
    return urlunsplit(urlsplit(server_url)._replace(path="/" + name))


def prepare_backend(backend: str, args: argparse.Namespace, cleanup: Cleanup) -> dict[str, str]:
    """The environment of the subprocess: its data folder and its database."""
    folder = Path(tempfile.mkdtemp(prefix=f"lienthong-bench-{backend}-"))
    cleanup.push(f"remove {folder}", lambda: shutil.rmtree(folder, ignore_errors=True))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "LIENTHONG_DATA_DIR": str(folder),
        "LIENTHONG_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        say(f"sqlite: database file in {folder}")
        return env
    given = os.environ.get("DATABASE_URL", "")
    if args.existing_database:
        if urlsplit(given).scheme not in {"postgres", "postgresql", "pgsql"}:
            raise SystemExit("--existing-database needs DATABASE_URL (PostgreSQL)")
        say("postgresql: the database of DATABASE_URL as it is (nothing written)")
        return env
    if given:
        if urlsplit(given).scheme not in {"postgres", "postgresql", "pgsql"}:
            raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL for this benchmark: {given}")
        say("postgresql: using the server of DATABASE_URL (a new database, dropped afterwards)")
        env["DATABASE_URL"] = create_database(given, cleanup, drop=True)
    else:
        server = start_cluster(cleanup, fsync=args.pg_fsync)
        env["DATABASE_URL"] = create_database(server, cleanup, drop=False)
    return env


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    cleanup = Cleanup()
    try:
        env = prepare_backend(backend, args, cleanup)
        result_file = Path(env["LIENTHONG_DATA_DIR"]) / "result.json"
        command = [
            sys.executable, str(Path(__file__).resolve()), "--worker-mode",
            "--backend", backend, "--result-file", str(result_file),
            "--n", str(args.n), "--seed", str(args.seed), "--sample", str(args.sample),
            "--tail-sample", str(args.tail_sample), "--batch", str(args.batch),
            "--repeat", str(args.repeat), "--warmup", str(args.warmup),
            "--queries", args.queries,
            *(["--explain"] if args.explain else []),
            *(["--baseline-file", args.baseline_file] if args.baseline_file else []),
            *(["--existing-database", "--clerk", args.clerk] if args.existing_database else []),
        ]  # fmt: skip
        process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
        try:
            code = process.wait()
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if not result_file.exists():
            raise SystemExit(f"{backend}: the benchmark process failed (exit code {code})")
        result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
        if code:
            say(f"{backend}: some consistency checks failed (exit code {code})")
        return result
    finally:
        cleanup.run()


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration, ValueError):
        memory_kb = 0
    try:
        revision = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        revision = "unknown"
    return {
        "revision": revision,
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


# --- Report ---------------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _ms(stats: dict[str, float], key: str) -> str:
    return _num(stats.get(key), 1)


def report(result: dict[str, Any]) -> str:
    database = result["database"]
    if result.get("existing"):
        return "\n".join(
            [
                f"== {database['version']} (fsync={database.get('fsync')}) — an existing "
                f"database of {result['n']:,} documents, {database['size_mb']:,.0f} MB; "
                f"searches as {result['clerk']} ==",
                *report_sets(result.get("sets")),
                f"  load average (1 min) before/after: {result['load_before_reads']:.1f}"
                f" / {result['load_after_reads']:.1f}",
            ]
        )
    lines = []
    title = f"{database['version']}"
    if database.get("fsync"):
        title += f" (fsync={database['fsync']})"
    lines.append(f"== {title} — N = {result['n']:,} documents ==")
    rows = [
        ("documents visible to the clerk searching", _num(result.get("visible_docs"))),
        ("database size", f"{database.get('size_mb', 0):,.0f} MB"),
        ("migrate", f"{result['migrate_s']:.1f} s"),
        (
            f"registration, service path (first {result['registration']['docs']:,})",
            f"{_num(result['registration']['docs_per_s'])} docs/s",
        ),
        (
            "their background jobs (django-tasks-db worker)",
            f"{_num(result['index_jobs']['jobs_per_s'])} jobs/s",
        ),
        (
            f"bulk fill ({result['bulk_fill']['docs']:,} documents)",
            f"{_num(result['bulk_fill']['docs_per_s'])} docs/s",
        ),
    ]
    if "registration_at_n" in result:
        at_n = result["registration_at_n"]
        rows.append(
            (
                f"registration, service path at N (last {at_n['docs']:,})",
                f"{_num(at_n['docs_per_s'])} docs/s",
            )
        )
    width = max(len(label) for label, _ in rows)
    lines.extend(f"  {label.ljust(width)}  {value}" for label, value in rows)
    reads = result["reads"]
    lines.append(
        f"  first page of {reads['page_size']} (visible_to → for_list → apply_search → "
        f"page_after), warm, {reads['repeat']} runs each, ms:"
    )
    header = f"    {'kind':<18} {'query':<22} {'matches':>8} {'p50':>8} {'p95':>8} {'p99':>8}"
    lines.append(header)
    lines.append("    " + "-" * (len(header) - 4))
    for q in reads["queries"]:
        matches = "" if q["matches"] is None else f"{q['matches']:,}"
        lines.append(
            f"    {q['kind']:<18} {q['query'][:22]:<22} {matches:>8} {_ms(q, 'p50'):>8} "
            f"{_ms(q, 'p95'):>8} {_ms(q, 'p99'):>8}"
        )
    lines.append("    " + "-" * (len(header) - 4))
    for kind, stats in reads["kinds"].items():
        if kind.startswith("list"):
            continue
        lines.append(
            f"    {'kind: ' + kind:<41} {'':>8} {_ms(stats, 'p50'):>8} {_ms(stats, 'p95'):>8} "
            f"{_ms(stats, 'p99'):>8}"
        )
    overall = reads["all_searches"]
    lines.append(
        f"    {'all searches':<41} {'':>8} {_ms(overall, 'p50'):>8} {_ms(overall, 'p95'):>8} "
        f"{_ms(overall, 'p99'):>8}"
    )
    lines.append(
        f"  load average (1 min) before/after the reads: {result['load_before_reads']:.1f}"
        f" / {result['load_after_reads']:.1f}"
    )
    lines.extend(report_sets(result.get("sets")))
    failed = [name for name, ok in result["checks"].items() if not ok]
    lines.append("  checks: " + ("all passed" if not failed else "FAILED: " + "; ".join(failed)))
    return "\n".join(lines)


def report_sets(sets: dict[str, Any] | None) -> list[str]:
    """The rare-vs-common table (see WorkerRun.measure_sets)."""
    if not sets:
        return []
    lines = ["  rare vs common searches (first page as the clerk; the query sets of --queries):"]
    for query, info in sets["queries"].items():
        same = "" if info["same_first_page"] else "  FIRST PAGES DIFFER between the codes"
        lines.append(f"    {info['set']:<7} {query:<24} {info['matches']:>8,} matches{same}")
    header = (
        f"    {'code':<9} {'set':<7} {'searches':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'searches/s':>11} {'DB ms/search':>13} {'statements':>11}"
    )
    lines.append(header)
    lines.append("    " + "-" * (len(header) - 4))
    rates: dict[str, dict[str, float]] = {}
    for row in sets["sets"].values():
        rates.setdefault(row["code"], {})[row["set"]] = row["per_s"]
        lines.append(
            f"    {row['code']:<9} {row['set']:<7} {row['searches']:>8} {_ms(row, 'p50'):>8} "
            f"{_ms(row, 'p95'):>8} {_num(row['per_s'], 1):>11} "
            f"{_num(row['db_ms_per_search'], 2):>13} {_num(row['statements_per_search'], 1):>11}"
        )
    for code, by_set in rates.items():
        if by_set.get("rare") and by_set.get("common"):
            lines.append(
                f"    {code}: rare / common searches per second = "
                f"{by_set['rare'] / by_set['common']:.2f}"
            )
    return lines


def summary(results: list[dict[str, Any]]) -> str:
    """One column per backend: the figures asked for at a glance."""

    def registration(r: dict[str, Any], key: str) -> str:
        return _num(r[key]["docs_per_s"]) if key in r else "—"

    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("N", lambda r: f"{r['n']:,}"),
        ("registration docs/s (service)", lambda r: registration(r, "registration")),
        ("registration docs/s at N", lambda r: registration(r, "registration_at_n")),
        ("background jobs/s", lambda r: _num(r["index_jobs"]["jobs_per_s"])),
        ("bulk fill docs/s", lambda r: registration(r, "bulk_fill")),
        ("search p50 ms", lambda r: _ms(r["reads"]["all_searches"], "p50")),
        ("search p95 ms", lambda r: _ms(r["reads"]["all_searches"], "p95")),
        ("search p99 ms", lambda r: _ms(r["reads"]["all_searches"], "p99")),
        ("list p50 ms", lambda r: _ms(r["reads"]["list"], "p50")),
        ("list p95 ms", lambda r: _ms(r["reads"]["list"], "p95")),
    ]
    names = [r["database"]["vendor"] for r in results]
    width = max(len(label) for label, _ in rows)
    lines = ["  ".join([" " * width, *(f"{n:>12}" for n in names)])]
    for label, value in rows:
        lines.append("  ".join([label.ljust(width), *(f"{value(r):>12}" for r in results)]))
    return "\n".join(lines)


# --- Entry point ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark registration, search and lists of official documents.",
    )
    parser.add_argument(
        "--n", type=int, default=100_000, help="documents in total (default 100000)"
    )
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="both", help="default both"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the generated data")
    parser.add_argument(
        "--sample",
        type=int,
        default=1000,
        help="documents registered first through the service, timed (default 1000)",
    )
    parser.add_argument(
        "--tail-sample",
        type=int,
        default=100,
        help="documents registered through the service after the bulk fill (default 100)",
    )
    parser.add_argument("--batch", type=int, default=2000, help="bulk fill batch (default 2000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per query first")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument(
        "--pg-fsync",
        action="store_true",
        help="start the throwaway cluster with fsync=on (default off, as scripts/test does)",
    )
    parser.add_argument("--explain", action="store_true", help="log the plan of each query")
    parser.add_argument(
        "--queries",
        default=str(ROOT / "benchmarks" / "search_queries.json"),
        help="the rare and common query sets (default benchmarks/search_queries.json)",
    )
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="also run the rare and common sets with documents/search.py as of this commit",
    )
    parser.add_argument(
        "--existing-database",
        action="store_true",
        help="only the rare and common sets, on the PostgreSQL database of DATABASE_URL as it "
        "is (e.g. lienthong generate_province's), nothing written; with --backend postgresql",
    )
    parser.add_argument(
        "--clerk",
        default="g03.vanthu",
        help="with --existing-database: who searches (default g03.vanthu, a department's clerk)",
    )
    parser.add_argument("--baseline-file", help=argparse.SUPPRESS)
    parser.add_argument("--worker-mode", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.n < 1 or args.sample < 0 or args.tail_sample < 0 or args.batch < 1:
        parser.error("--n and --batch must be positive, samples not negative")
    if args.repeat < 1 or args.warmup < 1:
        parser.error("--repeat and --warmup must be at least 1")
    if args.worker_mode and (args.backend == "both" or not args.result_file):
        parser.error("--worker-mode needs one --backend and --result-file")
    return args


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker_mode:
        try:
            return worker_main(args)
        except KeyboardInterrupt:  # the parent cleans up and says so
            return 130
    signal.signal(signal.SIGTERM, _interrupt)  # clean up on `kill` as on Ctrl-C
    if args.baseline:
        source = subprocess.run(  # noqa: S603
            ["git", "show", f"{args.baseline}:src/lienthong/documents/search.py"],  # noqa: S607
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        folder = Path(tempfile.mkdtemp(prefix="lienthong-bench-baseline-"))
        args.baseline_file = str(folder / "search.py")
        Path(args.baseline_file).write_text(source, encoding="utf-8")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if args.existing_database:
        backends = ["postgresql"]
    results = []
    try:
        for backend in backends:
            results.append(run_backend(backend, args))
            print(report(results[-1]), flush=True)
            print(flush=True)
    except KeyboardInterrupt:
        say("interrupted; temporary databases and folders removed")
        return 130
    if len(results) > 1:
        print(summary(results))
    info = machine()
    print(
        f"\nmachine: {info['cpus']} CPUs ({info['cpu_model'] or 'unknown'}), "
        f"{info['memory_gb']} GB, Python {info['python']}, code {info['revision']}"
    )
    if args.json:
        payload = {
            "command": " ".join(shlex.quote(a) for a in sys.argv),
            "machine": info,
            "results": results,
        }
        Path(args.json).write_text(
            json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default),
            encoding="utf-8",
        )
    return 0 if all(all(r["checks"].values()) for r in results) else 1


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
