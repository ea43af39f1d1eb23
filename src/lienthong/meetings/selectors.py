"""What the portal reads: an agency's published weekly schedule."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from lienthong.accounts.models import Agency

from .models import ScheduleEntry


def published_schedule(agency: Agency, week_start: date) -> QuerySet[ScheduleEntry]:
    """The entries of the agency's published schedule of the week starting on `week_start` (a
    Monday), in time order; cancelled entries included (marked `cancelled`) so the public sees
    what was called off, and `changed_after_publication` marks a change."""
    return (
        ScheduleEntry.objects.published()
        .of_week(agency.pk, week_start)
        .select_related("schedule")
        .order_by("starts_at", "pk")
    )
