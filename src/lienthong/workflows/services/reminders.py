"""Periodic deadline reminders to the handlers of assignments due soon or overdue."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.core.workdays import is_working_day
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from ..constants import DUE_SOON_WORKING_DAYS
from ..models import Assignment, SentReminder
from ..querysets import due_soon_cutoff
from ._common import _document_label, _panel_url, _unit_leaders

REMINDER_BATCH = 500


@transaction.atomic
def send_deadline_reminders(
    *, today: date | None = None, within: int = DUE_SOON_WORKING_DAYS
) -> int:
    """Tell the handlers of work due within `within` working days, or overdue: once per
    assignment and day (each sent reminder is recorded), on working days only. Registered as
    the periodic function `workflows.deadline_reminders`; handles at most REMINDER_BATCH of each
    kind per run (the scheduler runs it every minute), and returns how many it sent."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    if not is_working_day(today):
        return 0
    cutoff = due_soon_cutoff(today, within)
    sent = 0
    for kind, due in (
        (NotificationKind.OVERDUE, Assignment.objects.overdue(today)),
        (NotificationKind.DUE_SOON, Assignment.objects.due_within(today, cutoff)),
    ):
        already = SentReminder.objects.filter(assignment=OuterRef("pk"), kind=kind, day=today)
        batch = list(
            due.filter(~Exists(already))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("document", "assignee_user")
            .order_by("deadline", "id")[:REMINDER_BATCH]
        )
        if not batch:
            continue
        SentReminder.objects.bulk_create(
            [SentReminder(assignment=a, kind=kind, day=today, sent_at=now) for a in batch]
        )
        leaders = _unit_leaders(a.assignee_unit_id for a in batch if a.assignee_unit_id)
        for assignment in batch:
            recipients = (
                [assignment.assignee_user]
                if assignment.assignee_user is not None
                else leaders.get(assignment.assignee_unit_id or 0, [])
            )
            if not recipients:
                continue
            assert assignment.deadline is not None
            template = (
                _("Overdue since %(date)s: %(document)s")
                if kind == NotificationKind.OVERDUE
                else _("Due on %(date)s: %(document)s")
            )
            notification_services.notify(
                recipients=recipients,
                kind=kind,
                title=template
                % {
                    "date": assignment.deadline.strftime("%d/%m/%Y"),
                    "document": _document_label(assignment.document),
                },
                url=_panel_url(assignment.document),
            )
            sent += 1
    return sent


def deadline_reminders() -> int:
    """The periodic entry point (no arguments)."""
    return send_deadline_reminders()
