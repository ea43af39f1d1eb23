"""Training statistics, computed in SQL: classes held, officials trained and training hours,
in total (`training_counts`, the reporting capability's source) and by agency, topic or year.

Definitions (docs/training.md): a class is *held* in a period when it was not cancelled, ended
in the period and had at least one approved trainee (of the agencies asked about). An official
is *trained* when approved for such a class; *training hours* are person-hours: the course's
hours for each approved trainee."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear

from .constants import ClassStatus, EnrolmentStatus
from .models import Enrolment


def _enrolments(agency_ids: Collection[int] | None, start: date, end: date) -> Any:
    rows = Enrolment.objects.filter(
        status=EnrolmentStatus.APPROVED,
        training_class__ends_on__gte=start,
        training_class__ends_on__lte=end,
    ).exclude(training_class__status=ClassStatus.CANCELLED)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    return rows


def training_counts(agency_ids: Collection[int] | None, start: date, end: date) -> dict[str, int]:
    """Classes held, officials trained and training hours of the agencies' officials (all
    agencies when None) in classes that ended between start and end (inclusive)."""
    totals = _enrolments(agency_ids, start, end).aggregate(
        classes_held=Count("training_class", distinct=True),
        officials_trained=Count("official", distinct=True),
        training_hours=Sum("training_class__course__hours"),
    )
    return {key: int(value or 0) for key, value in totals.items()}


BREAKDOWNS = {
    "agency": ("agency__name",),
    "topic": ("training_class__course__topic",),
    "year": ("year",),
}


def breakdown(
    by: str, agency_ids: Collection[int] | None, start: date, end: date
) -> list[dict[str, Any]]:
    """The same three figures grouped by agency, topic or year, largest first."""
    rows = _enrolments(agency_ids, start, end).annotate(year=ExtractYear("training_class__ends_on"))
    return list(
        rows.values(key=F(BREAKDOWNS[by][0]))
        .annotate(
            classes_held=Count("training_class", distinct=True),
            officials_trained=Count("official", distinct=True),
            training_hours=Sum("training_class__course__hours"),
        )
        .order_by("-training_hours", "key")
    )
