"""Generated documents of a province, written in bulk the way the services and background jobs
would have left them.

Each document has a number `i` (0, 1, 2… over the whole database) and its own random stream
seeded by (seed, i), so document i is the same whatever the batch size or how many runs it took
to get there. A batch of documents is written in one transaction:

- `Document` (incoming registered, outgoing issued), each with a used `NumberAllocation` in its
  register (one per agency, year and kind; the shared or confidential outgoing register), the
  register's `last_number` moved on: numbers stay gap-free and unique per register. Within a
  batch numbers follow the arrival/issue time; a later run (appending) continues each register
  after the numbers already given, so across runs a number may be later than a number given
  to an earlier-dated document.
- attachments (`Attachment` + `AttachmentVersion` with its extracted text, state done); the
  versions share a few content-addressed blobs (`Blob`, files really stored).
- the search entry (`SearchEntry`, and on SQLite the FTS5 row) with exactly the text
  `documents.tasks.index_document` builds.
- for incoming documents: the leader's assignments (lead unit, sometimes a supporting unit, or
  “for information”), the unit leader's hand-over to a specialist, and the history
  (`ProcessingEntry`: presented, assigned, reassigned, progress, completed, returned) in every
  state: waiting for the leader, open, in progress, overdue, completed, returned.

No audit events are written for bulk rows (the chain stays valid; agencies and officials, made
through the services, have theirs)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from lienthong.accounts.models import Unit, User
from lienthong.documents import numbering
from lienthong.documents import services as document_services
from lienthong.documents.constants import (
    VIETNAM_TZ,
    Confidentiality,
    Direction,
    DocumentStatus,
    NumberStatus,
    ProcessingStatus,
)
from lienthong.documents.models import (
    Attachment,
    AttachmentVersion,
    Blob,
    Document,
    DocumentType,
    NumberAllocation,
    Register,
    SearchEntry,
)
from lienthong.documents.search import fold, plain
from lienthong.documents.uploads import storage_name
from lienthong.records.constants import MAX_DOC_ORDINAL, CaseFileStatus
from lienthong.records.models import CaseFile, CaseFileItem, RetentionPeriod
from lienthong.workflows.constants import AssignmentRole, AssignmentState, EntryKind
from lienthong.workflows.models import Assignment, ProcessingEntry

from .bulk import BulkWriter, build
from .dossiers import DossierFiller, Life
from .people import Staff, person
from .vocabulary import (
    ATTACHMENT_TITLES,
    BODY_SENTENCES,
    CASE_FILE_TITLES,
    DESCRIPTIONS,
    DISTRICTS,
    INSTRUCTIONS,
    ISSUERS,
    POSITIONS,
    PROGRESS_NOTES,
    RARE_EVERY,
    RARE_SUBJECTS,
    RECEIVING_UNITS,
    RETURN_REASONS,
    SUBJECTS,
    TOPICS,
    TYPE_WEIGHTS,
)

TZ = ZoneInfo(VIETNAM_TZ)
INCOMING_SHARE = 0.6
ATTACHMENT_SHARE = 0.35
CONFIDENTIAL_SHARE = 0.01
# The few files attachments point to (content-addressed, stored once).
BLOB_COUNT = 4
# Work files: a share of the documents is filed, in one of a few files per unit and year.
FILED_SHARE = 0.3
FILES_PER_UNIT = 3
# One one-stop dossier for this many documents (its day is the document's).
DOCUMENTS_PER_DOSSIER = 10
# What writing a dossier (its steps, hand-overs and papers) costs, in documents: the share of a
# worker's profile spent on dossiers (about a fifth, for one dossier per ten documents) over the
# documents' share. `share` counts it when it deals the agencies out to the processes.
DOSSIER_COST = 2.5
DEADLINE_DAYS = (5, 7, 10, 10, 15, 30)
STALE_DAYS = 60  # late work older than this is finished (completed or returned)


def index_text(document: Document, type_name: str, texts: Sequence[str] = ()) -> str:
    """The text `documents.tasks.index_document` indexes (mirrors tasks._document_text; the
    tests compare it with the job's output)."""
    parts = [
        document.subject,
        document.number_and_symbol,
        document.code_number,
        document.code_notation,
        document.issuer_name,
        document.signer_name,
        type_name,
        document.to_places,
        document.external_recipients,
        document.description,
        *texts,
    ]
    return "\n".join(p for p in parts if p)


class _FoldTable(dict[int, str]):
    """`search.fold` one character at a time, each character folded once (str.translate with
    this table gives fold's result on the generator's NFC text, some ten times faster; the
    tests compare the entries with what the indexing job writes)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fast_fold(text: str) -> str:
    return text.translate(_FOLD_TABLE)


def _fill(rng: random.Random, template: str, year: int, unit: str = "") -> str:
    district = rng.choice(list(DISTRICTS))
    honorific, name = person(rng)
    return template.format(
        topic=rng.choice(TOPICS),
        year=year,
        district=district,
        commune=rng.choice(DISTRICTS[district]),
        honorific=honorific,
        person=name,
        position=rng.choice(POSITIONS),
        quarter=rng.choice(("I", "II", "III", "IV")),
        month=rng.randint(1, 12),
        storm=rng.randint(1, 9),
        unit=unit,
    )


def subject(rng: random.Random, type_name: str, year: int) -> str:
    if rng.randrange(RARE_EVERY) == 0:
        return rng.choice(RARE_SUBJECTS)
    return _fill(rng, rng.choice(SUBJECTS[type_name]), year)


@dataclass
class Planned:
    """One generated document before it is written: the row and what hangs on it."""

    index: int
    staff: Staff
    document: Document
    at: datetime
    register_key: tuple[Any, ...]
    rng: random.Random  # the workflow draws from the document's own stream
    attachment_texts: list[str] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)


class DocumentFiller:
    """Writes documents number `start`, `start + 1`… of a province, batch by batch."""

    def __init__(
        self,
        *,
        staff: list[Staff],
        seed: int,
        start: datetime,
        end: datetime,
        citizens: Sequence[User] = (),
    ) -> None:
        self.staff = staff
        self.seed = seed
        self.start = start
        self.end = end
        self.days = max((end.date() - start.date()).days, 1)
        self.weights = [s.weight for s in staff]
        self.types = DocumentType.objects.in_bulk(list(TYPE_WEIGHTS), field_name="name")
        missing = set(TYPE_WEIGHTS) - set(self.types)
        if missing:
            raise ValueError(f"document types missing from the database: {sorted(missing)}")
        self.type_names = list(TYPE_WEIGHTS)
        self.type_weights = list(TYPE_WEIGHTS.values())
        self.issuer_weights = [issuer.weight for issuer in ISSUERS]
        self.platform = {s.agency.name: s.agency for s in staff}
        self.registers: dict[tuple[Any, ...], Register] = {}
        self.by_pk: dict[int, Register] = {}
        self.owned: frozenset[int] | None = None  # agencies written by this part (None: all)
        self.last: dict[int, int] = {}
        self.blobs = self._ensure_blobs()
        self.sqlite = connection.vendor == "sqlite"
        self.writer = BulkWriter()
        self.case_files: dict[tuple[Any, ...], CaseFile] = {}
        self.retention = RetentionPeriod.objects.filter(is_active=True).order_by("ordinal").first()
        dossiers = DossierFiller(
            staff=staff, citizens=list(citizens), end=end, writer=self.writer, blobs=self.blobs
        )
        self.dossiers = dossiers if dossiers.available else None

    # --- set-up ---------------------------------------------------------------------------------

    def _ensure_blobs(self) -> list[Blob]:
        """A few small PDF files stored under their SHA-256, as uploads are."""
        blobs = []
        for number in range(1, BLOB_COUNT + 1):
            content = _tiny_pdf(f"Van ban mau so {number} - du lieu sinh tu dong")
            sha = hashlib.sha256(content).hexdigest()
            name = storage_name(sha)
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(content))
            blob, _ = Blob.objects.get_or_create(
                sha256=sha,
                defaults={
                    "size": len(content),
                    "content_type": "application/pdf",
                    "storage_name": name,
                },
            )
            blobs.append(blob)
        return blobs

    def register(self, key: tuple[Any, ...]) -> Register:
        register = self.registers.get(key)
        if register is None:
            agency, year, kind = key
            register = document_services.ensure_register(agency=agency, year=year, kind=kind)
            self.registers[key] = register
            self.by_pk[register.pk] = register
            self.last[register.pk] = Register.objects.get(pk=register.pk).last_number
        return register

    # --- planning one document ------------------------------------------------------------------

    def moment(self, rng: random.Random) -> datetime:
        """A working-day moment between start and end (Vietnam time)."""
        day = self.start.date() + timedelta(days=rng.randrange(self.days))
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)  # Saturday, Sunday → Friday
        minutes = rng.randrange(7 * 60 + 30, 16 * 60 + 30)
        moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TZ)
        return min(max(moment, self.start), self.end - timedelta(minutes=1))

    def share(self, part: int, parts: int) -> None:
        """Write only the rows of some agencies: part `part` (0…) of `parts` (worker processes).
        The agencies are dealt out by their work: their share of the documents, and of the
        dossiers (written by the process of the procedure's agency, each costing DOSSIER_COST
        documents; until 12/2026 the deal ignored them, and the department owning the catalogue
        left its process working alone for the last minutes of a run). Everything numbered in
        sequence (registers, work files, dossier codes of the day) belongs to one agency, so
        each part writes exactly the rows one process writing everything would have written."""
        work = {s.agency.pk: float(s.weight) for s in self.staff}
        if self.dossiers is not None:
            procedures = self.dossiers.procedures
            per_procedure = sum(work.values()) / DOCUMENTS_PER_DOSSIER / len(procedures)
            for procedure in procedures:
                work[procedure.agency_id] += per_procedure * DOSSIER_COST
        bins: list[list[int]] = [[] for _ in range(parts)]
        loads = [0.0] * parts
        for agency, load in sorted(work.items(), key=lambda item: (-item[1], item[0])):
            lightest = loads.index(min(loads))
            bins[lightest].append(agency)
            loads[lightest] += load
        self.owned = frozenset(bins[part])

    def _start(self, index: int) -> tuple[random.Random, Staff, str, datetime]:
        """The first draws of document `index`: its agency, type and moment."""
        rng = random.Random(f"{self.seed}:document:{index}")  # noqa: S311  (data, not secrets)
        staff = rng.choices(self.staff, self.weights)[0]
        type_name = rng.choices(self.type_names, self.type_weights)[0]
        return rng, staff, type_name, self.moment(rng)

    def plan(self, index: int) -> Planned | None:
        """Document `index`, or None when another part writes it (see `share`)."""
        rng = random.Random(f"{self.seed}:document:{index}")  # noqa: S311  (data, not secrets)
        staff = rng.choices(self.staff, self.weights)[0]
        agency = staff.agency
        if self.owned is not None and agency.pk not in self.owned:
            return None
        type_name = rng.choices(self.type_names, self.type_weights)[0]
        document_type = self.types[type_name]
        at = self.moment(rng)
        year = at.year
        confidentiality = (
            Confidentiality.CONFIDENTIAL
            if rng.random() < CONFIDENTIAL_SHARE
            else Confidentiality.NONE
        )
        urgency = rng.choices((0, 1, 2, 3), (85, 10, 4, 1))[0]
        page_count = rng.randint(1, 12)
        description = rng.choice(DESCRIPTIONS) if rng.random() < 0.1 else ""
        if rng.random() < INCOMING_SHARE:
            issuer = rng.choices(ISSUERS, self.issuer_weights)[0]
            while issuer.name == agency.name:
                issuer = rng.choices(ISSUERS, self.issuer_weights)[0]
            abbreviation = document_type.abbreviation
            if abbreviation:
                notation = f"{abbreviation}-{issuer.abbreviation}"
            else:
                notation = f"{issuer.abbreviation}-{rng.choice(issuer.units)}"
            issued = at.date() - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 7)))
            _, signer = person(rng)
            issuer_agency = self.platform.get(issuer.name)
            document = build(
                Document,
                agency=agency,
                direction=Direction.INCOMING,
                status=DocumentStatus.REGISTERED,
                document_type=document_type,
                issuer_name=issuer.name,
                issuer_code=issuer_agency.code if issuer_agency else "",
                issuer_agency=issuer_agency,
                code_number=numbering.format_number(rng.randint(1, 2500)),
                code_notation=notation,
                issued_date=issued,
                subject=subject(rng, type_name, issued.year),
                signer_name=signer,
                signer_position=rng.choice(issuer.signers),
                urgency=urgency,
                confidentiality=confidentiality,
                page_count=page_count,
                due_date=issued + timedelta(days=rng.randint(5, 30))
                if rng.random() < 0.2
                else None,
                to_places="; ".join(rng.sample(RECEIVING_UNITS, rng.randint(1, 3))),
                description=description,
                arrival_date=at,
                created_by=staff.clerk,
                created_at=at,
                updated_at=at,
            )
            key: tuple[Any, ...] = (agency, year, "incoming")
        else:
            unit = rng.choice(staff.working_units)
            document = build(
                Document,
                agency=agency,
                direction=Direction.OUTGOING,
                status=DocumentStatus.ISSUED,
                document_type=document_type,
                issuer_name=agency.name,
                issuer_code=agency.code,
                issuer_agency=agency,
                issued_date=at.date(),
                subject=subject(rng, type_name, year),
                signer_name=staff.leader.full_name,
                signer_position=staff.leader.position.name if staff.leader.position else "",
                urgency=urgency,
                confidentiality=confidentiality,
                page_count=page_count,
                copies=rng.randint(2, 30),
                drafting_unit=unit,
                external_recipients="; ".join(
                    [
                        "Như trên",
                        *rng.sample([i.name for i in ISSUERS], rng.randint(1, 3)),
                        "Lưu: VT",
                    ]
                ),
                description=description,
                created_by=staff.clerk,
                created_at=at - timedelta(hours=rng.randint(1, 48)),
                updated_at=at,
            )
            kind = "outgoing_confidential" if confidentiality else "outgoing"
            key = (agency, year, kind)
        planned = Planned(
            index=index, staff=staff, document=document, at=at, register_key=key, rng=rng
        )
        if rng.random() < ATTACHMENT_SHARE:
            count = 2 if rng.random() < 0.15 else 1
            for _ in range(count):
                sentences = rng.sample(BODY_SENTENCES, rng.randint(3, 6))
                planned.attachment_texts.append(
                    " ".join(_fill(rng, s, year, unit="Văn phòng") for s in sentences)
                )
        return planned

    # --- writing a batch ---------------------------------------------------------------------

    def write(self, indices: range) -> int:
        planned = [p for p in map(self.plan, indices) if p is not None]
        planned.sort(key=lambda p: (p.at, p.index))  # numbers follow arrival/issue time
        touched: set[int] = set()
        for p in planned:
            register = self.register(p.register_key)
            self.last[register.pk] += 1
            number = self.last[register.pk]
            touched.add(register.pk)
            d = p.document
            d.register = register
            if d.direction == Direction.INCOMING:
                d.arrival_number = number
            else:
                d.register_number = number
                d.code_number = numbering.format_number(number)
                d.code_notation = numbering.build_notation(
                    type_abbreviation=d.document_type.abbreviation,
                    agency_abbreviation=d.agency.abbreviation,
                    unit_abbreviation=d.drafting_unit.abbreviation if d.drafting_unit else "",
                )
        writer = self.writer
        documents = [p.document for p in planned]
        with transaction.atomic():
            writer.assign_ids(documents)
            writer.insert(documents)
            writer.insert(
                [
                    build(
                        NumberAllocation,
                        register=d.register,
                        number=d.arrival_number or d.register_number or 0,
                        status=NumberStatus.USED,
                        document=d,
                        allocated_by=d.created_by,
                        allocated_at=p.at,
                    )
                    for p, d in zip(planned, documents, strict=True)
                ],
                with_pk=False,
            )
            self._attachments(planned)
            entries = []
            indexed_at = timezone.now()
            for p in planned:
                text = index_text(p.document, p.document.document_type.name, p.attachment_texts)
                entries.append(
                    build(
                        SearchEntry,
                        document=p.document,
                        folded=fast_fold(text),
                        plain=plain(text),
                        indexed_at=indexed_at,
                    )
                )
            writer.insert(entries)
            if self.sqlite:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO documents_search_fts(rowid, folded) VALUES (%s, %s)",
                        [(e.document_id, e.folded) for e in entries],
                    )
            self._workflow([p for p in planned if p.document.direction == Direction.INCOMING])
            self._file(planned)
            if self.dossiers is not None:
                self.dossiers.write(self._dossiers(indices))
                self.dossiers.save_counters()
            now = timezone.now()
            registers = [self.by_pk[pk] for pk in sorted(touched)]
            for register in registers:
                register.last_number = self.last[register.pk]
                register.updated_at = now
            writer.update(registers, ["last_number", "updated_at"])
        return len(planned)

    def _dossiers(self, indices: range) -> list[Life]:
        """A dossier on the day of every tenth document, at the agency of its procedure (not
        the document's: the part that owns that agency plays it), in the documents' order."""
        assert self.dossiers is not None
        first = indices.start + (-indices.start) % DOCUMENTS_PER_DOSSIER
        days = []
        for index in range(first, indices.stop, DOCUMENTS_PER_DOSSIER):
            rng = random.Random(f"{self.seed}:dossier:{index}")  # noqa: S311
            if self.owned is None or self.dossiers.agency_of(rng) in self.owned:
                days.append((self._start(index)[3], index))
        days.sort()
        return [
            self.dossiers.play(random.Random(f"{self.seed}:dossier:{index}"), at)  # noqa: S311
            for at, index in days
        ]

    def _attachments(self, planned: list[Planned]) -> None:
        attachments = []
        versions = []
        for p in planned:
            d = p.document
            name = f"{d.code_number}-{d.code_notation}".replace("/", "-")
            for number, text in enumerate(p.attachment_texts):
                attachment = build(
                    Attachment,
                    document=d,
                    title=ATTACHMENT_TITLES[0] if number == 0 else ATTACHMENT_TITLES[1],
                    created_at=p.at,
                    updated_at=p.at,
                )
                attachments.append(attachment)
                versions.append(
                    build(
                        AttachmentVersion,
                        attachment=attachment,
                        version=1,
                        blob=self.blobs[(p.index + number) % len(self.blobs)],
                        original_name=f"{name}{'-phu-luc' if number else ''}.pdf",
                        uploaded_by=p.staff.clerk,
                        uploaded_at=p.at,
                        text=text,
                        text_status=ProcessingStatus.DONE,
                    )
                )
        self.writer.assign_ids(attachments)
        self.writer.insert(attachments)
        for version in versions:  # the attachment got its pk after the version was built
            version.attachment_id = version.attachment.pk
        self.writer.insert(versions, with_pk=False)

    # --- work files (hồ sơ công việc) ------------------------------------------------------------

    def _case_file(self, staff: Staff, year: int, unit: Unit, number: int) -> CaseFile:
        notation = f"{number:02d}.{unit.abbreviation}"
        key = (staff.agency.pk, year, notation)
        case_file = self.case_files.get(key)
        if case_file is not None:
            return case_file
        case_file = CaseFile.objects.filter(
            agency=staff.agency, year=year, notation=notation
        ).first()
        if case_file is None:
            creator = (staff.specialists.get(unit.pk) or [staff.clerk])[0]
            rng = random.Random(f"{self.seed}:file:{key}")  # noqa: S311  (data, not secrets)
            opened = datetime(year, 1, 2, 8, 0, tzinfo=TZ)
            case_file = build(
                CaseFile,
                agency=staff.agency,
                year=year,
                notation=notation,
                title=_fill(rng, rng.choice(CASE_FILE_TITLES), year)[:500],
                unit=unit,
                creator=creator,
                opened_by=creator,
                retention=self.retention,
                created_at=opened,
                updated_at=opened,
            )
            if year < self.end.year:  # last years' files are closed at the end of the year
                case_file.status = CaseFileStatus.CLOSED
                case_file.closed_at = datetime(year, 12, 31, 16, 0, tzinfo=TZ)
                case_file.closed_by = creator
            self.writer.assign_ids([case_file])
            self.writer.insert([case_file])
        self.case_files[key] = case_file
        return case_file

    def _file(self, planned: list[Planned]) -> None:
        """About a third of the documents go into one of their unit's work files of the year."""
        if self.retention is None:  # no retention table: files cannot be opened
            return
        items = []
        changed: dict[int, CaseFile] = {}
        for p in planned:
            rng = random.Random(f"{self.seed}:filing:{p.index}")  # noqa: S311
            d = p.document
            if d.confidentiality or rng.random() >= FILED_SHARE:
                continue
            unit = d.drafting_unit or rng.choice(p.staff.working_units)
            number = rng.randint(1, FILES_PER_UNIT)
            case_file = self._case_file(p.staff, p.at.year, unit, number)
            while case_file.last_ordinal >= MAX_DOC_ORDINAL:
                # A full file (999 documents): the unit opened another, so the share of filed
                # documents stays the same however many documents a year has.
                number += FILES_PER_UNIT
                case_file = self._case_file(p.staff, p.at.year, unit, number)
            case_file.last_ordinal += 1
            added_at = min(p.at + timedelta(days=1), self.end - timedelta(minutes=1))
            if case_file.closed_at is not None:
                added_at = min(added_at, case_file.closed_at - timedelta(hours=1))
            items.append(
                build(
                    CaseFileItem,
                    case_file=case_file,
                    document=d,
                    ordinal=case_file.last_ordinal,
                    added_by=case_file.creator,
                    added_at=max(added_at, p.at),
                )
            )
            day = d.issued_date or p.at.date()
            case_file.start_date = min(case_file.start_date or day, day)
            case_file.end_date = max(case_file.end_date or day, day)
            case_file.doc_total += 1
            case_file.page_total += d.page_count or 0
            changed[case_file.pk] = case_file
        for item in items:
            item.case_file_id = item.case_file.pk
        self.writer.insert(items, with_pk=False)
        self.writer.update(
            list(changed.values()),
            ["last_ordinal", "start_date", "end_date", "doc_total", "page_total"],
        )

    # --- processing of incoming documents ---------------------------------------------------

    def _workflow(self, planned: list[Planned]) -> None:
        """Assignments and history in every state, as the workflows services leave them."""
        tops: list[Assignment] = []
        children: list[Assignment] = []
        entries: list[ProcessingEntry] = []
        for p in planned:
            staff = p.staff
            entries.append(
                build(
                    ProcessingEntry,
                    document=p.document,
                    kind=EntryKind.PRESENTED,
                    actor=staff.clerk,
                    at=p.at + timedelta(minutes=5),
                    recipient=staff.leader,
                )
            )
            if (self.end - p.at).days < 3 and p.rng.random() < 0.5:
                continue  # waiting for the leader
            tree = self._assign(p)
            state = _final_state(p.rng, tree.deadline, self.end.date())
            self._hand_down(p, tree)
            self._play(p, tree, state)
            tops.extend((tree.lead, *tree.others))
            entries.extend(
                _assigned_entry(a, EntryKind.ASSIGNED) for a in (tree.lead, *tree.others)
            )
            if tree.child is not None:
                children.append(tree.child)
                entries.append(_assigned_entry(tree.child, EntryKind.REASSIGNED))
        self._write_workflow(planned, tops, children, entries)

    def _assign(self, p: Planned) -> _Tree:
        """The leader assigns the document: a lead unit, maybe a supporting one, maybe the clerk
        for information."""
        rng, staff = p.rng, p.staff
        lead_unit = rng.choice(staff.working_units)
        assigned_at = p.at + timedelta(hours=rng.randint(1, 20))
        if assigned_at >= self.end:
            assigned_at = p.at + (self.end - p.at) / 2
        deadline = assigned_at.date() + timedelta(days=rng.choice(DEADLINE_DAYS))
        instruction = _fill(rng, rng.choice(INSTRUCTIONS), p.at.year, unit=lead_unit.name)

        common = {"document": p.document, "assigned_by": staff.leader, "assigned_at": assigned_at}
        task = {"instruction": instruction, "deadline": deadline}
        lead = build(
            Assignment, role=AssignmentRole.LEAD, assignee_unit=lead_unit, **common, **task
        )
        others = []
        other_units = [u for u in staff.working_units if u != lead_unit]
        if other_units and rng.random() < 0.25:
            unit = rng.choice(other_units)
            others.append(
                build(Assignment, role=AssignmentRole.SUPPORT, assignee_unit=unit, **common, **task)
            )
        if rng.random() < 0.1:
            others.append(
                build(
                    Assignment, role=AssignmentRole.INFORMATION, assignee_user=staff.clerk, **common
                )
            )
        unit_leader = staff.unit_leaders[lead_unit.pk]
        return _Tree(
            lead=lead,
            others=others,
            lead_unit=lead_unit,
            other_units=other_units,
            assigned_at=assigned_at,
            deadline=deadline,
            unit_leader=unit_leader,
            handler=unit_leader,
        )

    def _hand_down(self, p: Planned, tree: _Tree) -> None:
        """Most often the unit leader hands the work down to one of the unit's specialists."""
        rng = p.rng
        if rng.random() < 0.75:
            tree.handler = rng.choice(p.staff.specialists[tree.lead_unit.pk])
            handed_at = tree.assigned_at + timedelta(minutes=rng.randint(10, 600))
            tree.child = build(
                Assignment,
                document=p.document,
                parent=tree.lead,
                role=AssignmentRole.LEAD,
                assignee_user=tree.handler,
                instruction="",
                deadline=tree.deadline,
                assigned_by=tree.unit_leader,
                assigned_at=min(handed_at, self.end - timedelta(seconds=1)),
            )

    def _play(self, p: Planned, tree: _Tree, state: str) -> None:
        """Brings the assignments to `state`; states first (rows are written once, in their
        final state), history after."""
        rng = p.rng
        work = tree.work
        room = max((self.end - work.assigned_at).total_seconds() * 0.9, 1.0)
        planned_s = rng.uniform(0.5, 1.2) * (tree.deadline - tree.assigned_at.date()).days * 86400
        finished_at = work.assigned_at + timedelta(seconds=min(room, planned_s))
        note = _fill(rng, rng.choice(PROGRESS_NOTES), p.at.year)
        reason_unit = rng.choice(tree.other_units or [tree.lead_unit]).name
        reason = _fill(rng, rng.choice(RETURN_REASONS), p.at.year, unit=reason_unit)
        progress = rng.random() < 0.5
        history = p.history
        if state == "in_progress" or (state == "completed" and progress):
            started = work.assigned_at + (finished_at - work.assigned_at) / 2
            work.state = AssignmentState.IN_PROGRESS
            work.started_at = started
            history.append((EntryKind.PROGRESS, work, tree.handler, started, note, {}, None))
        if state == "completed":
            _complete(history, tree, finished_at)
        if state in ("completed", "returned"):
            _complete_support(history, tree, p.staff, finished_at)
        self._read_information(p, tree)
        if state == "returned":
            _send_back(history, tree, p.staff, finished_at, reason)

    def _read_information(self, p: Planned, tree: _Tree) -> None:
        """ "For information": read and closed by the clerk within days; only this season's are
        sometimes still open."""
        for a in tree.others:
            stale = (self.end - a.assigned_at).days > STALE_DAYS
            if a.role == AssignmentRole.INFORMATION and (stale or p.rng.random() < 0.5):
                a.state = AssignmentState.COMPLETED
                read = a.assigned_at + timedelta(hours=p.rng.randint(1, 72))
                a.finished_at = min(read, self.end - timedelta(seconds=1))
                p.history.append(
                    (EntryKind.COMPLETED, a, p.staff.clerk, a.finished_at, "", None, None)
                )

    def _write_workflow(
        self,
        planned: list[Planned],
        tops: list[Assignment],
        children: list[Assignment],
        entries: list[ProcessingEntry],
    ) -> None:
        """Writes the assignments (parents first), then every entry of the history."""
        writer = self.writer
        writer.assign_ids(tops)
        writer.insert(tops)
        for child in children:
            child.parent_id = child.parent.pk  # type: ignore[union-attr]
        writer.assign_ids(children)
        writer.insert(children)
        for e in entries:
            e.assignment_id = e.assignment.pk if e.assignment else None
        for p in planned:
            for kind, a, actor, at, text, extra, recipient in p.history:
                entries.append(
                    build(
                        ProcessingEntry,
                        document=p.document,
                        assignment_id=a.pk,
                        kind=kind,
                        actor=actor,
                        at=at,
                        text=text,
                        recipient=recipient,
                        data=_entry_data(kind, extra),
                    )
                )
        writer.insert(entries, with_pk=False)


@dataclass
class _Tree:
    """The assignments of one incoming document while they are played."""

    lead: Assignment
    others: list[Assignment]
    lead_unit: Unit
    other_units: list[Unit]
    assigned_at: datetime
    deadline: date
    unit_leader: User
    handler: User  # who does the work: the unit leader, or the specialist it was handed to
    child: Assignment | None = None  # the lead unit's work handed down to a specialist

    @property
    def work(self) -> Assignment:
        return self.child or self.lead


def _final_state(rng: random.Random, deadline: date, today: date) -> str:
    """Where the assignment ends: completed, returned, open or in progress."""
    r = rng.random()
    if deadline < today - timedelta(days=STALE_DAYS):
        # Work of past months was finished or sent back: offices chase late work, and
        # an inbox that kept every year's leftovers would grow with the archive.
        return "completed" if r < 0.96 else "returned"
    if deadline < today:
        # Late work: left open, or started and not finished.
        return (
            "completed"
            if r < 0.84
            else "returned"
            if r < 0.88
            else "open"
            if r < 0.94
            else "in_progress"
        )
    return "completed" if r < 0.35 else "in_progress" if r < 0.7 else "open"


def _complete(history: list[tuple[Any, ...]], tree: _Tree, finished_at: datetime) -> None:
    """The work is done: the handed-down assignment, then the lead unit's with it."""
    finished = [tree.work] + ([tree.lead] if tree.child is not None else [])
    for number, a in enumerate(finished):
        a.state = AssignmentState.COMPLETED
        a.finished_at = finished_at
        together = tree.child if number else None
        history.append((EntryKind.COMPLETED, a, tree.handler, finished_at, "", together, None))


def _complete_support(
    history: list[tuple[Any, ...]], tree: _Tree, staff: Staff, finished_at: datetime
) -> None:
    """The supporting unit finished before the lead unit."""
    for a in tree.others:
        if a.role == AssignmentRole.SUPPORT:
            a.state = AssignmentState.COMPLETED
            a.finished_at = finished_at - (finished_at - a.assigned_at) / 3
            supporter = staff.unit_leaders[a.assignee_unit.pk]  # type: ignore[union-attr]
            history.append((EntryKind.COMPLETED, a, supporter, a.finished_at, "", None, None))


def _send_back(
    history: list[tuple[Any, ...]],
    tree: _Tree,
    staff: Staff,
    finished_at: datetime,
    reason: str,
) -> None:
    """The unit leader returns the document to the leader who assigned it."""
    lead, child = tree.lead, tree.child
    for a in [lead] + ([child] if child is not None else []):
        a.state = AssignmentState.RETURNED
        a.finished_at = finished_at
    history.append(
        (EntryKind.RETURNED, lead, tree.unit_leader, finished_at, reason, "to", staff.leader)
    )
    if child is not None:
        history.append((EntryKind.RETURNED, child, tree.unit_leader, finished_at, "", lead, None))


def _entry_data(kind: EntryKind, extra: Any) -> dict[str, Any]:
    if kind == EntryKind.COMPLETED:
        return {"reply_document": None, "with": extra.pk if extra else None}
    if kind == EntryKind.RETURNED:
        return {"to": "assigner"} if extra == "to" else {"with": extra.pk}
    return {}


def _assigned_entry(a: Assignment, kind: EntryKind) -> ProcessingEntry:
    assignee = a.assignee_unit or a.assignee_user
    return build(
        ProcessingEntry,
        document=a.document,
        assignment=a,
        kind=kind,
        actor=a.assigned_by,
        at=a.assigned_at,
        text=a.instruction,
        data={
            "role": a.role,
            "assignee": str(assignee),
            "deadline": a.deadline.isoformat() if a.deadline else None,
            "working_days": None,
        },
    )


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text (ASCII), built by hand with a correct xref."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def span(*, years: int, until: date) -> tuple[datetime, datetime]:
    """From 1 January `years - 1` years before `until`'s year to the start of `until`."""
    start = datetime(until.year - years + 1, 1, 1, 7, 30, tzinfo=TZ)
    end = datetime.combine(until, time(0, 0), tzinfo=TZ)
    return start, end
