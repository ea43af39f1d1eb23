"""Choices and rules of the processing of incoming documents (Decree 30/2020, Điều 20 to 24)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentRole(models.TextChoices):
    """What the leader asks of a unit or person (Điều 23: chủ trì, phối hợp; and để biết)."""

    LEAD = "lead", _("Lead (chủ trì)")
    SUPPORT = "support", _("Support (phối hợp)")
    INFORMATION = "information", _("For information (để biết)")


class AssignmentState(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    RETURNED = "returned", _("Returned")


# Every state change of an assignment goes through this table; the final states have no exit.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentState.OPEN: frozenset(
        {AssignmentState.IN_PROGRESS, AssignmentState.COMPLETED, AssignmentState.RETURNED}
    ),
    AssignmentState.IN_PROGRESS: frozenset({AssignmentState.COMPLETED, AssignmentState.RETURNED}),
    AssignmentState.COMPLETED: frozenset(),
    AssignmentState.RETURNED: frozenset(),
}

# States in which somebody still has to act.
ACTIONABLE_STATES = (AssignmentState.OPEN, AssignmentState.IN_PROGRESS)
FINAL_STATES = (AssignmentState.COMPLETED, AssignmentState.RETURNED)


class EntryKind(models.TextChoices):
    """One line of a document's processing history (append-only)."""

    PRESENTED = "presented", _("Presented to the leader")
    ASSIGNED = "assigned", _("Assigned by the agency leader")
    REASSIGNED = "reassigned", _("Assigned by the unit leader")
    PROGRESS = "progress", _("Progress")
    PROPOSAL = "proposal", _("Proposal of the handler")
    COMPLETED = "completed", _("Completed")
    RETURNED = "returned", _("Returned")


class ReturnTarget(models.TextChoices):
    ASSIGNER = "assigner", _("To whoever assigned it")
    CLERK = "clerk", _("To the clerk (văn thư)")


class Queue(models.TextChoices):
    """The tabs of a work queue."""

    TODO = "todo", _("To do")
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    DONE = "done", _("Done")


class Scope(models.TextChoices):
    """Whose work a queue shows."""

    MINE = "me", _("Mine")
    UNIT = "unit", _("My unit")
    GIVEN = "given", _("Assigned by me")


# “Due soon”: the deadline falls within this many working days from today.
DUE_SOON_WORKING_DAYS = 2
# The longest deadline a leader may give in working days (about a year and a half).
MAX_WORKING_DAYS = 400
