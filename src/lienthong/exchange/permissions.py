"""Who may do what with the exchange over the document axis: one predicate per action, used by
the views and the services alike."""

from __future__ import annotations

from typing import Any

from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document
from lienthong.documents.permissions import can_register


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
