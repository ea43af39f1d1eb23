"""Tasks (nhiệm vụ) a leader gives and follows until done: who gives it, who carries it out and
who supports, where it comes from (an instruction on a document, a meeting's conclusion notice,
the national task-tracking system, or directly), its deadline (a calendar date or a number of
working days), the reports on it and the extensions asked for. States change only through the
services, along `constants.ALLOWED_TRANSITIONS`; the timeline (`TaskEntry`) is append-only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.workdays import working_days_between
from lienthong.documents.models import Document

from .constants import (
    DONE_STATES,
    DeadlineKind,
    EntryKind,
    ExtensionState,
    Rating,
    SourceKind,
    TaskState,
    Timeliness,
)
from .querysets import TaskQuerySet


class Task(models.Model):
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("giving agency"),
        on_delete=models.PROTECT,
        related_name="given_tasks",
    )
    title = models.CharField(_("task"), max_length=500)
    description = models.TextField(_("details"), blank=True)
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="given_tasks",
        help_text=_("Empty for a task received from the national system."),
    )
    giver_label = models.CharField(
        _("given by (as written)"),
        max_length=200,
        blank=True,
        help_text=_("Who gave it outside the platform, e.g. “Thủ tướng Chính phủ”."),
    )
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency in charge"),
        on_delete=models.PROTECT,
        related_name="owned_tasks",
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tasks",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tasks",
    )
    supporting_agencies = models.ManyToManyField(
        Agency, verbose_name=_("supporting agencies"), blank=True, related_name="supported_tasks"
    )
    supporting_units = models.ManyToManyField(
        Unit, verbose_name=_("supporting units"), blank=True, related_name="supported_tasks"
    )
    source_kind = models.CharField(
        _("source"), max_length=16, choices=SourceKind.choices, default=SourceKind.DIRECT
    )
    source_document = models.ForeignKey(
        Document,
        verbose_name=_("source document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_of_tasks",
        help_text=_("The document whose instruction, or the conclusion notice, gave the task."),
    )
    source_label = models.CharField(_("source (as written)"), max_length=300, blank=True)
    deadline_kind = models.CharField(
        _("deadline given as"), max_length=16, choices=DeadlineKind.choices
    )
    start_date = models.DateField(_("counted from"))
    working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    original_deadline = models.DateField(_("first deadline"))
    state = models.CharField(
        _("state"), max_length=16, choices=TaskState.choices, default=TaskState.IN_PROGRESS
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    given_at = models.DateTimeField(_("given at"))
    completed_at = models.DateTimeField(_("reported done at"), null=True, blank=True)
    completed_on = models.DateField(_("reported done on"), null=True, blank=True)
    completion_report = models.TextField(_("completion report"), blank=True)
    reply_document = models.ForeignKey(
        Document,
        verbose_name=_("reply document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_to_tasks",
    )
    rating = models.CharField(_("evaluation"), max_length=16, choices=Rating.choices, blank=True)
    evaluation = models.TextField(_("evaluation remarks"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    national_id = models.CharField(
        _("national task id"),
        max_length=64,
        blank=True,
        help_text=_("The task's id on the Government Office's task-tracking system."),
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state", "deadline"], name="task_agency_idx"),
            models.Index(fields=["owner_agency", "state", "deadline"], name="task_owner_idx"),
            models.Index(fields=["giver", "state"], name="task_giver_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=TaskState.values), name="task_state_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_percent"),
            models.CheckConstraint(
                condition=Q(deadline_kind=DeadlineKind.DATE, working_days__isnull=True)
                | Q(deadline_kind=DeadlineKind.WORKING_DAYS, working_days__isnull=False),
                name="task_deadline_kind_matches",
            ),
            models.CheckConstraint(
                condition=Q(giver__isnull=False) | ~Q(giver_label=""), name="task_has_a_giver"
            ),
            models.UniqueConstraint(
                fields=["national_id"], condition=~Q(national_id=""), name="task_national_id_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title if len(self.title) <= 80 else self.title[:79] + "…"

    def get_absolute_url(self) -> str:
        return reverse("tasks:detail", args=[self.pk])

    @property
    def giver_name(self) -> str:
        return str(self.giver or self.giver_label)

    @property
    def owner_name(self) -> str:
        if self.owner_user_id is not None:
            return str(self.owner_user)
        if self.owner_unit_id is not None:
            return str(self.owner_unit)
        return str(self.owner_agency)

    @property
    def is_open(self) -> bool:
        return self.state == TaskState.IN_PROGRESS

    def is_overdue(self, today: date) -> bool:
        return self.is_open and today > self.deadline

    def timeliness(self, today: date) -> Timeliness:
        if self.state == TaskState.CANCELLED:
            return Timeliness.CANCELLED
        if self.state in DONE_STATES:
            assert self.completed_on is not None
            late = self.completed_on > self.deadline
            return Timeliness.DONE_LATE if late else Timeliness.DONE_ON_TIME
        return Timeliness.OVERDUE if today > self.deadline else Timeliness.IN_TIME

    def days_late(self, today: date) -> int:
        """How late it is (or was when reported done), in the deadline's own unit: working days
        for a task given in working days, calendar days for one given a date."""
        end = self.completed_on if self.state in DONE_STATES and self.completed_on else today
        if end <= self.deadline:
            return 0
        if self.deadline_kind == DeadlineKind.WORKING_DAYS:
            return working_days_between(self.deadline, end)
        return (end - self.deadline).days

    def days_left(self, today: date) -> int:
        """Days until the deadline, in the deadline's own unit (0 when due or past)."""
        if today >= self.deadline:
            return 0
        if self.deadline_kind == DeadlineKind.WORKING_DAYS:
            return working_days_between(today, self.deadline)
        return (self.deadline - today).days


class TaskEntry(models.Model):
    """One line of a task's timeline. Rows are only ever added."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EntryKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("by (as written)"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    national_reported_at = models.DateTimeField(
        _("reported to the national system at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("task timeline entry")
        verbose_name_plural = _("task timeline")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"], name="task_entry_task_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.task_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and set(kwargs.get("update_fields") or ()) != {
            "national_reported_at"
        }:
            raise ValueError("The task timeline is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("The task timeline is append-only.")

    @property
    def actor_name(self) -> str:
        return str(self.actor or self.actor_label)


class ExtensionRequest(models.Model):
    """The owner asks the giver for more time; the giver approves (the new deadline is recorded,
    the old one kept here) or refuses. At most one request waits at a time."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("reason"))
    requested_deadline = models.DateField(_("deadline asked for"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ExtensionState.choices,
        default=ExtensionState.PENDING,
    )
    previous_deadline = models.DateField(_("deadline before"))
    granted_deadline = models.DateField(_("deadline granted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision remarks"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state=ExtensionState.PENDING),
                name="task_one_pending_extension",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.requested_deadline:%d/%m/%Y} ({self.get_state_display()})"


class SentTaskReminder(models.Model):
    """A deadline reminder sent for a task on a day, so each is sent once a day."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=32)
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("sent task reminder")
        verbose_name_plural = _("sent task reminders")
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "day"], name="task_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day:%d/%m/%Y} — {self.task_id}"
