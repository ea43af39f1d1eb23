"""Who may do what on the portal: the one chokepoint views and services share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

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


def feedback_visible_to(user: Any) -> QuerySet[Feedback]:
    """The feedback an official reads and answers: what was sent to their agency, for its
    specialists and leaders; nothing for anyone else."""
    if not can_handle_feedback(user):
        return Feedback.objects.none()
    return Feedback.objects.of_agency(user.agency_id)


def access_feedback(user: Any, pk: Any) -> Feedback:
    """One feedback for its agency's specialists and leaders; 404 for anyone else, the same
    answer as for a feedback that does not exist."""
    feedback = feedback_visible_to(user).filter(pk=pk).select_related("agency", "procedure").first()
    if feedback is None or not can_answer_feedback(user, feedback):
        raise Http404(_("Not found."))
    return feedback
