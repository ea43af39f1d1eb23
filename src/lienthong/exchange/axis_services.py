"""Exchange with agencies outside the installation over the national document axis (or the
province's LGSP): sending issued documents as signed edXML packages, receiving packages and
statuses, the axis' agency directory, and the evidence of every package.

Sending: `send_over_axis` records one AxisDelivery per recipient (in the caller's transaction)
and a durable job each (`tasks.transmit`); the job builds and signs the package ONCE (kept as
evidence, re-sent byte for byte on a retry), hands it to the axis, and retries with back-off
while the axis is unreachable. A confidential document never leaves: it goes on paper.

Receiving: `tasks.poll_axis` lists what waits for us, fetches each package, and handles it in a
transaction before acknowledging it: a document becomes ONE incoming Document per (DocumentId,
kind of package, recipient agency) — a second arrival is acknowledged and kept as a duplicate —
and status 01 goes back; a status updates the delivery it is about (statuses only move forward,
so one arriving late changes nothing). What cannot be used is refused with status 02 and the
reason, and acknowledged as failed. Nothing is lost: the axis keeps a package until we
acknowledge it, and we acknowledge only after our transaction committed."""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.core.audit import record_event
from lienthong.documents.constants import Confidentiality, Direction, DocumentStatus
from lienthong.documents.models import Attachment, AttachmentVersion, Document, DocumentType
from lienthong.documents.permissions import can_register
from lienthong.documents.tasks import extract_text, index_document
from lienthong.documents.uploads import check_upload, store_blob
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify
from lienthong.signatures.models import TrustedCertificate

from . import edxml
from .axis import AxisClient, AxisError, MessageType, get_client
from .constants import (
    AXIS_PROGRESS,
    AxisTransport,
    BusinessType,
    DeliveryStatus,
    PackageDirection,
    PackageKind,
    PackageOutcome,
    RecallStatus,
    RequestAnswer,
)
from .models import (
    AxisAddressee,
    AxisAgency,
    AxisDelivery,
    AxisDeliveryEvent,
    AxisPackage,
    AxisReceipt,
)
from .permissions import can_answer_request

logger = logging.getLogger(__name__)

DEFAULT_TYPE_NAME = "Công văn"


# --- Signing material -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningMaterial:
    key_pem: bytes
    certificates: list[bytes]  # the signer's first, then its chain


@cache
def _load_pkcs12(path: str, mtime: float, passphrase: str) -> SigningMaterial:
    key, cert, extra = pkcs12.load_key_and_certificates(
        Path(path).read_bytes(), passphrase.encode() or None
    )
    if key is None or cert is None:
        raise ValidationError(_("The axis signing file holds no key or no certificate."))
    return SigningMaterial(
        key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()),
        [cert.public_bytes(Encoding.PEM), *(c.public_bytes(Encoding.PEM) for c in extra)],
    )


def signing_material() -> SigningMaterial:
    """The certificate this installation signs its packages with (LIENTHONG_AXIS_SIGNING_*)."""
    path = settings.LIENTHONG_AXIS_SIGNING_PKCS12
    if not path or not Path(path).exists():
        raise ValidationError(_("No certificate is configured to sign packages for the axis."))
    try:
        return _load_pkcs12(
            path, Path(path).stat().st_mtime, settings.LIENTHONG_AXIS_SIGNING_PASSPHRASE
        )
    except ValueError as exc:
        raise ValidationError(_("The axis signing file cannot be opened: %s") % exc) from exc


def _trust_anchors() -> list[bytes]:
    return [bytes(c.certificate) for c in TrustedCertificate.objects.filter(is_active=True)]


def _sign(xml: bytes) -> bytes:
    material = signing_material()
    signed = edxml.sign(xml, key_pem=material.key_pem, certificates=material.certificates)
    edxml.validate(signed)  # strict on what we send, signature included
    return signed


# --- Directory ------------------------------------------------------------------------------------


def axis_enabled() -> bool:
    from .axis import AxisSettings  # noqa: PLC0415

    return AxisSettings.from_settings().configured


@transaction.atomic
def sync_directory(*, client: AxisClient | None = None) -> tuple[int, int]:
    """Copy the axis' agency directory (our own agencies left out); agencies the axis no longer
    lists are kept, marked unlisted (deliveries refer to them). Returns (listed, unlisted)."""
    entries = (client or get_client()).agencies()
    ours = set(Agency.objects.values_list("code", flat=True))
    now = timezone.now()
    seen = set()
    for entry in entries:
        code = edxml.normalise_organ_id(entry.code)
        if not code or code in ours or code in seen:
            continue
        seen.add(code)
        AxisAgency.objects.update_or_create(
            code=code,
            defaults={
                "name": entry.name,
                "parent_code": entry.parent_code,
                "code102": entry.code102,
                "is_active": True,
                "synced_at": now,
            },
        )
    unlisted = (
        AxisAgency.objects.exclude(code__in=seen).filter(is_active=True).update(is_active=False)
    )
    return len(seen), unlisted


