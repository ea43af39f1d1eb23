"""Work lists of the apps, shown as tabs of the official's queue (“Việc của tôi”) and as cards of
the dashboard. Each app registers, in its `AppConfig.ready()`, what waits for whom (received
documents to register, drafts to sign or to issue, dossier results to issue); the queue and the
dashboard read the same registered querysets, so a card and its tab always show one number.

The ground floor holds only the registry: the apps above fill it (they are not imported here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class QueueItem:
    """One row of a registered tab."""

    url: str
    title: str
    detail: str = ""
    when: date | datetime | None = None


@dataclass(frozen=True)
class QueueTab:
    """`rows(user)` is what waits for the user (a queryset, newest first); `item(row)` is how
    one row reads. `applies(user)` says whether the user has the tab at all. Tabs are shown in
    `order`, all before the assignment tabs (“To do”…)."""

    key: str
    label: Any  # a lazy translation
    applies: Callable[[Any], bool]
    rows: Callable[[Any], QuerySet[Any]]
    item: Callable[[Any], QueueItem]
    order: int = 100


_tabs: dict[str, QueueTab] = {}


def register(tab: QueueTab) -> None:
    _tabs[tab.key] = tab


def tabs_for(user: Any) -> list[QueueTab]:
    """The registered tabs this user has, in their order."""
    if not (user.is_authenticated and user.is_active and getattr(user, "agency_id", None)):
        return []
    return sorted(
        (tab for tab in _tabs.values() if tab.applies(user)), key=lambda t: (t.order, t.key)
    )
