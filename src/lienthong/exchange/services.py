"""Delivery of documents between agencies of the platform, and the status the recipient
reports back to the sender (edXML status codes 01 to 06, recall 13/15/16).

Issuing a document schedules one Delivery per recipient agency in the same transaction, with a
background job each; the job creates the recipient's copy exactly once (the Delivery row is
locked and remembers its copy), so a crash or a re-run never loses or doubles a document."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.core.events import publish
from lienthong.documents.constants import Direction, DocumentStatus, ProcessingStatus
from lienthong.documents.models import Attachment, AttachmentVersion, Document
from lienthong.documents.permissions import require_clerk
from lienthong.documents.services import register_received
from lienthong.documents.tasks import FINISHED, extract_text, index_document
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify
from lienthong.signatures.services import enqueue_verification

from . import axis_services, tasks
from .constants import PROGRESS_ORDER, DeliveryStatus, RecallStatus
from .events import DocumentDelivered, DocumentRecalled
from .models import Delivery, DeliveryEvent


def _event(delivery: Delivery, status: str, actor: Any = None, note: str = "") -> None:
    DeliveryEvent.objects.create(delivery=delivery, status=status, actor=actor, note=note[:500])


def schedule_deliveries(*, document: Document) -> list[Delivery]:
    """Called by `issue_outgoing` inside its transaction: one delivery and one job per
    recipient agency of the platform (confidential documents are delivered like the others,
    inside the platform; they never leave it)."""
    deliveries = []
    for recipient in document.recipient_agencies.all():
        delivery, created = Delivery.objects.get_or_create(outgoing=document, recipient=recipient)
        if created:
            tasks.deliver.enqueue(delivery.pk)
        deliveries.append(delivery)
    return deliveries


@transaction.atomic
def make_delivery(*, delivery_id: int) -> Document | None:
    """The job's work: create the recipient's copy with its files, once."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("outgoing", "recipient")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.incoming_id is not None:
        return None  # already delivered (a re-run after a crash)
    if delivery.recall_status == RecallStatus.AGREED:
        return None  # recalled before it went out
    source = delivery.outgoing
    copy = Document.objects.create(
        agency=delivery.recipient,
        direction=Direction.INCOMING,
        status=DocumentStatus.RECEIVED,
        document_type=source.document_type,
        code_number=source.code_number,
        code_notation=source.code_notation,
        issued_date=source.issued_date,
        issuer_name=source.agency.name,
        issuer_code=source.agency.code,
        issuer_agency=source.agency,
        subject=source.subject,
        signer_name=source.signer_name,
        signer_position=source.signer_position,
        urgency=source.urgency,
        confidentiality=source.confidentiality,
        page_count=source.page_count,
        due_date=source.due_date,
        description=source.description,
        created_by=None,
        replaces=_recipient_copy_of(source.replaces, delivery.recipient_id),
    )
    for attachment in Attachment.objects.filter(document=source).prefetch_related("versions"):
        current = attachment.current
        if current is None:
            continue
        new = Attachment.objects.create(document=copy, title=attachment.title)
        # The sender's text when it is read already; otherwise the copy's own job reads it (or
        # takes it from the sender's when that finishes first): a copy made while the sender's
        # text was still being read must not wait for ever.
        known = current.text_status in FINISHED
        version = AttachmentVersion.objects.create(
            attachment=new,
            version=1,
            blob=current.blob,
            original_name=current.original_name,
            uploaded_by=current.uploaded_by,
            text=current.text if known else "",
            text_status=current.text_status if known else ProcessingStatus.PENDING,
            ocr_used=current.ocr_used if known else False,
        )
        if not known:
            extract_text.enqueue(version.pk)

        enqueue_verification(blob=current.blob)
    delivery.incoming = copy
    delivery.status = DeliveryStatus.RECEIVED
    delivery.save(update_fields=["incoming", "status", "updated_at"])
    _event(delivery, DeliveryStatus.RECEIVED, note=_("Received automatically by the platform."))
    record_event(
        action="delivery.received",
        obj=copy,
        data={"from": source.agency.code, "outgoing": source.pk, "delivery": delivery.pk},
    )
    publish(DocumentDelivered(delivery=delivery, outgoing=source, incoming=copy))

    index_document.enqueue(copy.pk)
    clerks = User.objects.active().filter(agency=delivery.recipient).with_role(Role.CLERK)
    notify(
        recipients=clerks,
        kind=NotificationKind.DOCUMENT_RECEIVED,
        title=_("New document from %(agency)s: %(number)s")
        % {"agency": source.agency.name, "number": source.number_and_symbol},
        url=reverse("documents:detail", args=[copy.pk]),
    )
    return copy


