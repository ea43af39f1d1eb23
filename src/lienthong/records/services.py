"""State-changing use cases of work files (Decree 30/2020 Điều 28-31): the yearly catalogue,
opening a file, collecting and withdrawing documents, closing and reopening it.

Document numbers in a file (DocOrdinal) are handed out in order of addition under a lock on the
file, without gaps, and never change afterwards: a document withdrawn from an open file keeps
its row and number, marked with who withdrew it, when and why, and is left out of the totals
and of the exported table of contents (which notes the unused number)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Unit, User
from lienthong.core.audit import record_event
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Document
from lienthong.documents.numbering import vietnam_year

from .constants import (
    DEFAULT_LANGUAGE,
    FILE_NOTATION_PATTERN,
    MAX_DOC_ORDINAL,
    TRANSITIONS,
    CaseFileStatus,
    CatalogNumbering,
    Rights,
)
from .models import CaseFile, CaseFileItem, CatalogEntry, FileCatalog, RetentionPeriod
from .permissions import (
    require_can_manage_file,
    require_can_open_files,
    require_can_plan_catalog,
)
from .totals import summarize

_NOTATION = re.compile(FILE_NOTATION_PATTERN)
# Documents being prepared, awaiting registration, returned or recalled are not filed.
FILEABLE_STATUSES = frozenset({DocumentStatus.REGISTERED, DocumentStatus.ISSUED})
MIN_YEAR, MAX_YEAR = 1945, 2100

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_text(errors: Errors, field: str, value: str, limit: int, *, required: bool) -> None:
    if required and not value.strip():
        _add(errors, field, _("This field is required."))
    elif len(value.strip()) > limit:
        _add(errors, field, _("At most %(limit)s characters.") % {"limit": limit})


def _check_year(errors: Errors, year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        _add(
            errors,
            "year",
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
        )


def _check_retention(errors: Errors, retention: RetentionPeriod | None) -> None:
    if retention is None:
        _add(errors, "retention", _("Choose how long the file is kept."))
    elif not retention.is_active:
        _add(errors, "retention", _("That retention period is no longer in use."))


def _check_member(errors: Errors, field: str, user: User | None, agency_id: int) -> None:
    if user is not None and (user.agency_id != agency_id or not user.is_active):
        _add(errors, field, _("Choose an active official of your agency."))


def _check_unit(errors: Errors, field: str, unit: Unit | None, agency_id: int) -> None:
    if unit is not None and (unit.agency_id != agency_id or not unit.is_active):
        _add(errors, field, _("Choose an active unit of your agency."))


def _lock_file(case_file: CaseFile) -> CaseFile:
    return CaseFile.objects.select_for_update().select_related("agency").get(pk=case_file.pk)


def _check_transition(case_file: CaseFile, target: CaseFileStatus) -> None:
    if target not in TRANSITIONS[case_file.status]:
        messages = {
            CaseFileStatus.CLOSED: _("Only an open file can be closed."),
            CaseFileStatus.OPEN: _("Only a closed file can be reopened."),
        }
        raise ValidationError(messages[target], code="invalid_transition")


# --- The catalogue (danh mục hồ sơ) -------------------------------------------------------------


@transaction.atomic
def create_catalog(
    *, actor: User, year: int, numbering: CatalogNumbering | str = CatalogNumbering.PER_HEADING
) -> FileCatalog:
    """Start the agency's catalogue of files for a year."""
    require_can_plan_catalog(actor)
    assert actor.agency_id is not None
    errors: Errors = {}
    _check_year(errors, year)
    if numbering not in CatalogNumbering.values:
        _add(errors, "numbering", _("Choose how the files are numbered."))
    if FileCatalog.objects.filter(agency_id=actor.agency_id, year=year).exists():
        _add(errors, "year", _("The agency already has a catalogue for %(year)s.") % {"year": year})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            catalog = FileCatalog.objects.create(
                agency_id=actor.agency_id, year=year, numbering=numbering, created_by=actor
            )
    except IntegrityError:  # created by a concurrent request
        raise ValidationError(
            {"year": [_("The agency already has a catalogue for %(year)s.") % {"year": year}]}
        ) from None
    record_event(
        action="file_catalog.created",
        actor=actor,
        obj=catalog,
        data={"year": year, "numbering": str(numbering)},
    )
    return catalog


