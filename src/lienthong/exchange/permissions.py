"""Who may do what with the exchange over the document axis: one predicate per action, used by
the views and the services alike."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document
from lienthong.documents.permissions import can_register

from .constants import RequestAnswer
from .models import AxisReceipt, AxisReceiptQuerySet


def can_view_axis(user: Any, document: Document) -> bool:
    """The packages and statuses of a document: officials of the agency that holds it (the
    caller has already been shown the document through `access_document`)."""
    return bool(user.is_authenticated and user.agency_id == document.agency_id)


def can_send_axis(user: Any, document: Document) -> bool:
    """Sending over the axis: the clerk of the issuing agency, an issued outgoing document."""
    return bool(
        can_register(user)
        and user.agency_id == document.agency_id
        and document.direction == Direction.OUTGOING
        and document.status == DocumentStatus.ISSUED
    )


def can_sync_directory(user: Any) -> bool:
    """Refreshing the axis' agency directory: any clerk (it only reads the axis)."""
    return can_register(user)


def can_answer_request(user: Any, receipt: Any) -> bool:
    """Answering a revocation, update or replacement received over the axis: a clerk of the
    receiving agency."""
    return bool(can_register(user) and user.agency_id == receipt.agency_id)


def requests_answerable_by(user: Any) -> AxisReceiptQuerySet:
    """The requests received over the axis that this user answers: those waiting at the
    agency of a clerk; nothing for anyone else."""
    if not can_register(user):
        return AxisReceipt.objects.none()
    return (
        AxisReceipt.objects.of_agency(user.agency_id)
        .pending_requests()
        .select_related("target", "incoming")
        .order_by("created_at")
    )


def access_request(user: Any, pk: Any) -> AxisReceipt:
    """A request received over the axis (pending or already answered, so that a second answer
    is told why it is refused), or 404 for anyone but a clerk of the receiving agency: another
    agency's requests, and ids that are not requests, are not found."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Not found.")) from None
    receipt = AxisReceipt.objects.filter(pk=key).exclude(answer=RequestAnswer.NONE).first()
    if receipt is None or not can_answer_request(user, receipt):
        raise Http404(_("Not found."))
    return receipt
