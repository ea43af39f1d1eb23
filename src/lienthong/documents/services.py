"""State-changing use cases of official documents: registers, numbers, registration of
incoming documents, recording and issuing outgoing ones, attachments."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.audit import record_event
from lienthong.core.events import publish

from . import numbering
from .constants import (
    EARLIEST_DOCUMENT_DATE,
    Confidentiality,
    Direction,
    DocumentStatus,
    NumberStatus,
    ProcessingStatus,
    RegisterKind,
    Urgency,
    latest_document_date,
)
from .events import FileAttached, OutgoingIssued
from .models import (
    Attachment,
    AttachmentVersion,
    Document,
    DocumentType,
    KeptUpload,
    NumberAllocation,
    Register,
)
from .permissions import require_clerk
from .tasks import extract_text, index_document
from .uploads import check_upload, storage_name, store_blob

REGISTER_NAMES = {
    RegisterKind.INCOMING: "Sổ văn bản đến",
    RegisterKind.OUTGOING: "Sổ văn bản đi",
    RegisterKind.OUTGOING_CONFIDENTIAL: "Sổ văn bản mật",
}


# --- Registers and numbers -------------------------------------------------------------------


def ensure_register(
    *,
    agency: Agency,
    year: int,
    kind: RegisterKind | str,
    document_type: DocumentType | None = None,
) -> Register:
    """The agency's register of that kind for the year, created on first use (a new year's
    registers start at 0, so numbering restarts at 01 on 1 January)."""
    lookup = {"agency": agency, "year": year, "kind": kind, "document_type": document_type}
    register = Register.objects.filter(**lookup).first()
    if register is not None:
        return register
    name = REGISTER_NAMES[RegisterKind(kind)]
    if document_type is not None:
        name = f"{name} — {document_type.name}"
    try:
        with transaction.atomic():
            return Register.objects.create(name=name, **lookup)
    except IntegrityError:  # created by a concurrent request
        return Register.objects.get(**lookup)


def register_for_outgoing(*, agency: Agency, year: int, document: Document) -> Register:
    """Confidential documents use the confidential register; otherwise the type's own register
    when the agency keeps one, else the shared administrative sequence."""
    if document.confidentiality > Confidentiality.NONE:
        return ensure_register(agency=agency, year=year, kind=RegisterKind.OUTGOING_CONFIDENTIAL)
    own = Register.objects.filter(
        agency=agency, year=year, kind=RegisterKind.OUTGOING, document_type=document.document_type
    ).first()
    return own or ensure_register(agency=agency, year=year, kind=RegisterKind.OUTGOING)


@transaction.atomic
def configure_type_register(
    *, actor: User, agency: Agency, year: int, document_type: DocumentType
) -> Register:
    """Give a document type its own outgoing sequence for the year (instead of the shared one)."""
    require_clerk(actor)
    if actor.agency_id != agency.pk:
        raise ValidationError(_("You can configure only your own agency's registers."))
    register = ensure_register(
        agency=agency, year=year, kind=RegisterKind.OUTGOING, document_type=document_type
    )
    record_event(action="register.configured", actor=actor, obj=register)
    return register


def _next_number(
    register: Register, *, actor: User, status: NumberStatus, note: str = ""
) -> NumberAllocation:
    """Lock the register row and hand out the lowest free number: a released one first, so the
    sequence stays gap-free, else the next after the last."""
    locked = Register.objects.select_for_update().get(pk=register.pk)
    if locked.is_closed:
        raise ValidationError(_("The register “%(name)s” is closed.") % {"name": locked.name})
    free = None
    released = (
        NumberAllocation.objects.filter(register=locked, status=NumberStatus.RELEASED)
        .order_by("number")
        .values_list("number", flat=True)
        .distinct()
    )
    for number in released.iterator():
        reused = (
            NumberAllocation.objects.filter(register=locked, number=number)
            .exclude(status=NumberStatus.RELEASED)
            .exists()
        )
        if not reused:
            free = number
            break
    if free is None:
        locked.last_number += 1
        locked.save(update_fields=["last_number", "updated_at"])
        number = locked.last_number
    else:
        number = free
    return NumberAllocation.objects.create(
        register=locked,
        number=number,
        status=status,
        allocated_by=actor,
        allocated_at=timezone.now(),
        note=note,
    )


@transaction.atomic
def reserve_number(*, actor: User, register: Register, note: str = "") -> NumberAllocation:
    """Lấy số trước: hold a number for a document not finished yet."""
    require_clerk(actor)
    if register.agency_id != actor.agency_id or register.kind == RegisterKind.INCOMING:
        raise ValidationError(
            _("Numbers can be reserved only in your agency's outgoing registers.")
        )
    allocation = _next_number(register, actor=actor, status=NumberStatus.RESERVED, note=note)
    record_event(
        action="number.reserved",
        actor=actor,
        obj=allocation.register,
        data={"number": allocation.number, "note": note},
    )
    return allocation


@transaction.atomic
def release_number(*, actor: User, allocation: NumberAllocation, reason: str) -> NumberAllocation:
    """Give back a reserved number that was not used; the register keeps the record and the
    number is handed out again next."""
    require_clerk(actor)
    allocation = NumberAllocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.register.agency_id != actor.agency_id:
        raise ValidationError(_("This number belongs to another agency's register."))
    if allocation.status != NumberStatus.RESERVED:
        raise ValidationError(_("Only a reserved, unused number can be released."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the number is released.")})
    allocation.status = NumberStatus.RELEASED
    allocation.released_at = timezone.now()
    allocation.note = (allocation.note + " — " if allocation.note else "") + reason.strip()
    allocation.save(update_fields=["status", "released_at", "note"])
    record_event(
        action="number.released",
        actor=actor,
        obj=allocation.register,
        data={"number": allocation.number, "reason": reason},
    )
    return allocation


# --- Incoming documents ------------------------------------------------------------------------


@dataclass
class Registration:
    document: Document | None
    duplicates: list[Document] = field(default_factory=list)


def _known_abbreviations() -> set[str]:
    return set(DocumentType.objects.exclude(abbreviation="").values_list("abbreviation", flat=True))


def _check_lengths(**values: str) -> dict[str, list[str]]:
    """Text longer than its column: a clear message instead of a database error."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        limit = getattr(Document._meta.get_field(name), "max_length", None)
        if limit and len(value.strip()) > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
    return errors


