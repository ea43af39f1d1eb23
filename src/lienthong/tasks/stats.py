"""Counts of tasks for the reporting capability, computed in SQL (one aggregate query)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db.models import Count
from django.utils import timezone

from .constants import TaskState, Timeliness
from .models import Task
from .querysets import timeliness_condition


def task_counts(agency_ids: Collection[int], start: date, end: date) -> dict[str, int]:
    """The tasks the agencies gave between `start` and `end` (inclusive, by the day given),
    cancelled ones left out: how many were given, done on time, done late, overdue now, and
    in progress in time now (docs/tasks.md)."""
    today = timezone.localdate()
    counts = (
        Task.objects.filter(agency_id__in=list(agency_ids))
        .exclude(state=TaskState.CANCELLED)
        .given_between(start, end)
        .aggregate(
            given=Count("id"),
            done_on_time=Count("id", filter=timeliness_condition(Timeliness.DONE_ON_TIME, today)),
            done_late=Count("id", filter=timeliness_condition(Timeliness.DONE_LATE, today)),
            overdue=Count("id", filter=timeliness_condition(Timeliness.OVERDUE, today)),
            in_progress=Count("id", filter=timeliness_condition(Timeliness.IN_TIME, today)),
        )
    )
    return {key: int(value or 0) for key, value in counts.items()}


__all__ = ["task_counts"]
