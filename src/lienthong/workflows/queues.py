"""The official's work queue (“Việc của tôi”): its tabs in order, their sizes, and the tab it
opens on. The dashboard's cards read the same counts, so a card and its tab always agree."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core import queues
from lienthong.core.pagination import count_up_to
from lienthong.documents.models import Document

from .constants import Queue, Scope
from .models import Assignment
from .permissions import leader_delegators
from .querysets import awaiting_instruction, due_soon_cutoff, led_unit_ids

AWAITING = "awaiting"


def gives_instructions(user: User) -> bool:
    """An agency leader, or a delegate of one now."""
    if user.agency is None:
        return False
    return user.has_role(Role.AGENCY_LEADER) or bool(leader_delegators(user, user.agency))


def queue_tabs(user: User) -> tuple[list[str], dict[str, str], list[Any]]:
    """The tabs of the user's queue in their order, their labels, and the tabs other apps
    registered (`core.queues`): the leader's documents awaiting instructions first, then what
    the apps registered (drafts to sign, received documents to register, results to issue…),
    then the assignment queues."""
    registered = queues.tabs_for(user)
    tabs: list[str] = []
    if gives_instructions(user) or user.has_role(Role.CLERK):
        tabs.append(AWAITING)
    tabs += [tab.key for tab in registered]
    tabs += list(Queue.values)
    labels = {
        **dict(Queue.choices),
        AWAITING: _("Awaiting instructions"),
        **{tab.key: str(tab.label) for tab in registered},
    }
    return tabs, labels, registered


def queue_counts(user: User, scope: str = Scope.MINE) -> tuple[dict[str, int], Any]:
    """The size of every tab of the user's queue (as the queue page shows them), and the
    assignments of the scope."""
    today = timezone.localdate()
    cutoff = due_soon_cutoff(today)
    led = led_unit_ids(user)
    if scope == Scope.UNIT:
        base = Assignment.objects.visible_to(user).of_units(led)
    elif scope == Scope.GIVEN:
        base = Assignment.objects.visible_to(user).given_by(user)
    else:
        base = Assignment.objects.work_of(user)
    counts: dict[str, int] = base.queue_counts(today, cutoff)
    tabs, _labels, registered = queue_tabs(user)
    if AWAITING in tabs:
        counts[AWAITING] = count_up_to(
            awaiting_instruction(Document.objects.visible_to(user), user)
        )
    for tab in registered:
        counts[tab.key] = count_up_to(tab.rows(user))
    return counts, base


def default_tab(tabs: list[str], counts: dict[str, int]) -> str:
    """The first tab with something waiting, before the overdue and done ones; “To do” when
    nothing waits (a queue never opens on an empty tab beside a card that says 1)."""
    for tab in tabs:
        if tab in (Queue.OVERDUE, Queue.DUE_SOON, Queue.DONE):
            continue
        if counts.get(tab, 0):
            return tab
    return Queue.TODO