def _recipient_copy_of(outgoing: Document | None, recipient_id: int) -> Document | None:
    if outgoing is None:
        return None
    delivery = Delivery.objects.filter(outgoing=outgoing, recipient_id=recipient_id).first()
    return delivery.incoming if delivery else None


def _delivery_of(document: Document) -> Delivery:
    delivery = Delivery.objects.select_for_update(of=("self",)).filter(incoming=document).first()
    if delivery is None:
        raise ValidationError(_("This document did not arrive through the platform."))
    return delivery


@transaction.atomic
def accept_delivered(*, actor: User, document: Document) -> Document:
    """The recipient's clerk registers a delivered document (status 03, đã tiếp nhận); one
    that came over the document axis tells its sender the same way."""
    if not Delivery.objects.filter(incoming=document).exists():
        if axis_services.receipt_of(document) is None:
            raise ValidationError(_("This document did not arrive through the platform."))
        registered = register_received(actor=actor, document=document)
        axis_services.report_axis_status(
            document=registered,
            code=DeliveryStatus.ACCEPTED,
            description=_("Registered as arrival number %(number)s.")
            % {"number": registered.arrival_number},
        )
        return registered
    delivery = _delivery_of(document)
    if delivery.recall_status in {RecallStatus.REQUESTED, RecallStatus.AGREED}:
        raise ValidationError(_("The sender has recalled this document."))
    registered = register_received(actor=actor, document=document)
    delivery.status = DeliveryStatus.ACCEPTED
    delivery.save(update_fields=["status", "updated_at"])
    _event(delivery, DeliveryStatus.ACCEPTED, actor)
    return registered


@transaction.atomic
def reject_delivered(*, actor: User, document: Document, reason: str) -> Document:
    """Từ chối tiếp nhận: wrong recipient, errors, not competent (status 02, reason required)."""
    require_clerk(actor)
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if document.agency_id != actor.agency_id or document.status != DocumentStatus.RECEIVED:
        raise ValidationError(_("Only a received, not yet registered document can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the document is returned.")})
    if not Delivery.objects.filter(incoming=document).exists():
        if axis_services.receipt_of(document) is None:
            raise ValidationError(_("This document did not arrive through the platform."))
        document.status = DocumentStatus.REJECTED
        document.save(update_fields=["status", "updated_at"])
        axis_services.report_axis_status(
            document=document, code=DeliveryStatus.REJECTED, description=reason.strip()
        )
        record_event(action="delivery.rejected", actor=actor, obj=document, data={"reason": reason})
        return document
    delivery = _delivery_of(document)
    document.status = DocumentStatus.REJECTED
    document.save(update_fields=["status", "updated_at"])
    delivery.status = DeliveryStatus.REJECTED
    delivery.reason = reason.strip()[:500]
    delivery.save(update_fields=["status", "reason", "updated_at"])
    _event(delivery, DeliveryStatus.REJECTED, actor, reason)
    record_event(action="delivery.rejected", actor=actor, obj=document, data={"reason": reason})
    senders = User.objects.active().filter(agency=delivery.outgoing.agency).with_role(Role.CLERK)
    notify(
        recipients=senders,
        kind=NotificationKind.RETURNED,
        title=_("%(agency)s returned %(number)s")
        % {"agency": document.agency.name, "number": delivery.outgoing.number_and_symbol},
        url=reverse("documents:detail", args=[delivery.outgoing_id]),
        actor=actor,
    )
    return document


