"""The official's work queue (“Việc của tôi”): its tabs in order, their sizes, and the tab it
opens on. The dashboard's cards read the same counts, so a card and its tab always agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class QueueSetting:
    """What a queue page or the dashboard needs about the user and the day, each read once per
    request: the tabs in their order with their labels and the tabs other apps registered
    (`core.queues`), the units the user leads (`led_unit_ids`), whether they give
    instructions, and the “due soon” cutoff."""

    tabs: list[str]
    labels: dict[str, str]
    registered: list[Any]
    led: list[int]
    instructs: bool
    today: date
    cutoff: date


def queue_setting(user: User) -> QueueSetting:
    """The leader's documents awaiting instructions first, then what the apps registered
    (drafts to sign, received documents to register, results to issue…), then the assignment
    queues."""
    registered = queues.tabs_for(user)
    instructs = gives_instructions(user)
    tabs: list[str] = []
    if instructs or user.has_role(Role.CLERK):
        tabs.append(AWAITING)
    tabs += [tab.key for tab in registered]
    tabs += list(Queue.values)
    labels = {
        **dict(Queue.choices),
        AWAITING: _("Awaiting instructions"),
        **{tab.key: str(tab.label) for tab in registered},
    }
    today = timezone.localdate()
    return QueueSetting(
        tabs=tabs,
        labels=labels,
        registered=registered,
        led=led_unit_ids(user),
        instructs=instructs,
        today=today,
        cutoff=due_soon_cutoff(today),
    )


def queue_counts(
    user: User, scope: str = Scope.MINE, setting: QueueSetting | None = None
) -> tuple[dict[str, int], Any]:
    """The size of every tab of the user's queue (as the queue page shows them), and the
    assignments of the scope."""
    setting = setting or queue_setting(user)
    led = setting.led
    if scope == Scope.UNIT:
        base = Assignment.objects.visible_to(user, led).of_units(led)
    elif scope == Scope.GIVEN:
        base = Assignment.objects.visible_to(user, led).given_by(user)
    else:
        base = Assignment.objects.work_of(user, led)
    counts: dict[str, int] = base.queue_counts(setting.today, setting.cutoff)
    if AWAITING in setting.tabs:
        counts[AWAITING] = count_up_to(awaiting_instruction(Document.objects.visible_to(user)))
    for tab in setting.registered:
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