# --- Sending --------------------------------------------------------------------------------------


def _require_clerk_of(actor: User, document: Document) -> None:
    if not can_register(actor) or actor.agency_id != document.agency_id:
        raise PermissionDenied(_("Only the clerk of the issuing agency sends its documents."))


def check_sendable(document: Document) -> None:
    """Refuse what must not go over the axis: confidential documents (they go on paper)."""
    if document.confidentiality != Confidentiality.NONE:
        raise ValidationError(
            _(
                "A confidential (mật) document is never sent over the document axis: send it on "
                "paper, by the confidential mail service."
            ),
            code="confidential",
        )


@transaction.atomic
def send_over_axis(
    *,
    actor: User | None,
    document: Document,
    agencies: Sequence[AxisAgency],
    business_type: int = BusinessType.NEW,
    reason: str = "",
) -> list[AxisDelivery]:
    """Schedule one package per axis recipient of an issued outgoing document (durable jobs,
    started once the transaction commits). Adding the same recipient again changes nothing."""
    if actor is not None:
        _require_clerk_of(actor, document)
    check_sendable(document)
    if document.direction != Direction.OUTGOING or document.status not in {
        DocumentStatus.ISSUED,
        DocumentStatus.RECALLED,
    }:
        raise ValidationError(_("Only an issued outgoing document is sent over the axis."))
    inactive = [a.name for a in agencies if not a.is_active]
    if inactive:
        raise ValidationError(
            _("No longer listed by the axis: %(names)s") % {"names": ", ".join(inactive)}
        )
    deliveries = []
    for agency in agencies:
        delivery, created = AxisDelivery.objects.get_or_create(
            outgoing=document,
            recipient=agency,
            business_type=business_type,
            defaults={"created_by": actor, "reason": reason.strip()[:500]},
        )
        if created:
            _enqueue_transmit(delivery.pk)
            record_event(
                action="axis.delivery_scheduled",
                actor=actor,
                obj=document,
                data={"to": agency.code, "kind": int(business_type)},
            )
        deliveries.append(delivery)
    return deliveries


def _enqueue_transmit(delivery_id: int) -> None:
    from . import tasks  # noqa: PLC0415

    tasks.transmit.enqueue(delivery_id)  # the job row commits with the caller's transaction


def _organ_of(agency: Agency) -> edxml.Organ:
    parent = agency.parent.name if agency.parent_id and agency.parent else ""
    return edxml.Organ(
        organ_id=agency.code,
        name=agency.name[:200],
        in_charge=(agency.governing_body_name or parent or agency.name)[:200],
        address=(getattr(agency, "address", "") or "")[:250],
    )


def document_key(document: Document) -> str:
    """The edXML DocumentId of one of our issued documents."""
    return edxml.document_id_for(
        document.agency.code, document.issued_date, document.code_number, document.code_notation
    )


def _attachment_files(document: Document) -> list[edxml.AttachmentFile]:
    files = []
    for attachment in Attachment.objects.filter(document=document).prefetch_related("versions"):
        current = attachment.current
        if current is None:
            continue
        with default_storage.open(current.blob.storage_name, "rb") as handle:
            data = handle.read()
        files.append(
            edxml.AttachmentFile(
                content_id=f"cid:{uuid.uuid4()}",
                name=current.original_name[:200],
                content_type=current.blob.content_type,
                data=data,
                description=attachment.title[:250],
            )
        )
    return files


def message_for(delivery: AxisDelivery) -> edxml.Message:
    document = delivery.outgoing
    business = edxml.Business(doc_type=edxml.BusinessType(delivery.business_type))
    if delivery.business_type != BusinessType.NEW:
        business.document_id = document_key(document)
        if delivery.attempts == 0 and delivery.reason:  # the clerk's reason (a recall's)
            business.reason = delivery.reason[:500]
    replaced = document.replaces
    if delivery.business_type == BusinessType.REPLACE and replaced is not None:
        business.document_id = document_key(replaced)
        business.replaced_ids = [document_key(replaced)]
    if delivery.created_by is not None:
        business.staff = [
            edxml.Staff(
                staff=delivery.created_by.get_full_name()[:100],
                email=(delivery.created_by.email or "")[:100],
            )
        ]
    signer_name = (document.signer_name or "")[:50]
    return edxml.Message(
        sender=_organ_of(document.agency),
        recipients=[edxml.Organ(delivery.recipient.code, delivery.recipient.name[:200])],
        code_number=document.code_number,
        code_notation=document.code_notation or "-",
        place=(document.agency.place_name or settings.PROVINCE_NAME)[:50],
        promulgation_date=document.issued_date or timezone.localdate(),
        type_name=document.document_type.name[:100],
        subject=document.subject,
        content=document.description[:500],
        signer=edxml.Signer(signer_name, (document.signer_position or "")[:100]),
        due_date=document.due_date,
        to_places=[p.strip()[:150] for p in document.to_places.splitlines() if p.strip()],
        priority=int(document.urgency),
        promulgation_amount=document.copies,
        page_amount=document.page_count,
        steering_type=1,
        business=business,
        attachments=[]
        if delivery.business_type == BusinessType.REVOKE
        else _attachment_files(document),
    )


