"""Reads of assignments and processing history. The work queues (to do, overdue, due soon,
done) are filters the database evaluates; the only Python computation is the due-soon cutoff
date, worked out once per request with the working-day calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeGuard

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Delegation
from lienthong.accounts.querysets import may_act_for_others
from lienthong.core.pagination import count_up_to
from lienthong.core.workdays import add_working_days
from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document
from lienthong.documents.querysets import visible_condition

from .constants import (
    ACTIONABLE_STATES,
    DUE_SOON_WORKING_DAYS,
    FINAL_STATES,
    AssignmentRole,
    AssignmentState,
    EntryKind,
    Queue,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User

    from .models import Assignment, ProcessingEntry  # noqa: F401

# Sorts assignments without a deadline after every dated one.
NO_DEADLINE = date(9999, 12, 31)


def _active_official(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def led_unit_ids(user: Any, when: Any = None) -> list[int]:
    """The units whose leader `user` is, directly or as the delegate (ủy quyền) of a unit
    leader of the same agency during an active delegation. One query for the delegations."""
    if not _active_official(user):
        return []
    units: list[int] = []
    if user.unit_id and user.has_role(Role.UNIT_LEADER):
        units.append(user.unit_id)
    if when is None and not may_act_for_others(user):
        return units
    delegated = (
        Delegation.objects.active_at(when)
        .filter(
            delegate_id=user.pk,
            delegator__is_active=True,
            delegator__agency_id=user.agency_id,  # type: ignore[misc]  # set: _active_official
            delegator__unit__isnull=False,
            delegator__role_grants__role=Role.UNIT_LEADER,
        )
        .values_list("delegator__unit_id", flat=True)
    )
    units.extend(unit for unit in delegated if unit not in units)
    return units


def due_soon_cutoff(today: date, within: int = DUE_SOON_WORKING_DAYS) -> date:
    """The last day that counts as “due soon”: `within` working days after today."""
    return add_working_days(today, within)


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(
        self, user: User | AnonymousUser, led: list[int] | None = None
    ) -> AssignmentQuerySet:
        """Assignments of documents the user may see, and those the user handles (a handler
        of a confidential document sees the assignments given to them). `led`: the user's
        `led_unit_ids`, when the caller has them already."""
        if not _active_official(user):
            return self.none()
        return self.filter(document__agency_id=user.agency_id).filter(
            visible_condition(user, "document__")
            | Q(assignee_user_id=user.pk)
            | Q(assignee_unit_id__in=led_unit_ids(user) if led is None else led)
        )

    # --- Whose work ---------------------------------------------------------------------------

    def handled_by(self, user: Any, led: list[int] | None = None) -> AssignmentQuerySet:
        """What the user has to do: given to them, or to a unit they lead."""
        if not _active_official(user):
            return self.none()
        units = led_unit_ids(user) if led is None else led
        return self.filter(Q(assignee_user_id=user.pk) | Q(assignee_unit_id__in=units))

    def work_of(self, user: Any, led: list[int] | None = None) -> AssignmentQuerySet:
        """The user's own work in their agency: the same rows as
        `visible_to(user).handled_by(user)` (what is given to a user or to a unit they lead is
        visible to them: `visible_to`'s second branch), without the per-document visibility
        test, which PostgreSQL cannot tell is redundant here: at 1M documents it hash-joined the
        agency's whole archive and made the queue's counts ten times slower."""
        if not _active_official(user):
            return self.none()
        return self.filter(document__agency_id=user.agency_id).handled_by(user, led)

    def of_units(self, unit_ids: Iterable[int]) -> AssignmentQuerySet:
        """Everything given to the units or to their people (the unit leader's view)."""
        ids = list(unit_ids)
        return self.filter(Q(assignee_unit_id__in=ids) | Q(assignee_user__unit_id__in=ids))

    def given_by(self, user: Any) -> AssignmentQuerySet:
        """Assignments the user gave, themselves or through a delegate (to follow up, Điều 24)."""
        return self.filter(Q(assigned_by_id=user.pk) | Q(on_behalf_of_id=user.pk))

    def top_level(self) -> AssignmentQuerySet:
        return self.filter(parent__isnull=True)

    def active(self) -> AssignmentQuerySet:
        """Not returned: the assignments that stand (open, in progress or completed)."""
        return self.exclude(state=AssignmentState.RETURNED)

    # --- Queues -------------------------------------------------------------------------------

    def actionable(self) -> AssignmentQuerySet:
        return self.filter(state__in=ACTIONABLE_STATES)

    def finished(self) -> AssignmentQuerySet:
        return self.filter(state__in=FINAL_STATES)

    def overdue(self, today: date | None = None) -> AssignmentQuerySet:
        today = today or timezone.localdate()
        return self.actionable().filter(deadline__lt=today)

    def due_within(self, today: date, cutoff: date) -> AssignmentQuerySet:
        return self.actionable().filter(deadline__gte=today, deadline__lte=cutoff)

    def due_soon(
        self, today: date | None = None, within: int = DUE_SOON_WORKING_DAYS
    ) -> AssignmentQuerySet:
        today = today or timezone.localdate()
        return self.due_within(today, due_soon_cutoff(today, within))

    def in_queue(
        self, queue: Queue | str, today: date | None = None, cutoff: date | None = None
    ) -> AssignmentQuerySet:
        today = today or timezone.localdate()
        if queue == Queue.OVERDUE:
            return self.overdue(today)
        if queue == Queue.DUE_SOON:
            return self.due_within(today, cutoff or due_soon_cutoff(today))
        if queue == Queue.DONE:
            return self.finished()
        return self.actionable()

    def queue_counts(self, today: date | None = None, cutoff: date | None = None) -> dict[str, int]:
        """The size of every tab: the work at hand in one query over the actionable rows (an
        index range: it does not grow with the finished work of past years), and the finished
        work counted up to COUNT_CAP + 1 (shown as "999+")."""
        today = today or timezone.localdate()
        cutoff = cutoff or due_soon_cutoff(today)
        counts = self.filter(state__in=ACTIONABLE_STATES).aggregate(
            todo=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today)),
            due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=cutoff)),
        )
        counts["done"] = count_up_to(self.filter(state__in=FINAL_STATES))
        return {key: value or 0 for key, value in counts.items()}

    def for_list(self, today: date | None = None) -> AssignmentQuerySet:
        """Everything a queue row shows, joined; `deadline_key` sorts undated work last and
        `is_overdue` is decided by the database."""
        today = today or timezone.localdate()
        return self.select_related(
            "document",
            "document__document_type",
            "assignee_unit",
            "assignee_user",
            "assigned_by",
            "on_behalf_of",
            "parent",
            "parent__assignee_unit",
        ).annotate(
            deadline_key=Coalesce("deadline", Value(NO_DEADLINE), output_field=models.DateField()),
            # CASE, not a bare comparison: an undated row must read False, not NULL.
            is_overdue=Case(
                When(Q(state__in=ACTIONABLE_STATES, deadline__lt=today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )


def page_after(
    queryset: AssignmentQuerySet, queue: Queue | str, cursor: str, size: int
) -> tuple[list[Assignment], str]:
    """Keyset pages (no OFFSET, no COUNT). Work to do is ordered by deadline, then id (undated
    last); done work newest first. `cursor` is the value returned for the previous page."""
    if queue == Queue.DONE:
        queryset = queryset.order_by("-id")
        if cursor:
            try:
                queryset = queryset.filter(id__lt=int(cursor))
            except ValueError:
                queryset = queryset.none()
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return rows, (str(rows[-1].pk) if more and rows else "")
    queryset = queryset.order_by(F("deadline_key").asc(), "id")
    if cursor:
        try:
            day_text, id_text = cursor.split(":", 1)
            day, last_id = date.fromisoformat(day_text), int(id_text)
        except ValueError:
            queryset = queryset.none()
        else:
            queryset = queryset.filter(
                Q(deadline_key__gt=day) | Q(deadline_key=day, id__gt=last_id)
            )
    # A deferred join: the page's ids are sorted over the assignments alone (the work at hand can
    # be hundreds of rows), and only those rows are read with everything the page shows joined.
    ids = list(queryset.values_list("pk", flat=True)[: size + 1])
    found = queryset.in_bulk(ids)
    rows = [found[pk] for pk in ids if pk in found]
    more = len(rows) > size
    rows = rows[:size]
    if not (more and rows):
        return rows, ""
    last = rows[-1]
    return rows, f"{last.deadline_key.isoformat()}:{last.pk}"  # type: ignore[attr-defined]


class ProcessingEntryQuerySet(models.QuerySet["ProcessingEntry"]):
    def of_document(self, document: Document) -> ProcessingEntryQuerySet:
        return (
            self.filter(document=document)
            .select_related(
                "actor",
                "on_behalf_of",
                "recipient",
                "assignment__assignee_unit",
                "assignment__assignee_user",
            )
            .order_by("at", "id")
        )


def awaiting_instruction(documents: models.QuerySet[Document]) -> Any:
    """Incoming documents with no standing lead assignment: the agency leader's tray, newest
    first. Filters for the database; pass `Document.objects.visible_to(user)`."""
    # The models are defined in models.py, which imports this module.
    assignments = apps.get_model("workflows", "Assignment").objects
    standing_lead = assignments.filter(
        document=OuterRef("pk"), parent__isnull=True, role=AssignmentRole.LEAD
    ).exclude(state=AssignmentState.RETURNED)
    return (
        documents.filter(direction=Direction.INCOMING, status=DocumentStatus.REGISTERED)
        .filter(~Exists(standing_lead))
        .order_by("-id")
    )


def awaiting_page(
    documents: models.QuerySet[Document], user: Any, *, after: int | None, size: int
) -> tuple[list[Document], str]:
    """One page of the leader's tray (`awaiting_instruction`) after the id `after`, and the
    cursor of the next page ("" at the end). Each row is annotated `presented_to_me` (the
    clerk presented it to this user).

    The page's ids are found first, and only those rows are read with the flag: asked of the
    whole tray, PostgreSQL plans the flag for every row it might return and hashes every entry
    ever presented to the leader before the LIMIT applies (480,000 of them, 0.6 s, at ten
    million documents)."""
    awaiting = awaiting_instruction(documents)
    if after is not None:
        awaiting = awaiting.filter(id__lt=after)
    ids = list(awaiting.values_list("pk", flat=True)[: size + 1])
    entries = apps.get_model("workflows", "ProcessingEntry").objects
    presented = entries.filter(
        document=OuterRef("pk"), kind=EntryKind.PRESENTED, recipient_id=user.pk
    )
    rows: list[Document] = list(
        documents.filter(pk__in=ids[:size])
        .annotate(presented_to_me=Exists(presented))
        .select_related("document_type")
        .order_by("-id")
    )
    return rows, (str(ids[size - 1]) if len(ids) > size else "")