def _next_entry_ordinal(catalog: FileCatalog, unit: Unit) -> tuple[int, str]:
    """The next number of the heading (or of the catalogue), skipping numbers already taken by
    a file opened outside the catalogue."""
    entries = catalog.entries.all()
    if catalog.numbering == CatalogNumbering.PER_HEADING:
        entries = entries.filter(unit=unit)
    ordinal = (entries.aggregate(last=Max("ordinal"))["last"] or 0) + 1
    taken = set(
        CaseFile.objects.filter(agency_id=catalog.agency_id, year=catalog.year).values_list(
            "notation", flat=True
        )
    )
    while f"{ordinal:02d}.{unit.abbreviation}" in taken:
        ordinal += 1
    return ordinal, f"{ordinal:02d}.{unit.abbreviation}"


@transaction.atomic
def add_catalog_entry(
    *,
    actor: User,
    catalog: FileCatalog,
    unit: Unit,
    title: str,
    retention: RetentionPeriod | None,
    creator: User | None = None,
    heading: str = "",
    note: str = "",
) -> CatalogEntry:
    """Plan a file under a unit's heading; its number and symbol (e.g. 05.VP) are given here."""
    require_can_plan_catalog(actor)
    catalog = FileCatalog.objects.select_for_update().get(pk=catalog.pk)
    if catalog.agency_id != actor.agency_id:
        raise ValidationError(_("You can plan only your own agency's catalogue."))
    errors: Errors = {}
    _check_unit(errors, "unit", unit, catalog.agency_id)
    _check_text(errors, "title", title, 500, required=True)
    _check_text(errors, "heading", heading, 200, required=False)
    _check_text(errors, "note", note, 500, required=False)
    _check_retention(errors, retention)
    _check_member(errors, "creator", creator, catalog.agency_id)
    if errors:
        raise ValidationError(errors)
    assert retention is not None
    ordinal, notation = _next_entry_ordinal(catalog, unit)
    if len(notation) > 20:
        raise ValidationError(
            {"unit": [_("The unit's abbreviation is too long for a file's number and symbol.")]}
        )
    entry = CatalogEntry.objects.create(
        catalog=catalog,
        unit=unit,
        heading=heading.strip(),
        ordinal=ordinal,
        notation=notation,
        title=title.strip(),
        retention=retention,
        creator=creator,
        note=note.strip(),
    )
    record_event(
        action="file_catalog.entry_added",
        actor=actor,
        obj=catalog,
        data={"entry": entry.pk, "notation": notation, "title": entry.title},
    )
    return entry


# --- Opening a file ----------------------------------------------------------------------------


@transaction.atomic
def open_file(
    *,
    actor: User,
    catalog_entry: CatalogEntry | None = None,
    title: str = "",
    notation: str = "",
    year: int | None = None,
    retention: RetentionPeriod | None = None,
    unit: Unit | None = None,
    creator: User | None = None,
    rights: Rights | str = Rights.PUBLIC,
    language: str = DEFAULT_LANGUAGE,
    description: str = "",
) -> CaseFile:
    """Mở hồ sơ. From a catalogue entry, the file takes the entry's number and symbol, title,
    retention, unit and creator (a title, retention or creator given here wins). A file not in
    the catalogue needs its own title, number and symbol and retention (Điều 29)."""
    require_can_open_files(actor)
    agency_id = actor.agency_id
    assert agency_id is not None
    errors: Errors = {}
    if catalog_entry is not None:
        entry = CatalogEntry.objects.select_related("catalog", "unit").get(pk=catalog_entry.pk)
        catalog_entry = entry
        if entry.catalog.agency_id != agency_id:
            raise ValidationError({"catalog_entry": [_("That entry is not in your catalogue.")]})
        if CaseFile.objects.filter(catalog_entry=entry).exists():
            _add(errors, "catalog_entry", _("A file has already been opened for that entry."))
        year = entry.catalog.year
        notation = entry.notation
        unit = entry.unit
        title = title.strip() or entry.title
        retention = retention or entry.retention
        creator = creator or entry.creator
    else:
        year = year if year is not None else vietnam_year()
        notation = notation.strip()
        if not _NOTATION.match(notation) or len(notation) > 20:
            _add(
                errors,
                "notation",
                _(
                    "Write the number and the heading's abbreviation separated by a dot, "
                    "for example 05.VP (at most 20 characters)."
                ),
            )
    creator = creator or actor
    if creator.pk != actor.pk and not actor.has_role(Role.CLERK):
        _add(errors, "creator", _("Only the clerk opens a file for another official."))
    _check_member(errors, "creator", creator, agency_id)
    unit = unit or creator.unit
    _check_unit(errors, "unit", unit, agency_id)
    _check_year(errors, year)
    _check_text(errors, "title", title, 500, required=True)
    _check_retention(errors, retention)
    if rights not in Rights.values:
        _add(errors, "rights", _("Choose the access rights."))
    _check_text(errors, "language", language, 50, required=True)
    _check_text(errors, "description", description, 500, required=False)
    duplicate = CaseFile.objects.filter(agency_id=agency_id, year=year, notation=notation)
    if "notation" not in errors and duplicate.exists():
        _add(
            errors,
            "notation" if catalog_entry is None else "catalog_entry",
            _("The agency already has file %(notation)s in %(year)s.")
            % {"notation": notation, "year": year},
        )
    if errors:
        raise ValidationError(errors)
    assert retention is not None
    try:
        with transaction.atomic():
            case_file = CaseFile.objects.create(
                agency_id=agency_id,
                year=year,
                notation=notation,
                catalog_entry=catalog_entry,
                title=title.strip(),
                unit=unit,
                creator=creator,
                retention=retention,
                rights=rights,
                language=language.strip(),
                description=description.strip(),
                opened_by=actor,
            )
    except IntegrityError:  # the same code taken by a concurrent request
        raise ValidationError(
            {"notation": [_("That number and symbol was just taken; choose another.")]}
        ) from None
    record_event(
        action="case_file.opened",
        actor=actor,
        obj=case_file,
        data={"file_code": case_file.file_code, "creator": creator.pk},
    )
    return case_file


