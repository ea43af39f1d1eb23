"""The processing of incoming documents (Decree 30/2020, Điều 20 to 24): the leader's assignments
(chủ trì, phối hợp, để biết) with instructions and deadlines, and the append-only history of
what each handler did (the electronic “phiếu giải quyết văn bản đến")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Unit
from lienthong.documents.models import Document

from .constants import AssignmentRole, AssignmentState, EntryKind
from .querysets import AssignmentQuerySet, ProcessingEntryQuerySet


class Assignment(models.Model):
    """One unit or person asked to handle an incoming document.

    The agency leader's assignments have no parent; a unit leader who hands the unit's work to
    a specialist creates a child assignment under the unit's one. States change only through
    the services, along `constants.ALLOWED_TRANSITIONS`."""

    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("assigned within"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices)
    assignee_unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    instruction = models.TextField(_("instruction (ý kiến chỉ đạo)"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline in working days"),
        null=True,
        blank=True,
        help_text=_("When the deadline was given as a number of working days."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The leader whose delegation (ủy quyền) the assigner acted under."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=AssignmentState.choices, default=AssignmentState.OPEN
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    reply_document = models.ForeignKey(
        Document,
        verbose_name=_("reply document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["assignee_user", "state", "deadline"], name="assignment_user_idx"),
            models.Index(fields=["assignee_unit", "state", "deadline"], name="assignment_unit_idx"),
            models.Index(fields=["document", "parent"], name="assignment_document_idx"),
            # The leaders' dashboard: what was assigned in the window, and the lead work now
            # overdue (a few rows among millions: a partial index of the open lead work).
            models.Index(fields=["assigned_at"], name="assignment_assigned_at_idx"),
            models.Index(
                fields=["deadline"],
                # Written as OR, not IN: PostgreSQL prints an IN over varchar so that the text
                # it reads back differs (the generator rebuilds deferred indexes from that
                # text); it still matches the queries' `state IN (…)`.
                condition=(Q(state=AssignmentState.OPEN) | Q(state=AssignmentState.IN_PROGRESS))
                & Q(parent__isnull=True, role=AssignmentRole.LEAD),
                name="assignment_open_lead_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_unit__isnull=False, assignee_user__isnull=True)
                | Q(assignee_unit__isnull=True, assignee_user__isnull=False),
                name="assignment_one_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(role=AssignmentRole.INFORMATION) | Q(deadline__isnull=True),
                name="assignment_information_no_deadline",
            ),
            models.CheckConstraint(
                condition=Q(state__in=AssignmentState.values), name="assignment_state_valid"
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(role=AssignmentRole.LEAD, parent__isnull=True)
                & ~Q(state=AssignmentState.RETURNED),
                name="assignment_one_lead_per_document",
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(role=AssignmentRole.LEAD) & ~Q(state=AssignmentState.RETURNED),
                name="assignment_one_lead_per_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.assignee_name} — {self.document_id}"

    @property
    def assignee_name(self) -> str:
        return str(self.assignee_unit or self.assignee_user or "")

    @property
    def is_actionable(self) -> bool:
        return self.state in (AssignmentState.OPEN, AssignmentState.IN_PROGRESS)


class ProcessingEntry(models.Model):
    """One line of a document's processing history. Rows are only ever added."""

    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="processing_entries",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The leader a document was presented to, or the person it was returned to."),
    )
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = ProcessingEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing entry")
        verbose_name_plural = _("processing history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["document", "at"], name="processing_entry_doc_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.document_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The processing history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("The processing history is append-only.")


class SentReminder(models.Model):
    """A deadline reminder sent for an assignment on a day, so each is sent once a day."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=32)
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "day"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day:%d/%m/%Y} — {self.assignment_id}"
