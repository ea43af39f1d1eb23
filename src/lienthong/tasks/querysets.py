"""Reads of tasks. `visible_to` is the only place deciding who sees a task: the officials of the
agency that gave it, of the agency in charge, and of the supporting agencies and units; nobody
else (the same agency scoping as documents)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from .constants import DONE_STATES, OPEN_STATES, TaskState, Timeliness

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User

    from .models import Task  # noqa: F401


def timeliness_condition(timeliness: str, today: date) -> Q:
    """The SQL condition of one column of the board (see `Task.timeliness`)."""
    if timeliness == Timeliness.IN_TIME:
        return Q(state__in=OPEN_STATES, deadline__gte=today)
    if timeliness == Timeliness.OVERDUE:
        return Q(state__in=OPEN_STATES, deadline__lt=today)
    if timeliness == Timeliness.DONE_ON_TIME:
        return Q(state__in=DONE_STATES, completed_on__lte=models.F("deadline"))
    if timeliness == Timeliness.DONE_LATE:
        return Q(state__in=DONE_STATES, completed_on__gt=models.F("deadline"))
    if timeliness == Timeliness.CANCELLED:
        return Q(state=TaskState.CANCELLED)
    raise ValueError(timeliness)


def counts_aggregate(today: date) -> dict[str, Any]:
    """The board's counters as one aggregate (one query)."""
    return {
        "given": Count("id", filter=~Q(state=TaskState.CANCELLED)),
        **{t.value: Count("id", filter=timeliness_condition(t.value, today)) for t in Timeliness},
    }


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: User | AnonymousUser) -> TaskQuerySet:
        if not (user.is_authenticated and user.is_active) or user.agency_id is None:
            return self.none()
        agency_id = user.agency_id
        through_agencies = self.model.supporting_agencies.through
        through_units = self.model.supporting_units.through
        return self.filter(
            Q(agency_id=agency_id)
            | Q(owner_agency_id=agency_id)
            | Exists(through_agencies.objects.filter(task_id=OuterRef("pk"), agency_id=agency_id))
            | Exists(
                through_units.objects.filter(task_id=OuterRef("pk"), unit__agency_id=agency_id)
            )
        )

    def open(self) -> TaskQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: date) -> TaskQuerySet:
        return self.filter(timeliness_condition(Timeliness.OVERDUE, today))

    def due_within(self, today: date, cutoff: date) -> TaskQuerySet:
        """Open and due between today and `cutoff` (both included)."""
        return self.open().filter(deadline__gte=today, deadline__lte=cutoff)

    def with_timeliness(self, timeliness: str, today: date) -> TaskQuerySet:
        return self.filter(timeliness_condition(timeliness, today))

    def given_between(self, start: date, end: date) -> TaskQuerySet:
        return self.filter(given_at__date__gte=start, given_at__date__lte=end)

    def owned_by_user(self, user: User) -> TaskQuerySet:
        """Tasks the user carries out: given to them, to their unit, or to their agency."""
        condition = Q(owner_user_id=user.pk)
        if user.unit_id is not None:
            condition |= Q(owner_unit_id=user.unit_id, owner_user__isnull=True)
        return self.filter(condition)

    def for_list(self) -> TaskQuerySet:
        return self.select_related(
            "agency", "giver", "owner_agency", "owner_unit", "owner_user", "source_document"
        )