def _signature_fields(xml: bytes) -> dict[str, Any]:
    check = edxml.verify(xml, anchors=_trust_anchors())
    return {
        "signature": check.label,
        "signer_subject": check.subject[:500],
        "signer_fingerprint": check.fingerprint,
    }


def _keep(
    raw: bytes,
    *,
    direction: str,
    kind: str,
    trace: list[dict[str, str]] | None = None,
    **fields: Any,
) -> AxisPackage:
    return AxisPackage.objects.create(
        direction=direction,
        kind=kind,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        raw=raw,
        trace=trace or [],
        **_signature_fields(raw),
        **fields,
    )


def _trace_of(message: edxml.Message) -> list[dict[str, str]]:
    return [{"organ": t.organ_id, "at": t.timestamp.isoformat()} for t in message.traces]


def _package_for(delivery: AxisDelivery) -> AxisPackage:
    """The delivery's package: built and signed on the first attempt, then kept and re-sent as
    it is (the same bytes, the same signature)."""
    existing = delivery.packages.filter(kind=PackageKind.MESSAGE).first()
    if existing is not None:
        return existing
    message = message_for(delivery)
    raw = _sign(edxml.build_message(message))
    return _keep(
        raw,
        direction=PackageDirection.SENT,
        kind=PackageKind.MESSAGE,
        trace=_trace_of(edxml.parse(raw).message or message),
        document=delivery.outgoing,
        delivery=delivery,
        document_key=message.document_id,
        business_type=delivery.business_type,
        from_code=message.sender.organ_id,
        to_code=delivery.recipient.code,
    )


