"""Who may do what on the portal: the one chokepoint views and services share."""

from __future__ import annotations

from typing import Any

from lienthong.accounts.constants import Role
from lienthong.documents.constants import Confidentiality, Direction, DocumentStatus
from lienthong.documents.models import Document

from .models import PublishedDocument


def can_publish_document(user: Any, document: Document) -> bool:
    """A clerk of the issuing agency, for an issued outgoing document that is not confidential
    (a document marked độ mật never goes to the public)."""
    return bool(
        user.is_authenticated
        and user.has_role(Role.CLERK)
        and user.agency_id == document.agency_id
        and document.direction == Direction.OUTGOING
        and document.status == DocumentStatus.ISSUED
        and document.confidentiality == Confidentiality.NONE
    )


def can_withdraw_publication(user: Any, publication: PublishedDocument) -> bool:
    return bool(
        user.is_authenticated
        and user.has_role(Role.CLERK)
        and user.agency_id == publication.document.agency_id
    )