def check_document_dates(**dates: date | datetime | None) -> dict[str, list[str]]:
    """The one check of a document's dates (the document date, arrival, due date): each given
    one lies between EARLIEST_DOCUMENT_DATE and `latest_document_date()`."""
    earliest, latest = EARLIEST_DOCUMENT_DATE, latest_document_date()
    errors: dict[str, list[str]] = {}
    for name, value in dates.items():
        if value is None:
            continue
        try:
            day = timezone.localdate(value) if isinstance(value, datetime) else value
        except OverflowError:  # a time on 31/12/9999 is past the calendar's end in Vietnam
            day = None
        if day is None or not earliest <= day <= latest:
            errors[name] = [
                _("Enter a date from %(earliest)s to %(latest)s.")
                % {
                    "earliest": earliest.strftime("%d/%m/%Y"),
                    "latest": latest.strftime("%d/%m/%Y"),
                }
            ]
    return errors


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _validate_common(
    *,
    document_type: DocumentType,
    code_notation: str,
    subject: str,
    urgency: int,
    confidentiality: int,
    page_count: int | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not subject.strip():
        errors["subject"] = [_("The subject (trích yếu) is required.")]
    elif len(subject) > 500:
        errors["subject"] = [_("The subject is at most 500 characters.")]
    elif CONTROL_CHARACTERS.search(subject):
        # They cannot travel in an edXML package (XML 1.0 forbids them) nor print.
        errors["subject"] = [_("The subject contains control characters; remove them.")]
    if code_notation:
        try:
            numbering.validate_notation(
                code_notation,
                type_abbreviation=document_type.abbreviation,
                known_abbreviations=_known_abbreviations(),
            )
        except ValidationError as exc:
            errors["code_notation"] = exc.messages
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Unknown urgency.")]
    if confidentiality not in Confidentiality.values:
        errors["confidentiality"] = [_("Unknown confidentiality level.")]
    if page_count is not None and not 0 < page_count < 10000:
        errors["page_count"] = [_("The page count must be between 1 and 9999.")]
    return errors


@transaction.atomic
def register_incoming(
    *,
    actor: User,
    document_type: DocumentType,
    issuer_name: str,
    issued_date: date,
    subject: str,
    code_number: str = "",
    code_notation: str = "",
    signer_name: str = "",
    signer_position: str = "",
    urgency: int = Urgency.NORMAL,
    confidentiality: int = Confidentiality.NONE,
    page_count: int | None = None,
    due_date: date | None = None,
    to_places: str = "",
    description: str = "",
    issuer_code: str = "",
    arrival_date: datetime | None = None,
    accept_duplicate: bool = False,
) -> Registration:
    """Đăng ký văn bản đến: validate, warn about a duplicate (number, symbol, issuing agency),
    give the next arrival number (số đến) of the year and record the arrival time."""
    require_clerk(actor)
    agency = actor.agency
    assert agency is not None
    now = timezone.now()
    arrival_date = arrival_date or now
    errors = _validate_common(
        document_type=document_type,
        code_notation=code_notation,
        subject=subject,
        urgency=urgency,
        confidentiality=confidentiality,
        page_count=page_count,
    )
    errors.update(
        _check_lengths(
            issuer_name=issuer_name,
            code_number=code_number,
            code_notation=code_notation,
            signer_name=signer_name,
            signer_position=signer_position,
            to_places=to_places,
            description=description,
            issuer_code=issuer_code,
        )
    )
    if not issuer_name.strip():
        errors["issuer_name"] = [_("The issuing agency is required.")]
    dates = check_document_dates(
        issued_date=issued_date, due_date=due_date, arrival_date=arrival_date
    )
    errors.update(dates)
    if "arrival_date" not in dates and arrival_date > now + timedelta(minutes=5):
        errors["arrival_date"] = [_("The arrival date cannot be in the future.")]
    if not dates and issued_date > timezone.localdate(arrival_date):
        errors["issued_date"] = [_("The document date cannot be after its arrival.")]
    if not dates and due_date is not None and due_date < issued_date:
        errors["due_date"] = [_("The due date cannot be before the document date.")]
    if errors:
        raise ValidationError(errors)
    duplicates = (
        list(
            Document.objects.duplicates_of(
                agency_id=agency.pk,
                code_number=code_number,
                code_notation=code_notation,
                issuer_name=issuer_name,
            )
        )
        if code_number
        else []
    )
    if duplicates and not accept_duplicate:
        return Registration(document=None, duplicates=duplicates)
    register = ensure_register(
        agency=agency, year=numbering.vietnam_year(arrival_date), kind=RegisterKind.INCOMING
    )
    allocation = _next_number(register, actor=actor, status=NumberStatus.USED)
    issuer = Agency.objects.filter(code=issuer_code).first() if issuer_code else None
    document = Document.objects.create(
        agency=agency,
        direction=Direction.INCOMING,
        status=DocumentStatus.REGISTERED,
        register=register,
        document_type=document_type,
        code_number=code_number.strip(),
        code_notation=code_notation.strip(),
        issued_date=issued_date,
        issuer_name=issuer_name.strip(),
        issuer_code=issuer_code.strip(),
        issuer_agency=issuer,
        subject=subject.strip(),
        signer_name=signer_name.strip(),
        signer_position=signer_position.strip(),
        urgency=urgency,
        confidentiality=confidentiality,
        page_count=page_count,
        due_date=due_date,
        to_places=to_places.strip(),
        description=description.strip(),
        arrival_number=allocation.number,
        arrival_date=arrival_date,
        created_by=actor,
    )
    allocation.document = document
    allocation.save(update_fields=["document"])
    record_event(
        action="document.registered_incoming",
        actor=actor,
        obj=document,
        data={"arrival_number": allocation.number, "duplicate_accepted": bool(duplicates)},
    )
    _enqueue_indexing(document)
    return Registration(document=document, duplicates=duplicates)


@transaction.atomic
def register_received(*, actor: User, document: Document) -> Document:
    """Vào sổ a document another agency of the platform delivered: it gets this year's next
    arrival number (số đến) and the time of registration."""
    require_clerk(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.agency_id != actor.agency_id or document.status != DocumentStatus.RECEIVED:
        raise ValidationError(_("Only a received document of your agency can be registered."))
    now = timezone.now()
    register = ensure_register(
        agency=document.agency, year=numbering.vietnam_year(now), kind=RegisterKind.INCOMING
    )
    allocation = _next_number(register, actor=actor, status=NumberStatus.USED)
    document.register = register
    document.arrival_number = allocation.number
    document.arrival_date = now
    document.status = DocumentStatus.REGISTERED
    document.created_by = actor
    document.save(
        update_fields=[
            "register",
            "arrival_number",
            "arrival_date",
            "status",
            "created_by",
            "updated_at",
        ]
    )
    allocation.document = document
    allocation.save(update_fields=["document"])
    record_event(
        action="document.registered_received",
        actor=actor,
        obj=document,
        data={"arrival_number": allocation.number},
    )
    return document


# --- Outgoing documents ------------------------------------------------------------------------


@transaction.atomic
def record_outgoing(
    *,
    actor: User,
    document_type: DocumentType,
    subject: str,
    drafting_unit: Unit | None = None,
    signer_name: str = "",
    signer_position: str = "",
    urgency: int = Urgency.NORMAL,
    confidentiality: int = Confidentiality.NONE,
    page_count: int | None = None,
    due_date: date | None = None,
    copies: int | None = None,
    recipient_agencies: Iterable[Agency] = (),
    external_recipients: str = "",
    description: str = "",
    replaces: Document | None = None,
) -> Document:
    """Record an outgoing document before it is issued (it gets its number at issue). With
    `replaces`, it is the replacement of an issued document, which is recalled when this one
    is issued."""
    require_clerk(actor)
    agency = actor.agency
    assert agency is not None
    errors = _validate_common(
        document_type=document_type,
        code_notation="",
        subject=subject,
        urgency=urgency,
        confidentiality=confidentiality,
        page_count=page_count,
    )
    errors.update(
        _check_lengths(
            signer_name=signer_name,
            signer_position=signer_position,
            external_recipients=external_recipients,
            description=description,
        )
    )
    if drafting_unit is not None and drafting_unit.agency_id != agency.pk:
        errors["drafting_unit"] = [_("The drafting unit belongs to another agency.")]
    if not document_type.abbreviation and drafting_unit is None:
        errors["drafting_unit"] = [_("An official letter (công văn) needs its drafting unit.")]
    recipients = list(recipient_agencies)
    if any(r.pk == agency.pk for r in recipients):
        errors["recipient_agencies"] = [_("An agency does not send a document to itself.")]
    if not recipients and not external_recipients.strip():
        errors["recipient_agencies"] = [_("Choose at least one recipient.")]
    if copies is not None and not 0 < copies < 1000:
        errors["copies"] = [_("The number of copies must be between 1 and 999.")]
    errors.update(check_document_dates(due_date=due_date))
    if replaces is not None and (
        replaces.agency_id != agency.pk
        or replaces.direction != Direction.OUTGOING
        or replaces.status != DocumentStatus.ISSUED
    ):
        errors["replaces"] = [_("Only an issued document of your agency can be replaced.")]
    if errors:
        raise ValidationError(errors)
    document = Document.objects.create(
        replaces=replaces,
        agency=agency,
        direction=Direction.OUTGOING,
        status=DocumentStatus.DRAFT,
        document_type=document_type,
        issuer_name=agency.name,
        issuer_code=agency.code,
        issuer_agency=agency,
        subject=subject.strip(),
        signer_name=signer_name.strip(),
        signer_position=signer_position.strip(),
        urgency=urgency,
        confidentiality=confidentiality,
        page_count=page_count,
        due_date=due_date,
        copies=copies,
        drafting_unit=drafting_unit,
        external_recipients=external_recipients.strip(),
        description=description.strip(),
        created_by=actor,
    )
    document.recipient_agencies.set(recipients)
    record_event(action="document.recorded_outgoing", actor=actor, obj=document)
    _enqueue_indexing(document)
    return document


@transaction.atomic
def issue_outgoing(
    *,
    actor: User,
    document: Document,
    reservation: NumberAllocation | None = None,
    issued_date: date | None = None,
) -> Document:
    """Cấp số, thời gian ban hành: number the document in its register (or use a number
    reserved for it), build its symbol and date it."""
    require_clerk(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.agency_id != actor.agency_id or document.direction != Direction.OUTGOING:
        raise ValidationError(_("Only your agency's outgoing documents can be issued here."))
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("This document has already been issued."))
    agency = document.agency
    today = timezone.localdate()
    issued_date = issued_date or today
    if issued_date > today:
        raise ValidationError({"issued_date": _("A document cannot be issued with a future date.")})
    if issued_date.year != numbering.vietnam_year():
        raise ValidationError(
            {
                "issued_date": _(
                    "Numbers are given in this year's register only: use a date of this year."
                )
            }
        )
    year = issued_date.year
    if reservation is not None:
        allocation = NumberAllocation.objects.select_for_update().get(pk=reservation.pk)
        register = allocation.register
        if register.is_closed:
            raise ValidationError({"reservation": _("That register is closed.")})
        if allocation.status != NumberStatus.RESERVED or register.agency_id != agency.pk:
            raise ValidationError(
                {"reservation": _("That number is not reserved in your registers.")}
            )
        if register.year != year:
            raise ValidationError(
                {"reservation": _("That number belongs to another year's register.")}
            )
        expected = register_for_outgoing(agency=agency, year=year, document=document)
        if expected.pk != register.pk:
            raise ValidationError(
                {"reservation": _("That number was reserved in another register.")}
            )
        allocation.status = NumberStatus.USED
    else:
        register = register_for_outgoing(agency=agency, year=year, document=document)
        allocation = _next_number(register, actor=actor, status=NumberStatus.USED)
    unit_abbreviation = document.drafting_unit.abbreviation if document.drafting_unit else ""
    document.register = register
    document.register_number = allocation.number
    document.code_number = numbering.format_number(allocation.number)
    document.code_notation = numbering.build_notation(
        type_abbreviation=document.document_type.abbreviation,
        agency_abbreviation=agency.abbreviation,
        unit_abbreviation=unit_abbreviation,
    )
    document.issued_date = issued_date
    document.status = DocumentStatus.ISSUED
    document.save()
    allocation.document = document
    allocation.save(update_fields=["status", "document"])
    publish(OutgoingIssued(document=document, actor=actor))
    record_event(
        action="document.issued",
        actor=actor,
        obj=document,
        data={"number": document.number_and_symbol, "register": register.pk},
    )
    _enqueue_indexing(document)
    return document


# --- Attachments ---------------------------------------------------------------------------------


def add_attachment(
    *,
    actor: User,
    document: Document,
    upload: IO[bytes],
    name: str,
    title: str = "",
    replaces: Attachment | None = None,
    signed_update: bool = False,
) -> AttachmentVersion:
    """Attach a file, or a new version of an attachment (the old file is kept). The file is
    checked before anything is stored; if the database write fails, a newly stored file is
    removed again so nothing half-written remains. `signed_update` is for the signing service
    only (never for a client's upload): the new version of a final document's file is the
    current one with a signature appended (the agency's seal after issue)."""
    checked = check_upload(upload, name)
    created_file = False
    try:
        with transaction.atomic():
            blob, created_file = store_blob(upload, checked)
            return _record_attachment(
                actor=actor,
                document=document,
                blob=blob,
                name=name,
                title=title,
                replaces=replaces,
                signed_update=signed_update,
            )
    except BaseException:
        if created_file and not _blob_used(checked.sha256):
            default_storage.delete(storage_name(checked.sha256))
        raise


def _record_attachment(
    *,
    actor: User,
    document: Document,
    blob: Any,
    name: str,
    title: str,
    replaces: Attachment | None,
    signed_update: bool = False,
) -> AttachmentVersion:
    require_clerk(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.agency_id != actor.agency_id:
        raise ValidationError(_("You cannot attach files to another agency's document."))
    safe_name = _safe_file_name(name)
    if replaces is None:
        attachment = Attachment.objects.create(document=document, title=(title or safe_name)[:255])
        version_number = 1
    else:
        found = (
            Attachment.objects.select_for_update().filter(pk=replaces.pk, document=document).first()
        )
        if found is None:
            raise ValidationError({"replaces": _("That attachment belongs to another document.")})
        attachment = found
        if document.is_final and not (signed_update and _appends_to_current(attachment, blob)):
            raise ValidationError(
                {
                    "replaces": _(
                        "An issued or received document is final: its files cannot be replaced. "
                        "To correct an issued document, send a replacement document (văn bản "
                        "thay thế)."
                    )
                },
                code="final",
            )
        version_number = (
            attachment.versions.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
    version = AttachmentVersion.objects.create(
        attachment=attachment,
        version=version_number,
        blob=blob,
        original_name=safe_name,
        uploaded_by=actor,
        text_status=ProcessingStatus.PENDING,
    )
    record_event(
        action="attachment.added",
        actor=actor,
        obj=document,
        data={
            "attachment": attachment.pk,
            "version": version_number,
            "sha256": blob.sha256,
            "size": blob.size,
            "name": safe_name,
        },
    )
    extract_text.enqueue(version.pk)
    publish(FileAttached(document=document, version=version, blob=blob))
    return version


def _appends_to_current(attachment: Attachment, blob: Any) -> bool:
    """The new file is the current version with something appended and nothing changed: a PDF
    incremental update, as signing (the agency's seal after the number and date) writes it."""
    current = attachment.versions.select_related("blob").order_by("-version").first()
    if current is None or blob.content_type != "application/pdf" or blob.size <= current.blob.size:
        return False
    with default_storage.open(current.blob.storage_name, "rb") as old:
        before = old.read()
    with default_storage.open(blob.storage_name, "rb") as new:
        same: bool = new.read(len(before)) == before
        return same


# How long a file uploaded to a form that was shown again stays usable by its uploader.
KEPT_UPLOAD_LIFETIME = timedelta(hours=8)


def keep_upload(*, actor: User, upload: IO[bytes], name: str) -> KeptUpload:
    """Keep a checked file uploaded to a form that is shown again (“fill in from the file”, an
    error, a possible duplicate) for the same clerk's next submission. The form carries the
    returned row's `token`: random, bound to `actor`, usable once (`attach_kept_upload`) and
    until it expires. Nothing a client sends can name a stored file by its content hash."""
    require_clerk(actor)
    checked = check_upload(upload, name)
    created_file = False
    try:
        with transaction.atomic():
            blob, created_file = store_blob(upload, checked)
            kept = KeptUpload.objects.create(
                token=secrets.token_urlsafe(32),
                user=actor,
                blob=blob,
                name=_safe_file_name(name),
                expires_at=timezone.now() + KEPT_UPLOAD_LIFETIME,
            )
            record_event(
                action="attachment.kept",
                actor=actor,
                data={"sha256": blob.sha256, "size": blob.size, "name": kept.name},
            )
            return kept
    except BaseException:
        if created_file and not _blob_used(checked.sha256):
            default_storage.delete(storage_name(checked.sha256))
        raise


def _blob_used(sha256: str) -> bool:
    return (
        AttachmentVersion.objects.filter(blob__sha256=sha256).exists()
        or KeptUpload.objects.filter(blob__sha256=sha256).exists()
    )


@transaction.atomic
def attach_kept_upload(*, actor: User, document: Document, token: str) -> AttachmentVersion:
    """Attach to `document` the file `actor` uploaded earlier (`keep_upload`): only with that
    user's own, unexpired token, and only once. Anything else is refused and nothing is
    attached."""
    kept = (
        KeptUpload.objects.usable_by(actor)
        .select_for_update()
        .select_related("blob")
        .filter(token=token)
        .first()
        if token
        else None
    )
    if kept is None or KeptUpload.objects.filter(pk=kept.pk).delete()[0] == 0:
        raise ValidationError(
            {
                "file": _(
                    "The file chosen before can no longer be used (it was used already, or "
                    "too much time has passed). Choose the file again."
                )
            },
            code="kept_upload_gone",
        )
    return _record_attachment(
        actor=actor, document=document, blob=kept.blob, name=kept.name, title="", replaces=None
    )


def forget_expired_uploads() -> int:
    """Periodic: drop the kept uploads nobody used in time (their tokens are dead already)."""
    deleted, _rows = KeptUpload.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def _safe_file_name(name: str) -> str:
    """Keep only the last path component and printable characters (no traversal, no controls)."""
    base = name.replace("\\", "/").split("/")[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "tep-dinh-kem"


def _enqueue_indexing(document: Document) -> None:
    index_document.enqueue(document.pk)
