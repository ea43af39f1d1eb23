"""Figures for reporting (the reports app's pre-fill registry)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .constants import MeetingState
from .models import Meeting


def meeting_counts(agency_ids: Collection[int], start: date, end: date) -> dict[str, int]:
    """Meetings the agencies held from `start` to `end` (both included): `held` in all,
    `held_online` with a video conference."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    figures = Meeting.objects.filter(
        agency_id__in=list(agency_ids),
        state=MeetingState.HELD,
        starts_at__gte=since,
        starts_at__lt=until,
    ).aggregate(held=Count("pk"), held_online=Count("pk", filter=~Q(video_provider="")))
    return {"held": figures["held"] or 0, "held_online": figures["held_online"] or 0}