def transmit(*, delivery_id: int, client: AxisClient | None = None) -> AxisDelivery | None:
    """The sending job's work. Raises AxisError when the axis cannot be reached (the job then
    retries with back-off); a refusal by the axis ends the delivery as failed, with the reason."""
    with transaction.atomic():
        delivery = (
            AxisDelivery.objects.select_for_update(of=("self",))
            .select_related("outgoing__agency", "outgoing__document_type", "recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.transport != AxisTransport.QUEUED:
            return delivery
        package = _package_for(delivery)
        delivery.attempts += 1
        delivery.save(update_fields=["attempts", "updated_at"])
    try:
        doc_id = (client or get_client()).send(
            bytes(package.raw), sender_code=package.from_code, message_type="edoc"
        )
    except AxisError as exc:
        if exc.retryable:
            raise
        return _transport_failed(delivery_id, exc.reason)
    with transaction.atomic():
        delivery = AxisDelivery.objects.select_for_update(of=("self",)).get(pk=delivery_id)
        delivery.transport = AxisTransport.SENT
        delivery.axis_doc_id = doc_id[:100]
        delivery.reason = ""
        delivery.save(update_fields=["transport", "axis_doc_id", "reason", "updated_at"])
        AxisPackage.objects.filter(pk=package.pk).update(axis_doc_id=doc_id[:100])
        record_event(
            action="axis.package_sent",
            obj=delivery.outgoing,
            data={"to": delivery.recipient.code, "axis_id": doc_id, "sha256": package.sha256},
        )
    return delivery


def _transport_failed(delivery_id: int, reason: str) -> AxisDelivery:
    with transaction.atomic():
        delivery = (
            AxisDelivery.objects.select_for_update(of=("self",))
            .select_related("outgoing")
            .get(pk=delivery_id)
        )
        delivery.transport = AxisTransport.FAILED
        delivery.reason = reason[:500]
        delivery.save(update_fields=["transport", "reason", "updated_at"])
        AxisPackage.objects.filter(delivery=delivery, kind=PackageKind.MESSAGE).update(
            outcome=PackageOutcome.REFUSED, reason=reason[:500]
        )
        record_event(
            action="axis.package_refused",
            obj=delivery.outgoing,
            data={"to": delivery.recipient_id, "reason": reason},
        )
        clerks = User.objects.active().filter(agency=delivery.outgoing.agency).with_role(Role.CLERK)
        notify(
            recipients=clerks,
            kind=NotificationKind.RETURNED,
            title=_("The document axis refused %(number)s: %(reason)s")
            % {"number": delivery.outgoing.number_and_symbol, "reason": reason[:200]},
            url=reverse("exchange:axis-document", args=[delivery.outgoing_id]),
        )
    return delivery


@transaction.atomic
def retry_delivery(*, actor: User, delivery: AxisDelivery) -> AxisDelivery:
    """Send a delivery the axis refused once more (e.g. after the directory was corrected)."""
    delivery = AxisDelivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
    _require_clerk_of(actor, delivery.outgoing)
    if delivery.transport != AxisTransport.FAILED:
        raise ValidationError(_("Only a delivery the axis refused is sent again."))
    delivery.transport = AxisTransport.QUEUED
    delivery.save(update_fields=["transport", "updated_at"])
    delivery.packages.filter(kind=PackageKind.MESSAGE).update(delivery=None)
    _enqueue_transmit(delivery.pk)
    record_event(action="axis.delivery_retried", actor=actor, obj=delivery.outgoing)
    return delivery


def recall_over_axis(
    *, actor: User | None, document: Document, reason: str = ""
) -> list[AxisDelivery]:
    """The document was recalled: a revocation package to every axis recipient of it."""
    agencies = [
        d.recipient
        for d in AxisDelivery.objects.filter(
            outgoing=document, business_type=BusinessType.NEW
        ).select_related("recipient")
    ]
    if not agencies:
        return []
    return send_over_axis(
        actor=None,
        document=document,
        agencies=agencies,
        business_type=BusinessType.REVOKE,
        reason=reason,
    )


def replace_over_axis(*, document: Document) -> list[AxisDelivery]:
    """A replacement was issued: it goes, as a replacement package, to the axis recipients of
    the document it replaces."""
    replaced = document.replaces
    if replaced is None:
        return []
    agencies = [
        d.recipient
        for d in AxisDelivery.objects.filter(
            outgoing=replaced, business_type=BusinessType.NEW
        ).select_related("recipient")
    ]
    if not agencies:
        return []
    return send_over_axis(
        actor=None, document=document, agencies=agencies, business_type=BusinessType.REPLACE
    )


# --- Statuses we send -----------------------------------------------------------------------------


def _status_package(receipt: AxisReceipt, code: str, description: str) -> AxisPackage:
    status = edxml.Status(
        response_for=edxml.ResponseFor(
            organ_id=receipt.sender_code,
            code=receipt.code[:50],
            promulgation_date=receipt.issued_date,
            document_id=receipt.document_key,
        ),
        sender=_organ_of(receipt.agency),
        code=code,
        description=description[:500] or edxml.STATUS_MEANINGS[code].split(" — ")[0],
        timestamp=timezone.localtime().replace(tzinfo=None, microsecond=0),
    )
    raw = _sign(edxml.build_status(status))
    return _keep(
        raw,
        direction=PackageDirection.SENT,
        kind=PackageKind.STATUS,
        document=receipt.incoming,
        document_key=receipt.document_key,
        business_type=receipt.business_type,
        status_code=code,
        from_code=receipt.agency.code,
        to_code=receipt.sender_code,
    )


def queue_status(*, receipt: AxisReceipt, code: str, description: str = "") -> AxisPackage | None:
    """Tell the sender where its document stands (in the caller's transaction; a job sends
    it). Progress statuses only move forward; 02, 15 and 16 always go."""
    if (
        code in AXIS_PROGRESS
        and receipt.last_status in AXIS_PROGRESS
        and AXIS_PROGRESS.index(code) <= AXIS_PROGRESS.index(receipt.last_status)
    ):
        return None
    package = _status_package(receipt, code, description)
    AxisReceipt.objects.filter(pk=receipt.pk).update(last_status=code)
    receipt.last_status = code
    from . import tasks  # noqa: PLC0415

    tasks.transmit_status.enqueue(package.pk)
    return package


def transmit_status(*, package_id: int, client: AxisClient | None = None) -> None:
    package = AxisPackage.objects.filter(pk=package_id, direction=PackageDirection.SENT).first()
    if package is None or package.axis_doc_id:
        return
    try:
        doc_id = (client or get_client()).send(
            bytes(package.raw), sender_code=package.from_code, message_type="status"
        )
    except AxisError as exc:
        if exc.retryable:
            raise
        AxisPackage.objects.filter(pk=package.pk).update(
            outcome=PackageOutcome.REFUSED, reason=exc.reason[:500]
        )
        return
    AxisPackage.objects.filter(pk=package.pk).update(axis_doc_id=doc_id[:100])


def receipt_of(document: Document) -> AxisReceipt | None:
    return (
        AxisReceipt.objects.filter(incoming=document)
        .select_related("agency")
        .order_by("-created_at")
        .first()
    )


def report_axis_status(*, document: Document, code: str, description: str = "") -> None:
    """The recipient's processing moved on (03 registered, 02 returned, 04 assigned, 05 being
    processed, 06 completed) on a document that came over the axis: tell its sender."""
    receipt = receipt_of(document)
    if receipt is None or not axis_enabled():
        return
    queue_status(receipt=receipt, code=code, description=description)


# --- Receiving ------------------------------------------------------------------------------------


def enqueue_poll() -> None:
    """The scheduler's minute: look at the axis when one is configured (a job, not here)."""
    if axis_enabled():
        from . import tasks  # noqa: PLC0415

        tasks.poll_axis.enqueue()


def poll(*, client: AxisClient | None = None) -> dict[str, int]:
    """Take every package waiting for us: documents first, then statuses. Each one is handled
    in its own transaction and acknowledged after it committed."""
    client = client or get_client()
    counts = {"received": 0, "duplicate": 0, "refused": 0, "status": 0}
    message_types: tuple[MessageType, ...] = ("edoc", "status")
    for message_type in message_types:
        for doc_id in client.waiting(message_type):
            outcome = receive_one(doc_id=doc_id, client=client)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def receive_one(*, doc_id: str, client: AxisClient) -> str:
    known = AxisPackage.objects.filter(
        direction=PackageDirection.RECEIVED, axis_doc_id=doc_id
    ).first()
    if known is not None:  # handled before, but the acknowledgement was lost
        client.acknowledge(doc_id, "fail" if known.outcome == PackageOutcome.REFUSED else "done")
        return "duplicate"
    raw = client.fetch(doc_id)
    outcome = handle_package(raw=raw, axis_doc_id=doc_id)
    client.acknowledge(doc_id, "fail" if outcome == "refused" else "done")
    return outcome


def handle_package(*, raw: bytes, axis_doc_id: str = "") -> str:
    """Handle one received package; returns received / duplicate / status / refused."""
    try:
        parsed = edxml.parse(raw)
    except edxml.PackageRefused as exc:
        with transaction.atomic():
            _keep(
                raw,
                direction=PackageDirection.RECEIVED,
                kind=PackageKind.MESSAGE,
                axis_doc_id=axis_doc_id,
                outcome=PackageOutcome.REFUSED,
                reason=exc.reason[:500],
            )
            record_event(action="axis.package_refused", data={"reason": exc.reason})
        return "refused"
    if parsed.status is not None:
        return _handle_status(raw, parsed.status, axis_doc_id)
    assert parsed.message is not None
    return _handle_message(raw, parsed.message, axis_doc_id, parsed.warnings)


def _refuse_message(raw: bytes, message: edxml.Message, axis_doc_id: str, reason: str) -> str:
    """Keep the package as evidence and tell the sender (02) why we cannot take it."""
    with transaction.atomic():
        package = _keep(
            raw,
            direction=PackageDirection.RECEIVED,
            kind=PackageKind.MESSAGE,
            axis_doc_id=axis_doc_id,
            document_key=message.document_id[:200],
            business_type=int(message.business.doc_type),
            from_code=message.sender.organ_id[:20],
            to_code=",".join(o.organ_id for o in message.recipients)[:20],
            trace=_trace_of(message),
            outcome=PackageOutcome.REFUSED,
            reason=reason[:500],
        )
        record_event(
            action="axis.package_refused",
            data={"package": package.pk, "from": message.sender.organ_id, "reason": reason},
        )
        for organ in message.recipients:
            agency = Agency.objects.filter(code=organ.organ_id).first()
            if agency is None:
                continue
            receipt = AxisReceipt(
                document_key=message.document_id[:200],
                business_type=int(message.business.doc_type),
                agency=agency,
                sender_code=message.sender.organ_id[:20],
                sender_name=message.sender.name[:200],
                issued_date=message.promulgation_date,
                code=message.number_and_symbol[:60],
                signature="refused",
            )
            # Not saved: a refused package leaves no receipt, only its evidence and the 02.
            _queue_refusal(receipt, reason)
    return "refused"


def _queue_refusal(receipt: AxisReceipt, reason: str) -> None:
    package = _status_package(receipt, "02", reason)
    from . import tasks  # noqa: PLC0415

    tasks.transmit_status.enqueue(package.pk)


def _handle_message(
    raw: bytes, message: edxml.Message, axis_doc_id: str, warnings: list[str]
) -> str:
    check = edxml.verify(raw, anchors=_trust_anchors())
    if not check.present:
        return _refuse_message(raw, message, axis_doc_id, "the package is not signed")
    if not check.valid:
        return _refuse_message(
            raw, message, axis_doc_id, f"the package signature does not hold: {check.problem}"
        )
    ours = {
        a.code: a for a in Agency.objects.filter(code__in=[o.organ_id for o in message.recipients])
    }
    if not ours:
        return _refuse_message(raw, message, axis_doc_id, "no recipient is an agency of ours")
    outcome = "duplicate"
    with transaction.atomic():
        package = _keep(
            raw,
            direction=PackageDirection.RECEIVED,
            kind=PackageKind.MESSAGE,
            axis_doc_id=axis_doc_id,
            document_key=message.document_id[:200],
            business_type=int(message.business.doc_type),
            from_code=message.sender.organ_id[:20],
            to_code=",".join(ours)[:20],
            trace=_trace_of(message),
            reason="; ".join(warnings)[:500],
        )
        for agency in ours.values():
            receipt, created = _receipt(message, agency, check)
            if not created:
                continue
            outcome = "received"
            copy = _apply(message, receipt, agency)
            if copy is not None and package.document_id is None:
                AxisPackage.objects.filter(pk=package.pk).update(document=copy)
        if outcome == "duplicate":
            AxisPackage.objects.filter(pk=package.pk).update(outcome=PackageOutcome.DUPLICATE)
    return outcome


def _receipt(
    message: edxml.Message, agency: Agency, check: edxml.SignatureCheck
) -> tuple[AxisReceipt, bool]:
    key = {
        "document_key": message.document_id[:200],
        "business_type": int(message.business.doc_type),
        "agency": agency,
    }
    existing = AxisReceipt.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return (
                AxisReceipt.objects.create(
                    **key,
                    sender_code=message.sender.organ_id[:20],
                    sender_name=message.sender.name[:200],
                    issued_date=message.promulgation_date,
                    code=message.number_and_symbol[:60],
                    signature=check.label,
                    signer_subject=check.subject[:500],
                ),
                True,
            )
    except IntegrityError:  # a concurrent poll took it first
        return AxisReceipt.objects.get(**key), False


def _original_receipt(document_key: str, agency: Agency) -> AxisReceipt | None:
    return (
        AxisReceipt.objects.filter(document_key=document_key, agency=agency, incoming__isnull=False)
        .exclude(business_type=BusinessType.REVOKE)
        .select_related("incoming")
        .order_by("-created_at")
        .first()
    )


def _apply(message: edxml.Message, receipt: AxisReceipt, agency: Agency) -> Document | None:
    kind = message.business.doc_type
    target_key = message.business.document_id or message.document_id
    if kind in {edxml.BusinessType.REVOKE, edxml.BusinessType.UPDATE}:
        original = _original_receipt(target_key, agency)
        copy = original.incoming if original else None
        _ask_clerks(message, receipt, agency, copy)
        return copy
    replaced = None
    if kind == edxml.BusinessType.REPLACE:
        old = _original_receipt(target_key, agency)
        replaced = old.incoming if old else None
    copy = _create_copy(message, agency, receipt, replaces=replaced)
    receipt.incoming = copy
    receipt.save(update_fields=["incoming"])
    queue_status(receipt=receipt, code="01", description="Đã đến")
    record_event(
        action="axis.document_received",
        obj=copy,
        data={"from": message.sender.organ_id, "document_id": message.document_id},
    )
    _notify_clerks(agency, copy, _("New document from %(agency)s: %(number)s"), message)
    if replaced is not None:  # withdrawing the replaced copy is the clerk's decision
        _ask_clerks(message, receipt, agency, replaced)
    return copy


def _ask_clerks(
    message: edxml.Message, receipt: AxisReceipt, agency: Agency, copy: Document | None
) -> None:
    """A revocation, update or replacement: a request waiting for our clerk's answer (15 / 16),
    never applied silently. About a document we never received: refused at once (16)."""
    if copy is None:
        receipt.answer = RequestAnswer.REFUSED
        receipt.answer_reason = "Không có văn bản này tại cơ quan nhận"
        receipt.save(update_fields=["answer", "answer_reason"])
        queue_status(receipt=receipt, code="16", description=receipt.answer_reason)
        return
    receipt.target = copy
    receipt.answer = RequestAnswer.PENDING
    receipt.proposed = {
        "reason": message.business.reason[:500],
        "subject": message.subject[:500],
        "due_date": message.due_date.isoformat() if message.due_date else None,
    }
    receipt.save(update_fields=["target", "answer", "proposed"])
    titles = {
        BusinessType.REVOKE: _("%(agency)s recalls %(number)s: your answer is needed"),
        BusinessType.UPDATE: _("%(agency)s updates %(number)s: your answer is needed"),
        BusinessType.REPLACE: _("%(agency)s replaces %(number)s: your answer is needed"),
    }
    clerks = User.objects.active().filter(agency=agency).with_role(Role.CLERK)
    notify(
        recipients=clerks,
        kind=NotificationKind.DOCUMENT_RECEIVED,
        title=titles[BusinessType(receipt.business_type)]
        % {"agency": message.sender.name, "number": copy.number_and_symbol},
        url=reverse("exchange:axis-requests"),
    )


def pending_requests(agency_id: int) -> Any:
    """Revocations, updates and replacements waiting for an answer at one agency."""
    return (
        AxisReceipt.objects.of_agency(agency_id)
        .pending_requests()
        .select_related("target", "incoming")
        .order_by("created_at")
    )


@transaction.atomic
def answer_request(
    *, actor: User, receipt: AxisReceipt, agree: bool, reason: str = ""
) -> AxisReceipt:
    """Our clerk answers a revocation, update or replacement received over the axis: agreed
    (15: the copy is withdrawn, updated, or withdrawn in favour of its replacement) or refused
    (16, with a reason). The status goes back to the sender."""
    receipt = (
        AxisReceipt.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=receipt.pk)
    )
    if not can_answer_request(actor, receipt):
        raise PermissionDenied(_("Only a clerk of the receiving agency answers."))
    if receipt.answer != RequestAnswer.PENDING or receipt.target_id is None:
        raise ValidationError(_("No request is waiting for an answer."))
    if not agree and not reason.strip():
        raise ValidationError({"reason": _("Say why the request is refused.")})
    copy = Document.objects.select_for_update(of=("self",)).get(pk=receipt.target_id)
    if agree:
        if receipt.business_type == BusinessType.UPDATE:
            due = receipt.proposed.get("due_date")
            copy.subject = (receipt.proposed.get("subject") or copy.subject)[:500]
            copy.due_date = datetime.fromisoformat(due).date() if due else copy.due_date
            copy.save(update_fields=["subject", "due_date", "updated_at"])
        else:
            copy.status = DocumentStatus.RECALLED
            copy.save(update_fields=["status", "updated_at"])
    receipt.answer = RequestAnswer.AGREED if agree else RequestAnswer.REFUSED
    receipt.answer_reason = reason.strip()[:500]
    receipt.answered_by = actor
    receipt.answered_at = timezone.now()
    receipt.save(update_fields=["answer", "answer_reason", "answered_by", "answered_at"])
    default = {
        BusinessType.REVOKE: "Đồng ý thu hồi",
        BusinessType.UPDATE: "Đồng ý cập nhật",
        BusinessType.REPLACE: "Đồng ý thay thế",
    }[BusinessType(receipt.business_type)]
    queue_status(
        receipt=receipt,
        code="15" if agree else "16",
        description=receipt.answer_reason or (default if agree else ""),
    )
    record_event(
        action="axis.request_answered",
        actor=actor,
        obj=copy,
        data={"kind": receipt.business_type, "agree": agree, "reason": reason},
    )
    return receipt


def _notify_clerks(agency: Agency, copy: Document, title: str, message: edxml.Message) -> None:
    clerks = User.objects.active().filter(agency=agency).with_role(Role.CLERK)
    notify(
        recipients=clerks,
        kind=NotificationKind.DOCUMENT_RECEIVED,
        title=title % {"agency": message.sender.name, "number": message.number_and_symbol},
        url=reverse("documents:detail", args=[copy.pk]),
    )


AXIS_ACCOUNT = "truc.lienthong"


def axis_account() -> User:
    """The account files received over the axis are recorded under (no one uploaded them): a
    disabled account that cannot sign in, created on first use."""
    user, created = User.objects.get_or_create(
        username=AXIS_ACCOUNT,
        defaults={"full_name": "Trục liên thông văn bản", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _document_type(name: str) -> DocumentType:
    found = DocumentType.objects.filter(name__iexact=name.strip()).first() if name else None
    if found is None:
        found, _created = DocumentType.objects.get_or_create(
            name=DEFAULT_TYPE_NAME, defaults={"abbreviation": "", "is_active": True}
        )
    return found


def _create_copy(
    message: edxml.Message, agency: Agency, receipt: AxisReceipt, replaces: Document | None
) -> Document:
    urgency = message.priority if 0 <= message.priority <= 4 else 0
    copy = Document.objects.create(
        agency=agency,
        direction=Direction.INCOMING,
        status=DocumentStatus.RECEIVED,
        document_type=_document_type(message.type_name),
        code_number=message.code_number[:11],
        code_notation=message.code_notation[:30],
        issued_date=message.promulgation_date,
        issuer_name=message.sender.name[:200],
        issuer_code=message.sender.organ_id[:20],
        subject=message.subject[:500],
        signer_name=message.signer.full_name[:50],
        signer_position=" ".join(
            p for p in (message.signer.competence, message.signer.position) if p
        )[:100],
        urgency=urgency,
        page_count=message.page_amount,
        due_date=message.due_date,
        description=message.content[:500],
        to_places="\n".join(message.to_places)[:1000],
        replaces=replaces,
    )
    skipped = []
    for file in message.attachments:
        upload = io.BytesIO(file.data)
        try:
            checked = check_upload(upload, file.name)
        except ValidationError as exc:
            skipped.append(f"{file.name}: {' '.join(exc.messages)}")
            continue
        blob, _new = store_blob(upload, checked)
        attachment = Attachment.objects.create(
            document=copy, title=(file.description or file.name)[:255]
        )
        version = AttachmentVersion.objects.create(
            attachment=attachment,
            version=1,
            blob=blob,
            original_name=file.name[:255],
            uploaded_by=axis_account(),
        )
        extract_text.enqueue(version.pk)
    if skipped:
        note = _("Files of the package not kept (see the original package): %(files)s") % {
            "files": "; ".join(skipped)
        }
        Document.objects.filter(pk=copy.pk).update(
            description=(copy.description + " " + note)[:500]
        )
    index_document.enqueue(copy.pk)
    return copy


def _handle_status(raw: bytes, status: edxml.Status, axis_doc_id: str) -> str:
    check = edxml.verify(raw, anchors=_trust_anchors())
    with transaction.atomic():
        delivery = (
            AxisDelivery.objects.select_for_update(of=("self",))
            .filter(
                recipient__code=status.sender.organ_id,
                outgoing__agency__code=status.response_for.organ_id,
            )
            .select_related("outgoing__agency", "recipient")
            .order_by("business_type")
        )
        match = next(
            (d for d in delivery if document_key(d.outgoing) == status.response_for.document_id),
            None,
        )
        reason = ""
        if not check.valid:
            reason = "the status is not signed" if not check.present else "bad status signature"
        elif match is None:
            reason = "the status is about no document we sent to that agency"
        _keep(
            raw,
            direction=PackageDirection.RECEIVED,
            kind=PackageKind.STATUS,
            axis_doc_id=axis_doc_id,
            document=match.outgoing if match else None,
            delivery=match,
            document_key=status.response_for.document_id[:200],
            status_code=status.code,
            from_code=status.sender.organ_id[:20],
            to_code=status.response_for.organ_id[:20],
            outcome=PackageOutcome.REFUSED if reason else PackageOutcome.ACCEPTED,
            reason=reason,
        )
        if reason or match is None:
            return "refused"
        _apply_status(match, status)
    return "status"


def _apply_status(delivery: AxisDelivery, status: edxml.Status) -> None:
    code = status.code
    AxisDeliveryEvent.objects.create(
        delivery=delivery,
        status=code,
        note=(status.description or status.meaning)[:500],
        reported_at=timezone.make_aware(status.timestamp) if status.timestamp else None,
    )
    fields = ["updated_at"]
    if code in {"15", "16"}:
        delivery.recall_status = RecallStatus.AGREED if code == "15" else RecallStatus.REFUSED
        fields.append("recall_status")
    elif code == "02":
        delivery.status = DeliveryStatus.REJECTED
        delivery.reason = status.description[:500]
        fields += ["status", "reason"]
    elif code in AXIS_PROGRESS:
        current = delivery.status
        if current not in AXIS_PROGRESS or AXIS_PROGRESS.index(code) > AXIS_PROGRESS.index(current):
            delivery.status = code
            fields.append("status")
    delivery.save(update_fields=fields)


# --- Reading --------------------------------------------------------------------------------------


def due_for_directory_sync(now: datetime | None = None) -> bool:
    latest = AxisAgency.objects.order_by("-synced_at").values_list("synced_at", flat=True).first()
    return latest is None or (now or timezone.now()) - latest > timedelta(hours=6)


# --- Recipients on the axis chosen before issue (the drafting picker) -----------------------------


def check_addressable(*, confidentiality: int, agencies: Sequence[AxisAgency]) -> None:
    """Refuse axis recipients for a confidential document (it goes on paper) or for agencies
    the axis no longer lists."""
    if not agencies:
        return
    if confidentiality != Confidentiality.NONE:
        raise ValidationError(
            _(
                "A confidential (mật) document is never sent over the document axis: send it on "
                "paper, by the confidential mail service."
            ),
            code="confidential",
        )
    inactive = [a.name for a in agencies if not a.is_active]
    if inactive:
        raise ValidationError(
            _("No longer listed by the axis: %(names)s") % {"names": ", ".join(inactive)}
        )


def addressees_of(obj: Any) -> list[AxisAgency]:
    """The axis recipients chosen for a draft (or any object), by name."""
    if obj is None or obj.pk is None:
        return []
    return [
        a.agency
        for a in AxisAddressee.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("agency")
    ]


def recipients_text(text: str, *, before: Sequence[AxisAgency], after: Sequence[AxisAgency]) -> str:
    """The "other recipients" text (printed in Nơi nhận) with the axis recipients' names: those
    no longer chosen taken out, the new ones added, one per line; what was typed is kept."""
    gone = {a.name for a in before} - {a.name for a in after}
    lines = [line for line in text.splitlines() if line.strip() and line.strip() not in gone]
    present = {line.strip() for line in lines}
    lines += [a.name for a in after if a.name not in present]
    return "\n".join(lines)[:1000]


@transaction.atomic
def set_addressees(*, obj: Any, agencies: Sequence[AxisAgency], confidentiality: int) -> None:
    """Choose the axis recipients of a draft (replacing the previous choice)."""
    check_addressable(confidentiality=confidentiality, agencies=agencies)
    content_type = ContentType.objects.get_for_model(obj)
    chosen = {a.pk for a in agencies}
    AxisAddressee.objects.filter(content_type=content_type, object_id=obj.pk).exclude(
        agency_id__in=chosen
    ).delete()
    for agency in agencies:
        AxisAddressee.objects.get_or_create(
            content_type=content_type, object_id=obj.pk, agency=agency
        )


def send_to_addressees(*, actor: User, source: Any, document: Document) -> list[AxisDelivery]:
    """The draft was issued as `document`: it goes over the axis to the agencies chosen in its
    recipient picker (in the issuing transaction; one durable job each)."""
    agencies = addressees_of(source)
    if document.replaces_id is not None:  # those get the replacement package (replace_over_axis)
        replaced_to = set(
            AxisDelivery.objects.filter(
                outgoing_id=document.replaces_id, business_type=BusinessType.NEW
            ).values_list("recipient_id", flat=True)
        )
        agencies = [a for a in agencies if a.pk not in replaced_to]
    if not agencies:
        return []
    return send_over_axis(actor=actor, document=document, agencies=agencies)
