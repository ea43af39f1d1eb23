"""Private helpers shared by the processing use cases: text checks, locking, the transition
table, history entries, labels and links for notices, and the edXML status codes reported
back to the sender."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.documents.constants import Direction
from lienthong.documents.models import Document

from ..constants import ALLOWED_TRANSITIONS, AssignmentState, EntryKind
from ..models import Assignment, ProcessingEntry

# edXML status codes the recipient reports back to the sender (QCVN 102).
STATUS_ASSIGNED = "04"
STATUS_PROCESSING = "05"
STATUS_COMPLETED = "06"

MAX_TEXT = 2000


def _transition(assignment: Assignment, new_state: AssignmentState) -> None:
    if new_state not in ALLOWED_TRANSITIONS[assignment.state]:
        raise ValidationError(
            _("This assignment is “%(state)s” and cannot become “%(new)s”.")
            % {
                "state": AssignmentState(assignment.state).label,
                "new": AssignmentState(new_state).label,
            }
        )
    assignment.state = new_state


def _clean_text(value: str, field: str, *, required: bool, message: str = "") -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": MAX_TEXT}})
    return value


def _require_incoming(document: Document) -> None:
    if document.direction != Direction.INCOMING:
        raise ValidationError(_("Only incoming documents are assigned for processing."))


def _document_label(document: Document) -> str:
    number = document.number_and_symbol
    subject = document.subject if len(document.subject) <= 80 else document.subject[:79] + "…"
    return f"{number}: {subject}" if number else subject


def _panel_url(document: Document) -> str:
    return reverse("workflows:document", args=[document.pk])


def _unit_leaders(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    leaders: dict[int, list[User]] = {}
    for user in User.objects.filter(
        unit_id__in=set(unit_ids), is_active=True, role_grants__role=Role.UNIT_LEADER
    ).distinct():
        assert user.unit_id is not None
        leaders.setdefault(user.unit_id, []).append(user)
    return leaders


def _entry(
    *,
    document: Document,
    kind: EntryKind,
    actor: User,
    at: datetime,
    assignment: Assignment | None = None,
    on_behalf_of: User | None = None,
    recipient: User | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> ProcessingEntry:
    return ProcessingEntry.objects.create(
        document=document,
        assignment=assignment,
        kind=kind,
        actor=actor,
        at=at,
        on_behalf_of=on_behalf_of,
        recipient=recipient,
        text=text,
        data=data or {},
    )


def _locked_document(document: Document) -> Document:
    """Lock the document row (not its agency's): assignments of one document are serialised."""
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("agency", "document_type")
        .get(pk=document.pk)
    )


def _locked(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "assignee_unit", "assignee_user", "parent")
        .get(pk=assignment.pk)
    )


def _audit_data(assignment: Assignment, **extra: Any) -> dict[str, Any]:
    return {"assignment": assignment.pk, "role": assignment.role, **extra}
