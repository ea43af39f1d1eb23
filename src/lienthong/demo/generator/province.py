"""`generate_province`: fill the database with a realistic province, or top it up.

The database ends with at least `documents` documents: a run adds only the difference, numbered
on from the documents already there, so 10,000 → 100,000 → 1,000,000 on one database builds the
same data as one run of 1,000,000 (for the same seed, start date and agencies)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection

from lienthong.core import workdays
from lienthong.documents.doctypes import ensure_document_types
from lienthong.documents.models import Document, DocumentType
from lienthong.onestop.models import Dossier
from lienthong.records.models import CaseFile
from lienthong.workflows.models import Assignment

from .documents import DocumentFiller, span
from .people import Staff, ensure_citizens, ensure_staff, hash_password

BATCH = 2000


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
    progress: ProgressFactory | None = None,
) -> Result:
    started = time.perf_counter()
    ensure_document_types(DocumentType)
    password_hash = hash_password(password)
    staff = ensure_staff(agencies=agencies, seed=seed, password_hash=password_hash)
    citizens = ensure_citizens(seed=seed, password=password, password_hash=password_hash)
    existing = Document.objects.count()
    to_add = max(documents - existing, 0)
    start, end = span(years=years, until=until)
    advance = progress("documents", to_add) if progress else None
    fill_started = time.perf_counter()
    if to_add:
        filler = DocumentFiller(staff=staff, seed=seed, start=start, end=end, citizens=citizens)
        done = 0
        with workdays.preloaded_overrides():
            for low in range(existing, existing + to_add, batch):
                high = min(low + batch, existing + to_add)
                done += filler.write(range(low, high))
                if advance:
                    advance(done)
    fill_seconds = time.perf_counter() - fill_started
    if connection.vendor == "postgresql":
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