def report_status(*, document: Any, status: str, actor: Any = None, note: str = "") -> None:
    """The recipient's processing of a delivered document moved on (04 assigned, 05 being
    processed, 06 completed): tell the sender. Statuses only move forward; documents that did
    not arrive through the platform are ignored; those that came over the document axis tell
    their sender with a status package."""
    with transaction.atomic():
        if status in PROGRESS_ORDER:
            axis_services.report_axis_status(document=document, code=status, description=note)
        delivery = (
            Delivery.objects.select_for_update(of=("self",)).filter(incoming_id=document.pk).first()
        )
        if delivery is None or status not in PROGRESS_ORDER:
            return
        current = delivery.status
        if current not in PROGRESS_ORDER or PROGRESS_ORDER.index(status) <= PROGRESS_ORDER.index(
            current
        ):
            return
        delivery.status = status
        delivery.save(update_fields=["status", "updated_at"])
        _event(delivery, status, actor, note)


@transaction.atomic
def recall(*, actor: User, outgoing: Document, reason: str) -> Document:
    """Thu hồi (status 13): the sender's clerk recalls an issued document. Copies not yet
    registered are withdrawn at once; a recipient that registered it is asked to agree."""
    require_clerk(actor)
    outgoing = Document.objects.select_for_update(of=("self",)).get(pk=outgoing.pk)
    if outgoing.agency_id != actor.agency_id or outgoing.status != DocumentStatus.ISSUED:
        raise ValidationError(_("Only an issued document of your agency can be recalled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the document is recalled.")})
    outgoing.status = DocumentStatus.RECALLED
    outgoing.save(update_fields=["status", "updated_at"])
    for delivery in Delivery.objects.select_for_update(of=("self",)).filter(outgoing=outgoing):
        _event(delivery, RecallStatus.REQUESTED, actor, reason)
        copy = delivery.incoming
        if copy is None or copy.status in {DocumentStatus.RECEIVED, DocumentStatus.REJECTED}:
            delivery.recall_status = RecallStatus.AGREED
            if copy is not None:
                Document.objects.filter(pk=copy.pk).update(status=DocumentStatus.RECALLED)
            _event(delivery, RecallStatus.AGREED, None, _("Withdrawn before registration."))
            publish(DocumentRecalled(delivery=delivery, outgoing=outgoing, reason=reason.strip()))
        else:
            delivery.recall_status = RecallStatus.REQUESTED
            clerks = User.objects.active().filter(agency=delivery.recipient).with_role(Role.CLERK)
            notify(
                recipients=clerks,
                kind=NotificationKind.DOCUMENT_RECEIVED,
                title=_("%(agency)s recalls %(number)s")
                % {"agency": outgoing.agency.name, "number": outgoing.number_and_symbol},
                url=reverse("documents:detail", args=[copy.pk]),
                actor=actor,
            )
        delivery.reason = reason.strip()[:500]
        delivery.save(update_fields=["recall_status", "reason", "updated_at"])
    axis_services.recall_over_axis(actor=actor, document=outgoing, reason=reason)
    record_event(action="document.recalled", actor=actor, obj=outgoing, data={"reason": reason})
    return outgoing


@transaction.atomic
def answer_recall(*, actor: User, document: Document, agree: bool, reason: str = "") -> Document:
    """The recipient's clerk agrees (15: the copy is withdrawn) or refuses (16, with a reason)."""
    require_clerk(actor)
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if document.agency_id != actor.agency_id:
        raise ValidationError(_("This document belongs to another agency."))
    delivery = _delivery_of(document)
    if delivery.recall_status != RecallStatus.REQUESTED:
        raise ValidationError(_("No recall is waiting for an answer."))
    if not agree and not reason.strip():
        raise ValidationError({"reason": _("Say why the recall is refused.")})
    if agree:
        document.status = DocumentStatus.RECALLED
        document.save(update_fields=["status", "updated_at"])
    delivery.recall_status = RecallStatus.AGREED if agree else RecallStatus.REFUSED
    delivery.save(update_fields=["recall_status", "updated_at"])
    _event(delivery, delivery.recall_status, actor, reason)
    if agree:
        publish(
            DocumentRecalled(
                delivery=delivery, outgoing=delivery.outgoing, reason=delivery.reason or reason
            )
        )
    record_event(
        action="delivery.recall_answered",
        actor=actor,
        obj=document,
        data={"agree": agree, "reason": reason},
    )
    return document


def recall_pending(*, document: Document) -> bool:
    return Delivery.objects.filter(incoming=document, recall_status=RecallStatus.REQUESTED).exists()
