"""Due-soon and overdue reminders of tasks, in the platform and by e-mail (the notifications
app), once per task and day on working days. Registered as the periodic function
`tasks.deadline_reminders`, run by `lienthong scheduler` every minute."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.core.workdays import add_working_days, is_working_day
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from .constants import DUE_SOON_WORKING_DAYS
from .models import SentTaskReminder, Task
from .services import owner_recipients

REMINDER_BATCH = 500


@transaction.atomic
def send_task_reminders(*, today: date | None = None, within: int = DUE_SOON_WORKING_DAYS) -> int:
    """Tell whoever is in charge of tasks due within `within` working days, or overdue (the
    giver is told of overdue ones too). Handles at most REMINDER_BATCH of each kind per run and
    returns how many tasks it reminded of."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    if not is_working_day(today):
        return 0
    cutoff = add_working_days(today, within)
    sent = 0
    for kind, due in (
        (NotificationKind.OVERDUE, Task.objects.overdue(today)),
        (NotificationKind.DUE_SOON, Task.objects.due_within(today, cutoff)),
    ):
        already = SentTaskReminder.objects.filter(task=OuterRef("pk"), kind=kind, day=today)
        batch = list(
            due.filter(~Exists(already))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("owner_user", "giver")
            .order_by("deadline", "id")[:REMINDER_BATCH]
        )
        if not batch:
            continue
        SentTaskReminder.objects.bulk_create(
            [SentTaskReminder(task=t, kind=kind, day=today, sent_at=now) for t in batch]
        )
        for task in batch:
            recipients = owner_recipients(task)
            if kind == NotificationKind.OVERDUE:
                template = _("Task overdue since %(date)s: %(task)s")
                if task.giver is not None:
                    recipients.append(task.giver)
            else:
                template = _("Task due on %(date)s: %(task)s")
            if not recipients:
                continue
            notification_services.notify(
                recipients=recipients,
                kind=kind,
                title=template % {"date": task.deadline.strftime("%d/%m/%Y"), "task": str(task)},
                url=task.get_absolute_url(),
            )
            sent += 1
    return sent


def task_deadline_reminders() -> int:
    """The periodic entry point (no arguments)."""
    return send_task_reminders()
