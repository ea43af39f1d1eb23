"""Reminders before a report's deadline: the reporting officers and leaders of every agency
whose report is still being filled in (or was returned) are told, once a day, from
REMIND_DAYS_BEFORE days before the deadline to the deadline itself. The notifications (and their
e-mail jobs on the task queue) are written in the same transaction as the period's mark."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from .constants import EDITABLE, FILLERS
from .models import AgencyReport, ReportingPeriod

REMIND_DAYS_BEFORE = 3


@transaction.atomic
def send_report_reminders(*, today: date | None = None) -> int:
    """Remind the agencies whose report is due within REMIND_DAYS_BEFORE days; returns how
    many reports were reminded of. Idempotent within a day (the period keeps `reminded_on`)."""
    today = today or timezone.localdate()
    periods = list(
        ReportingPeriod.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(deadline__gte=today, deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE))
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .select_related("form")
    )
    sent = 0
    for period in periods:
        reports = list(AgencyReport.objects.filter(period=period, status__in=EDITABLE))
        agency_ids = {r.agency_id for r in reports}
        people: dict[int, list[User]] = {}
        for user in (
            User.objects.filter(
                agency_id__in=agency_ids, is_active=True, role_grants__role__in=FILLERS
            )
            .distinct()
            .order_by("pk")
        ):
            assert user.agency_id is not None
            people.setdefault(user.agency_id, []).append(user)
        for report in reports:
            recipients = people.get(report.agency_id, [])
            if not recipients:
                continue
            notification_services.notify(
                recipients=recipients,
                kind=NotificationKind.DUE_SOON,
                title=_("Report due on %(date)s: %(form)s, %(period)s")
                % {
                    "date": period.deadline.strftime("%d/%m/%Y"),
                    "form": period.form.name,
                    "period": period.label,
                },
                url=f"/bao-cao/dinh-ky/bao-cao/{report.pk}/",
            )
            sent += 1
        period.reminded_on = today
        period.save(update_fields=["reminded_on"])
    return sent


def report_reminders() -> int:
    """The periodic entry point (no arguments)."""
    return send_report_reminders()