# --- Collecting documents ----------------------------------------------------------------------


def _refresh_summary(case_file: CaseFile, *, read_files: bool) -> None:
    items = CaseFileItem.objects.current().filter(case_file=case_file).select_related("document")
    summary = summarize(
        ((item.ordinal, item.document) for item in items.order_by("ordinal")),
        read_files=read_files,
    )
    case_file.start_date = summary.start_date
    case_file.end_date = summary.end_date
    case_file.doc_total = summary.doc_total
    case_file.page_total = summary.page_total


@transaction.atomic
def add_document(*, actor: User, case_file: CaseFile, document: Document) -> CaseFileItem:
    """Put a document the actor can see into an open file of their agency; it gets the next
    number in the file. The same document may be in other files too."""
    locked = _lock_file(case_file)
    require_can_manage_file(actor, locked)
    if not locked.is_open:
        raise ValidationError(_("The file is closed; reopen it to add documents."))
    visible = Document.objects.visible_to(actor).filter(pk=document.pk, agency_id=locked.agency_id)
    if not visible.exists():
        raise ValidationError({"document": [_("No such document among those you can see.")]})
    if document.status not in FILEABLE_STATUSES:
        raise ValidationError(
            {
                "document": [
                    _("Only registered incoming and issued outgoing documents can be filed.")
                ]
            }
        )
    present = CaseFileItem.objects.current().filter(case_file=locked, document=document).first()
    if present is not None:
        raise ValidationError(
            {
                "document": [
                    _("The document is already in this file as number %(ordinal)02d.")
                    % {"ordinal": present.ordinal}
                ]
            }
        )
    if locked.last_ordinal >= MAX_DOC_ORDINAL:
        raise ValidationError(
            _("A file holds at most %(max)s documents; open another volume.")
            % {"max": MAX_DOC_ORDINAL}
        )
    locked.last_ordinal += 1
    item = CaseFileItem.objects.create(
        case_file=locked,
        document=document,
        ordinal=locked.last_ordinal,
        added_by=actor,
        added_at=timezone.now(),
    )
    _refresh_summary(locked, read_files=False)
    locked.save(
        update_fields=[
            "last_ordinal",
            "start_date",
            "end_date",
            "doc_total",
            "page_total",
            "updated_at",
        ]
    )
    record_event(
        action="case_file.document_added",
        actor=actor,
        obj=locked,
        data={"document": document.pk, "ordinal": item.ordinal},
    )
    return item


