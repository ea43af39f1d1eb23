"""Names and rules of the follow-up of tasks (nhiệm vụ): what leaders decide, followed until it is
done. Not background jobs: those are django-tasks' jobs, see `jobs.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# A task given in working days gets at most this many (about a year).
MAX_WORKING_DAYS = 250
# "Due soon" reminders start this many working days before the deadline.
DUE_SOON_WORKING_DAYS = 2
MAX_TEXT = 4000


class TaskState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Reported done, awaiting evaluation")
    EVALUATED = "evaluated", _("Done and evaluated")
    CANCELLED = "cancelled", _("Cancelled")


# The transitions the services allow. A completion the giver does not accept goes back to work.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskState.IN_PROGRESS: frozenset({TaskState.COMPLETED, TaskState.CANCELLED}),
    TaskState.COMPLETED: frozenset({TaskState.EVALUATED, TaskState.IN_PROGRESS}),
    TaskState.EVALUATED: frozenset(),
    TaskState.CANCELLED: frozenset(),
}
OPEN_STATES = (TaskState.IN_PROGRESS,)
DONE_STATES = (TaskState.COMPLETED, TaskState.EVALUATED)


class DeadlineKind(models.TextChoices):
    DATE = "date", _("Calendar date")
    WORKING_DAYS = "working_days", _("Working days")


class SourceKind(models.TextChoices):
    DOCUMENT = "document", _("Instruction on a document")
    CONCLUSION = "conclusion", _("Conclusion of a meeting")
    DIRECT = "direct", _("Given directly")
    NATIONAL = "national", _("National task-tracking system")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellently done")
    GOOD = "good", _("Well done")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Awaiting the giver")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class EntryKind(models.TextChoices):
    GIVEN = "given", _("Task given")
    RECEIVED = "received", _("Received from the national system")
    PROGRESS = "progress", _("Progress report")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    COMPLETED = "completed", _("Reported done")
    REOPENED = "reopened", _("Completion not accepted")
    EVALUATED = "evaluated", _("Evaluated")
    CANCELLED = "cancelled", _("Cancelled")


class Timeliness(models.TextChoices):
    """Where a task stands against its deadline (the board's columns)."""

    IN_TIME = "in_time", _("In progress, in time")
    OVERDUE = "overdue", _("Overdue")
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    CANCELLED = "cancelled", _("Cancelled")
