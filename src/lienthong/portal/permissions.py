"""Who may do what on the portal: the one chokepoint views and services share."""

from __future__ import annotations

from typing import Any

from lienthong.accounts.constants import Role
from lienthong.documents.constants import Confidentiality, Direction, DocumentStatus
from lienthong.documents.models import Document

from .models import Feedback, PublishedDocument


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


# Who answers citizens' feedback sent to their agency: its specialists and leaders.
FEEDBACK_ROLES = (Role.SPECIALIST, Role.UNIT_LEADER, Role.AGENCY_LEADER)


def can_handle_feedback(user: Any) -> bool:
    """Whether the user sees their agency's feedback inbox."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.agency_id
        and any(user.has_role(role) for role in FEEDBACK_ROLES)
    )


def can_answer_feedback(user: Any, feedback: Feedback) -> bool:
    """A specialist or leader of the agency the feedback was sent to."""
    return can_handle_feedback(user) and user.agency_id == feedback.agency_id