@transaction.atomic
def remove_document(
    *, actor: User, case_file: CaseFile, item: CaseFileItem, reason: str
) -> CaseFileItem:
    """Withdraw a document from an open file (a duplicate, a draft). The other documents keep
    their numbers; this one's row stays, marked withdrawn, and its number is not reused."""
    locked = _lock_file(case_file)
    require_can_manage_file(actor, locked)
    if not locked.is_open:
        raise ValidationError(_("The file is closed; reopen it to withdraw documents."))
    found = (
        CaseFileItem.objects.select_for_update()
        .current()
        .filter(pk=item.pk, case_file=locked, document__in=Document.objects.visible_to(actor))
        .first()
    )
    if found is None:
        raise ValidationError(_("That document is not in this file."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the document is withdrawn.")]})
    if len(reason.strip()) > 300:
        raise ValidationError({"reason": [_("At most %(limit)s characters.") % {"limit": 300}]})
    found.removed_at = timezone.now()
    found.removed_by = actor
    found.removal_reason = reason.strip()
    found.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    _refresh_summary(locked, read_files=False)
    locked.save(update_fields=["start_date", "end_date", "doc_total", "page_total", "updated_at"])
    record_event(
        action="case_file.document_removed",
        actor=actor,
        obj=locked,
        data={"document": found.document_id, "ordinal": found.ordinal, "reason": reason.strip()},
    )
    return found


# --- Closing and reopening -----------------------------------------------------------------------


@transaction.atomic
def close_file(
    *,
    actor: User,
    case_file: CaseFile,
    title: str | None = None,
    retention: RetentionPeriod | None = None,
    description: str | None = None,
) -> CaseFile:
    """Kết thúc hồ sơ: the title and retention may be corrected a last time; the start and end
    dates, the number of documents and of pages (from the documents' records, else their PDF
    files) are computed and kept."""
    locked = _lock_file(case_file)
    require_can_manage_file(actor, locked)
    _check_transition(locked, CaseFileStatus.CLOSED)
    if not CaseFileItem.objects.current().filter(case_file=locked).exists():
        raise ValidationError(_("An empty file cannot be closed; add its documents first."))
    errors: Errors = {}
    if title is not None:
        _check_text(errors, "title", title, 500, required=True)
    if retention is not None:
        _check_retention(errors, retention)
    if description is not None:
        _check_text(errors, "description", description, 500, required=False)
    if errors:
        raise ValidationError(errors)
    changes: dict[str, object] = {}
    if title is not None and title.strip() != locked.title:
        changes["title"] = [locked.title, title.strip()]
        locked.title = title.strip()
    if retention is not None and retention.pk != locked.retention_id:
        changes["retention"] = [str(locked.retention), str(retention)]
        locked.retention = retention
    if description is not None and description.strip() != locked.description:
        changes["description"] = [locked.description, description.strip()]
        locked.description = description.strip()
    _refresh_summary(locked, read_files=True)
    locked.status = CaseFileStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    locked.save()
    record_event(
        action="case_file.closed",
        actor=actor,
        obj=locked,
        data={
            "doc_total": locked.doc_total,
            "page_total": locked.page_total,
            "start_date": locked.start_date,
            "end_date": locked.end_date,
            "changes": changes,
        },
    )
    return locked


@transaction.atomic
def reopen_file(*, actor: User, case_file: CaseFile, reason: str) -> CaseFile:
    """Reopen a closed file, saying why; the reason and the previous closing stay in the
    audit log."""
    locked = _lock_file(case_file)
    require_can_manage_file(actor, locked)
    _check_transition(locked, CaseFileStatus.OPEN)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the file is reopened.")]})
    if len(reason.strip()) > 500:
        raise ValidationError({"reason": [_("At most %(limit)s characters.") % {"limit": 500}]})
    previous = {"closed_at": locked.closed_at, "closed_by": locked.closed_by_id}
    locked.status = CaseFileStatus.OPEN
    locked.closed_at = None
    locked.closed_by = None
    locked.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    record_event(
        action="case_file.reopened",
        actor=actor,
        obj=locked,
        data={"reason": reason.strip(), **previous},
    )
    return locked


@transaction.atomic
def record_export(*, actor: User, case_file: CaseFile, fmt: str) -> None:
    """An export of a whole file is an access the log keeps (Phụ lục VI: access history)."""
    record_event(
        action="case_file.exported",
        actor=actor,
        obj=case_file,
        data={"format": fmt, "doc_total": case_file.doc_total},
    )
