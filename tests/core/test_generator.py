"""`lienthong generate_province`: the generated province satisfies what the services guarantee
(numbers, search entries, visibility, processing states, audit chain), appends only the
difference, and its manifest lets a load test sign in as the province's officials."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.models import Agency, User
from lienthong.core.audit import verify_chain
from lienthong.demo.generator import indexes, province
from lienthong.demo.generator.documents import (
    DOSSIER_COST,
    FILES_PER_UNIT,
    STALE_DAYS,
    DocumentFiller,
    span,
)
from lienthong.demo.generator.people import ensure_staff, hash_password
from lienthong.documents.constants import Direction, NumberStatus
from lienthong.documents.models import (
    Attachment,
    AttachmentVersion,
    Document,
    NumberAllocation,
    Register,
    SearchEntry,
)
from lienthong.documents.tasks import index_document
from lienthong.onestop import codes, tracking
from lienthong.onestop.constants import TRANSITIONS, DossierStatus, HandOverAction, StepState
from lienthong.onestop.models import (
    DailyCounter,
    Dossier,
    DossierComponent,
    DossierStep,
    HandOver,
    SupplementRequest,
)
from lienthong.onestop.services import missing_components
from lienthong.records.constants import MAX_DOC_ORDINAL, CaseFileStatus
from lienthong.records.models import CaseFile, CaseFileItem
from lienthong.records.totals import summarize
from lienthong.workflows.constants import AssignmentRole, AssignmentState, EntryKind
from lienthong.workflows.models import Assignment, ProcessingEntry

pytestmark = pytest.mark.django_db

UNTIL = date(2026, 11, 20)
PASSWORD = "mat-khau-sinh-2026"


def generate(tmp_path: Path, documents: int, **options: Any) -> dict[str, Any]:
    manifest = tmp_path / f"manifest-{documents}.json"
    call_command(
        "generate_province",
        documents=documents,
        agencies=options.pop("agencies", 6),
        seed=options.pop("seed", 7),
        password=PASSWORD,
        until=UNTIL,
        manifest=str(manifest),
        no_progress=True,
        **options,
    )
    return json.loads(manifest.read_text(encoding="utf-8"))


def assert_numbers_gap_free() -> None:
    """Every register: numbers 1..last_number, each held by one document and one used
    allocation pointing at it."""
    registers = list(Register.objects.all())
    assert registers
    for register in registers:
        column = "arrival_number" if register.kind == "incoming" else "register_number"
        stats = Document.objects.filter(register=register).aggregate(
            n=Count("id"), low=Min(column), high=Max(column), distinct=Count(column, distinct=True)
        )
        assert stats == {
            "n": register.last_number,
            "low": 1,
            "high": register.last_number,
            "distinct": register.last_number,
        }, register
        allocations = NumberAllocation.objects.filter(register=register)
        assert allocations.count() == register.last_number
        assert not allocations.exclude(status=NumberStatus.USED).exists()
        mismatched = [
            a
            for a in allocations.select_related("document")
            if a.document is None or getattr(a.document, column) != a.number
        ]
        assert mismatched == []


def test_generates_a_province_whose_rows_are_what_the_services_would_write(
    tmp_path: Path, run_tasks: Any, client: Any
) -> None:
    manifest = generate(tmp_path, 300)

    assert manifest["documents"] == Document.objects.count() == 300
    assert len(manifest["agencies"]) == 6
    directions = Counter(Document.objects.values_list("direction", flat=True))
    assert 140 < directions[Direction.INCOMING] < 220  # about 60 %
    assert_numbers_gap_free()
    assert Document.objects.dates("arrival_date", "year").count() >= 3  # spread over years

    # Search entries: one per document, equal to what the real index job writes.
    assert SearchEntry.objects.count() == 300
    with_text = list(
        AttachmentVersion.objects.values_list("attachment__document_id", flat=True).distinct()
    )
    assert with_text, "some documents have attachments with extracted text"
    sample = random.Random(3).sample(list(Document.objects.values_list("pk", flat=True)), 40)
    sample += with_text[:10]
    before = {e.pk: (e.folded, e.plain) for e in SearchEntry.objects.filter(pk__in=sample)}
    for pk in sample:
        index_document.enqueue(pk)
    run_tasks()
    after = {e.pk: (e.folded, e.plain) for e in SearchEntry.objects.filter(pk__in=sample)}
    assert after == before
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM documents_search_fts f JOIN documents_searchentry e "
                "ON e.document_id = f.rowid WHERE f.folded = e.folded"
            )
            assert cursor.fetchone()[0] == 300

    # Processing in every state, consistent with the workflows' rules.
    # (Every actionable state, overdue work included: test_open_work_is_recent.)
    states = Counter(Assignment.objects.values_list("state", flat=True))
    assert {AssignmentState.COMPLETED, AssignmentState.RETURNED} <= set(states)
    assert states[AssignmentState.OPEN] + states[AssignmentState.IN_PROGRESS] > 0
    assert not Assignment.objects.filter(document__direction=Direction.OUTGOING).exists()
    for child in Assignment.objects.filter(parent__isnull=False).select_related("parent"):
        assert child.document_id == child.parent.document_id
        assert child.assignee_user.unit_id == child.parent.assignee_unit_id
        if child.state == AssignmentState.COMPLETED:
            assert child.parent.state == AssignmentState.COMPLETED
        if child.parent.state == AssignmentState.RETURNED:
            assert child.state == AssignmentState.RETURNED
    for a in Assignment.objects.all():
        kinds = list(a.entries.values_list("kind", flat=True))
        assert kinds[0] == (EntryKind.REASSIGNED if a.parent_id else EntryKind.ASSIGNED)
        assert (a.state == AssignmentState.COMPLETED) == (EntryKind.COMPLETED in kinds)
        assert (a.state == AssignmentState.RETURNED) == (EntryKind.RETURNED in kinds)
        assert (a.started_at is not None) == (EntryKind.PROGRESS in kinds)
        if a.finished_at:
            assert a.finished_at >= a.assigned_at
        assert a.assigned_at >= a.document.arrival_date
        if a.role == AssignmentRole.INFORMATION:
            assert a.deadline is None
    assert (
        ProcessingEntry.objects.filter(kind=EntryKind.PRESENTED).count()
        == (directions[Direction.INCOMING])
    )

    # Work files: numbers in each file gap-free, totals as the records service computes them.
    files = list(CaseFile.objects.all())
    assert files and {f.status for f in files} == {CaseFileStatus.OPEN, CaseFileStatus.CLOSED}
    for f in files:
        items = list(f.items.select_related("document").order_by("ordinal"))
        assert [i.ordinal for i in items] == list(range(1, f.last_ordinal + 1))
        assert all(i.document.agency_id == f.agency_id for i in items)
        summary = summarize(((i.ordinal, i.document) for i in items), read_files=False)
        assert (f.start_date, f.end_date, f.doc_total, f.page_total) == (
            summary.start_date,
            summary.end_date,
            summary.doc_total,
            summary.page_total,
        )
        if f.closed_at is not None:
            assert all(i.added_at < f.closed_at for i in items)

    # One-stop dossiers: histories follow the allowed transitions, steps match, codes gap-free.
    assert_dossiers_consistent()
    assert {t["code"] for t in manifest["tracking"]} <= set(
        Dossier.objects.values_list("code", flat=True)
    )
    assert manifest["tracking"]
    for item in manifest["tracking"][:5]:
        found = tracking.find(item["code"], item["phone"])
        assert found is not None and found.code == item["code"]

    # The audit chain still verifies (bulk rows write no events; officials' creation does).
    call_command("verify_audit_chain")
    assert verify_chain().ok

    assert_agencies_see_only_their_own(manifest)
    assert_officials_sign_in(manifest, client)


def assert_dossiers_consistent() -> None:
    dossiers = list(Dossier.objects.all())
    assert len(dossiers) >= 25
    statuses = Counter(d.status for d in dossiers)
    assert {DossierStatus.RETURNED, DossierStatus.PROCESSING} <= set(statuses), statuses
    assert len(statuses) >= 5, statuses
    for d in dossiers:
        history = list(d.history.order_by("at", "pk"))
        assert history[0].action == HandOverAction.CREATED
        assert history[0].status_after == DossierStatus.DRAFT
        previous = DossierStatus.DRAFT
        for h in history[1:]:
            if h.status_after != previous:
                assert h.status_after in TRANSITIONS[previous], (d.code, previous, h.status_after)
            previous = h.status_after
        assert previous == d.status, d.code
        assert d.code and codes.is_well_formed(d.code)
        assert missing_components(d) == []  # submitted and received only with their papers
        steps = list(d.steps.all())
        if d.received_at is None:
            assert steps == []
            continue
        assert d.due_at is not None and d.due_at > d.received_at
        active = [s for s in steps if s.state in (StepState.QUEUED, StepState.ASSIGNED,
                                                  StepState.PROPOSED)]  # fmt: skip
        if d.status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
            assert len(active) <= 1
        else:
            assert active == []
        if d.status in (DossierStatus.DONE, DossierStatus.RETURNED):
            assert all(s.state == StepState.DONE for s in steps)
            assert d.finished_at is not None
        if d.status == DossierStatus.RETURNED:
            assert d.outcome and d.closed_at and d.returned_at >= d.finished_at
    # Codes: the n-th dossier of an agency's day is numbered n, and the counter is at the last.
    by_day: dict[tuple[int, str], list[int]] = {}
    for d in dossiers:
        assert d.code is not None
        prefix, number = d.code.rsplit("-", 1)
        by_day.setdefault((d.agency_id, prefix), []).append(int(number))
    for (agency_id, prefix), numbers in by_day.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        day = datetime.strptime(prefix.rsplit("-", 1)[1], "%y%m%d").date()
        assert DailyCounter.objects.get(agency_id=agency_id, day=day).last_number == len(numbers)


def assert_agencies_see_only_their_own(manifest: dict[str, Any]) -> None:
    first, second = manifest["agencies"][:2]
    for username in (first["clerk"], first["specialists"][0], first["leader"]):
        user = User.objects.get(username=username)
        visible = Document.objects.visible_to(user)
        assert visible.exists()
        assert not visible.filter(agency_id=second["id"]).exists()
        assert set(visible.values_list("agency_id", flat=True)) == {first["id"]}


def assert_officials_sign_in(manifest: dict[str, Any], client: Any) -> None:
    """A generated official signs in with the manifest's password and opens their queue."""
    assert manifest["password"] == PASSWORD
    agency = manifest["agencies"][0]
    assert Agency.objects.get(pk=agency["id"]).code == agency["code"]
    names = [
        agency["clerk"],
        agency["leader"],
        agency["unit_leader"],
        agency["onestop_officer"],
        *agency["specialists"],
    ]
    assert User.objects.filter(username__in=names, agency_id=agency["id"]).count() == len(names)
    # One hash for everybody, and a real one.
    hashes = set(User.objects.filter(username__in=names).values_list("password", flat=True))
    assert len(hashes) == 1
    wrong = client.post(reverse("login"), {"username": agency["clerk"], "password": "sai-roi"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    signed_in = client.post(
        reverse("login"), {"username": agency["specialists"][0], "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    specialist = User.objects.get(username=agency["specialists"][0])
    assert client.session["_auth_user_id"] == str(specialist.pk)
    response = client.get(reverse("workflows:queue"))
    assert response.status_code == 200
    assert response.context["user"] == specialist


def test_open_work_is_recent_and_every_actionable_state_is_there(tmp_path: Path) -> None:
    """Work still open is this season's (some of it overdue); work whose deadline passed more
    than STALE_DAYS ago is finished, so an official's queue does not grow with the archive."""
    generate(tmp_path, 200, years=1, agencies=3)
    states = Counter(Assignment.objects.values_list("state", flat=True))
    assert {AssignmentState.OPEN, AssignmentState.IN_PROGRESS, AssignmentState.COMPLETED} <= set(
        states
    )
    actionable = Assignment.objects.filter(
        state__in=[AssignmentState.OPEN, AssignmentState.IN_PROGRESS]
    )
    assert actionable.filter(deadline__lt=UNTIL).exists()  # overdue work
    stale = UNTIL - timedelta(days=STALE_DAYS)
    assert not actionable.filter(deadline__lt=stale).exists()
    information = actionable.filter(role=AssignmentRole.INFORMATION)  # no deadline: by date
    assert not information.filter(assigned_at__date__lt=stale).exists()
    assert Assignment.objects.filter(
        role=AssignmentRole.INFORMATION, state=AssignmentState.COMPLETED
    ).exists()
    for returned in Assignment.objects.filter(state=AssignmentState.RETURNED, parent=None):
        assert not actionable.filter(document=returned.document, role=AssignmentRole.SUPPORT)
    assert Assignment.objects.filter(deadline__lt=stale).exists()  # the rule had work to apply to


def test_appending_adds_only_the_difference_deterministically_and_keeps_numbers_gap_free(
    tmp_path: Path,
) -> None:
    generate(tmp_path, 300, batch=64)
    first_ids = set(Document.objects.values_list("pk", flat=True))
    users = User.objects.count()
    manifest = generate(tmp_path, 500)
    assert manifest["documents"] == Document.objects.count() == 500
    assert manifest["added"] == 200
    assert set(Document.objects.values_list("pk", flat=True)) >= first_ids
    assert User.objects.count() == users  # officials are made once
    assert_numbers_gap_free()
    assert SearchEntry.objects.count() == 500
    # Asking for fewer than there are adds nothing.
    assert generate(tmp_path, 400)["added"] == 0
    assert Document.objects.count() == 500

    # Document i depends on the seed and i only: written in batches of 64 then 2000 over two
    # runs, the documents are those planned one by one.
    staff = ensure_staff(agencies=6, seed=7, password_hash=hash_password(PASSWORD))
    start, end = span(years=4, until=UNTIL)
    filler = DocumentFiller(staff=staff, seed=7, start=start, end=end)
    planned = sorted(
        (p.document.subject, p.document.agency_id, p.at)
        for p in map(filler.plan, range(500))
        if p is not None
    )
    stored = sorted(
        (d.subject, d.agency_id, d.arrival_date or _issued_at(d)) for d in Document.objects.all()
    )
    assert stored == planned
    other = DocumentFiller(staff=staff, seed=8, start=start, end=end)
    assert [_subject(other, i) for i in range(20)] != [_subject(filler, i) for i in range(20)]


def _subject(filler: DocumentFiller, index: int) -> str:
    planned = filler.plan(index)
    assert planned is not None
    return planned.document.subject


def _issued_at(document: Document) -> Any:
    return NumberAllocation.objects.get(document=document).allocated_at


def _indexes_of_big_tables() -> dict[str, str]:
    """The big tables' indexes, foreign keys and storage options, each by name with its
    definition as PostgreSQL prints it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = ANY(%s)",
            [list(indexes.BIG_TABLES)],
        )
        found = dict(cursor.fetchall())
        cursor.execute(
            "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE c.relname = ANY(%s) AND k.contype IN ('f', 'c', 'u', 'p')",
            [list(indexes.BIG_TABLES)],
        )
        found.update((f"constraint {name}", definition) for name, definition in cursor.fetchall())
        cursor.execute(
            "SELECT relname, coalesce(array_to_string(reloptions, ','), '') FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [list(indexes.BIG_TABLES)],
        )
        found.update((f"options {name}", options) for name, options in cursor.fetchall())
        return found


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the fast path is PostgreSQL's"
)


@postgresql_only
def test_deferred_indexes_come_back_exactly_after_a_run_and_after_an_interrupted_one(
    tmp_path: Path,
) -> None:
    before = _indexes_of_big_tables()
    assert "documents_searchentry_vector" in before

    # A run told to defer them: dropped while it writes, the same definitions at the end.
    seen: list[dict[str, str]] = []

    def watch(label: str, total: int) -> Any:
        return lambda done: seen.append(_indexes_of_big_tables())

    result = province.generate(
        documents=150,
        agencies=4,
        seed=7,
        password=PASSWORD,
        until=UNTIL,
        batch=50,
        defer_indexes=True,
        progress=watch,
    )
    assert result.added == 150
    assert seen
    during = seen[0]
    assert "documents_searchentry_vector" not in during
    assert "documents_searchentry_pkey" in during  # primary keys and unique indexes stay
    assert "assignment_one_lead_per_document" in during
    foreign_keys = {name for name in set(before) - set(during) if name.startswith("constraint ")}
    assert len(foreign_keys) > 20
    assert all(before[name].startswith("FOREIGN KEY ") for name in foreign_keys)
    assert "constraint documents_searchentry_pkey" in during  # the other constraints stay
    for table in indexes.BIG_TABLES:  # autovacuum off while the rows are written
        assert before[f"options {table}"] == ""
        assert during[f"options {table}"] == "autovacuum_enabled=off"
    assert _indexes_of_big_tables() == before
    assert indexes.pending() == []

    # Interrupted (Ctrl-C after the first batch): the indexes are built again on the way out.
    def interrupt(label: str, total: int) -> Any:
        def advance(done: int) -> None:
            if label == "documents" and done:
                raise KeyboardInterrupt

        return advance

    with pytest.raises(KeyboardInterrupt):
        province.generate(
            documents=400,
            agencies=4,
            seed=7,
            password=PASSWORD,
            until=UNTIL,
            batch=50,
            defer_indexes=True,
            progress=interrupt,
        )
    assert Document.objects.count() == 200  # the batch written before the interruption
    assert _indexes_of_big_tables() == before

    # Killed without a chance to clean up: the recorded definitions rebuild them by hand.
    dropped = indexes.defer()
    gone = {
        name.removeprefix("constraint ") for name in set(before) - set(_indexes_of_big_tables())
    }
    assert set(dropped) == gone | {f"{table} autovacuum" for table in indexes.BIG_TABLES}
    assert {name for name, _, _ in indexes.pending()} == set(dropped)
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        call_command("generate_province", restore_indexes=True, no_progress=True, stdout=stream)
    assert f"{len(dropped)} indexes, foreign keys and autovacuum settings put back" in (
        out.read_text()
    )
    assert _indexes_of_big_tables() == before
    assert indexes.pending() == []


@postgresql_only
def test_a_row_written_while_the_foreign_keys_were_set_aside_is_still_checked() -> None:
    before = _indexes_of_big_tables()
    indexes.defer()
    with connection.cursor() as cursor:  # nothing checks the reference while the load runs
        cursor.execute(
            "INSERT INTO documents_searchentry (document_id, folded, plain, indexed_at) "
            "VALUES (-1, 'x', 'x', now())"
        )
    with pytest.raises(IntegrityError):
        indexes.restore()
    left = {name for name, _, _ in indexes.pending()}
    assert "documents_searchentr_document_id_0d3138a1_fk_documents" in left
    foreign_keys = {
        name.removeprefix("constraint ")
        for name, sql in before.items()
        if sql.startswith("FOREIGN KEY ")
    }
    autovacuum = {f"{table} autovacuum" for table in indexes.BIG_TABLES}
    assert left <= foreign_keys | autovacuum  # the indexes came back first

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM documents_searchentry WHERE document_id = -1")
    indexes.restore()
    assert _indexes_of_big_tables() == before
    assert indexes.pending() == []


def _canonical_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every generated table's rows, sorted, with each reference to a generated row replaced
    by that row's own canonical content: ids (handed out in whatever order the processes ran)
    do not count, everything they point at does. Timestamps of the run itself (after the
    generated period) count as "the run"."""
    models = [
        Register,
        Document,
        NumberAllocation,
        SearchEntry,
        Attachment,
        AttachmentVersion,
        Assignment,
        ProcessingEntry,
        CaseFile,
        CaseFileItem,
        DailyCounter,
        Dossier,
        DossierStep,
        HandOver,
        DossierComponent,
        SupplementRequest,
    ]
    generated = set(models)
    end = datetime.combine(UNTIL, datetime.min.time()).replace(
        tzinfo=timezone.get_current_timezone()
    )
    rows: dict[type[Any], dict[Any, dict[str, Any]]] = {
        m: {
            r["pk"]: r
            for r in m.objects.values("pk", *[f.attname for f in m._meta.concrete_fields])
        }
        for m in models
    }
    cache: dict[tuple[type[Any], Any], Any] = {}

    def key(model: type[Any], pk: Any) -> Any:
        if pk is None:
            return None
        if (model, pk) not in cache:
            row = rows[model][pk]
            values = []
            for f in model._meta.concrete_fields:
                if f.primary_key and not f.is_relation:
                    continue
                value = row[f.attname]
                if f.is_relation and f.related_model in generated:
                    value = key(f.related_model, value)
                elif model is ProcessingEntry and f.name == "data" and value.get("with"):
                    # the assignment finished or returned with this one, by id
                    value = {**value, "with": key(Assignment, value["with"])}
                elif isinstance(value, datetime) and value >= end:
                    value = "the run"
                values.append((f.name, value))
            cache[(model, pk)] = tuple(values)
        return cache[(model, pk)]

    return {m.__name__: sorted(map(repr, (key(m, pk) for pk in rows[m]))) for m in models}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_rows_whatever_the_number_of_processes(tmp_path: Path) -> None:
    snapshots = []
    for processes in (2, 1):
        generate(tmp_path, 400, batch=100, processes=processes)
        snapshots.append(_canonical_rows())
        assert_numbers_gap_free()
        with connection.cursor() as cursor:  # the generated rows go, the officials stay
            cursor.execute(
                "TRUNCATE "
                + ", ".join(m._meta.db_table for m in (Register, CaseFile, DailyCounter))
                + ", documents_document, onestop_dossier CASCADE"
            )
    two, one = snapshots
    assert set(two) == set(one)
    for table in one:
        assert len(two[table]) == len(one[table]), table
        assert two[table] == one[table], table
    assert len(one["Document"]) == 400
    assert len(one["Dossier"]) == 40
    assert len(one["Assignment"]) > 200


def test_the_processes_share_the_work_dossiers_included(tmp_path: Path) -> None:
    """The agencies are dealt to the processes by their documents and their dossiers (written
    by the process of the procedure's agency): the parts' work differs by less than one
    agency's. Dealt by documents alone, the part of the department owning the catalogue had
    all the dossiers on top of its share."""
    generate(tmp_path, 50)  # the officials and the catalogue
    staff = ensure_staff(agencies=20, seed=7, password_hash=hash_password(PASSWORD))
    start, end = span(years=4, until=UNTIL)
    filler = DocumentFiller(staff=staff, seed=7, start=start, end=end)
    assert filler.dossiers is not None
    total = sum(s.weight for s in staff)
    work = {s.agency.pk: float(s.weight) for s in staff}
    procedures = filler.dossiers.procedures
    for procedure in procedures:
        work[procedure.agency_id] += total / 10 / len(procedures) * DOSSIER_COST
    parts = []
    for part in range(2):
        filler.share(part, 2)
        assert filler.owned is not None
        parts.append(filler.owned)
    assert parts[0] | parts[1] == set(work) and not parts[0] & parts[1]
    loads = [sum(work[agency] for agency in part) for part in parts]
    # Dealt by documents alone (heaviest first, to the lighter part), as before 12/2026:
    by_documents: list[set[int]] = [set(), set()]
    weights = [0, 0]
    for s in sorted(staff, key=lambda s: (-s.weight, s.agency.pk)):
        lighter = weights.index(min(weights))
        by_documents[lighter].add(s.agency.pk)
        weights[lighter] += s.weight
    before = [sum(work[agency] for agency in part) for part in by_documents]
    assert abs(loads[0] - loads[1]) < abs(before[0] - before[1])
    assert abs(loads[0] - loads[1]) <= max(work.values())


def test_progress_in_a_log_has_the_count_the_rate_and_the_time_left(
    tmp_path: Path, capsys: Any
) -> None:
    call_command(
        "generate_province",
        documents=120,
        agencies=4,
        seed=7,
        password=PASSWORD,
        until=UNTIL,
        batch=40,
        processes=1,
        stdout=(tmp_path / "out.txt").open("w"),
    )
    lines = capsys.readouterr().err.splitlines()
    progress = [line for line in lines if line.startswith("documents: ")]
    # The first batch, then (a run shorter than LOG_EVERY) the last.
    assert progress[0].startswith("documents: 40/120 (33.3 %), ")
    assert progress[-1].startswith("documents: 120/120 (100.0 %), ")
    assert re.search(r", [\d,]+/s, \d+:\d\d:\d\d elapsed, \d+:\d\d:\d\d left$", progress[0])
    assert progress[-1].endswith(" 0:00:00 left")


def test_a_full_work_file_makes_the_unit_open_another(tmp_path: Path) -> None:
    generate(tmp_path, 200)
    full = set(CaseFile.objects.values_list("pk", flat=True))
    assert full
    CaseFile.objects.update(last_ordinal=MAX_DOC_ORDINAL)  # every file drawn so far is full

    generate(tmp_path, 500)
    new_documents = Document.objects.order_by("pk")[200:]
    items = CaseFileItem.objects.filter(document__in=new_documents)
    assert not items.filter(case_file__in=full).exists()
    numbers = {int(n.split(".")[0]) for n in items.values_list("case_file__notation", flat=True)}
    assert max(numbers) > FILES_PER_UNIT  # 04.…, 05.…: opened when 01…03 were full
    # The share filed stays about 30 % of the non-confidential documents.
    assert 60 < items.count() < 120
