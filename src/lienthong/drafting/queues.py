"""The drafting app's tabs of the official's queue (see `core.queues`): drafts awaiting the
user's review, comments or signature, and the clerk's approved drafts awaiting issue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role
from lienthong.core.queues import QueueItem, QueueTab, register

from .constants import DraftState
from .models import Draft


def _item(draft: Draft) -> QueueItem:
    return QueueItem(
        url=draft.get_absolute_url(),
        title=f"{draft.document_type.name} — {draft.subject}",
        detail=str(draft.get_state_display()),
        when=draft.updated_at,
    )


def awaiting_me(user: Any) -> QuerySet[Draft]:
    """Drafts waiting for the user's review, comments or signature (or back to its author);
    those approved and awaiting issue are the clerk's other tab."""
    return (
        Draft.objects.awaiting_action_of(user)
        .exclude(state=DraftState.APPROVED)
        .for_list()
        .order_by("-id")
    )


def to_issue(user: Any) -> QuerySet[Draft]:
    return (
        Draft.objects.awaiting_action_of(user)
        .filter(state=DraftState.APPROVED)
        .for_list()
        .order_by("-id")
    )


def register_queues() -> None:
    register(
        QueueTab(
            key="drafts",
            label=_("Drafts awaiting my action"),
            applies=lambda user: True,
            rows=awaiting_me,
            item=_item,
            order=10,
        )
    )
    register(
        QueueTab(
            key="drafts_to_issue",
            label=_("Approved drafts awaiting issue"),
            applies=lambda user: user.has_role(Role.CLERK),
            rows=to_issue,
            item=_item,
            order=30,
        )
    )
