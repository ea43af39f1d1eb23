"""The figures a quality system measures itself by, computed from the platform's own data:
one-stop dossiers (on time, late, apologies), applicants' ratings, document assignments.

Each rate is (numerator, denominator, percent or None when nothing was measured)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from lienthong.onestop.constants import Outcome
from lienthong.onestop.models import Apology, Dossier, Rating
from lienthong.workflows.models import Assignment

from .constants import Indicator


@dataclass(frozen=True)
class Rate:
    met: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100) * self.met / self.total).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end, time.max, tzinfo=zone),
    )


def _dossiers(agency_id: int, procedure_ids: Collection[int] | None, start: date, end: date):  # type: ignore[no-untyped-def]
    low, high = _bounds(start, end)
    rows = Dossier.objects.filter(agency_id=agency_id, returned_at__range=(low, high))
    if procedure_ids:
        rows = rows.filter(procedure_id__in=list(procedure_ids))
    return rows.exclude(outcome="")


def onestop_on_time(
    agency_id: int, procedure_ids: Collection[int] | None, start: date, end: date
) -> Rate:
    """Dossiers whose result was returned in the period, early or on time, of those returned."""
    counts = _dossiers(agency_id, procedure_ids, start, end).aggregate(
        total=Count("pk"),
        met=Count("pk", filter=Q(outcome__in=[Outcome.EARLY, Outcome.ON_TIME])),
    )
    return Rate(counts["met"], counts["total"])


def late_and_apologies(
    agency_id: int, procedure_ids: Collection[int] | None, start: date, end: date
) -> dict[str, int]:
    low, high = _bounds(start, end)
    late = _dossiers(agency_id, procedure_ids, start, end).filter(outcome=Outcome.LATE).count()
    apologies = Apology.objects.filter(agency_id=agency_id, created_at__range=(low, high))
    if procedure_ids:
        apologies = apologies.filter(dossier__procedure_id__in=list(procedure_ids))
    return {"late": late, "apologies": apologies.count()}


def satisfaction(agency_id: int, start: date, end: date) -> Rate:
    """Ratings given in the period: satisfied or very satisfied, of all ratings."""
    low, high = _bounds(start, end)
    counts = Rating.objects.filter(
        dossier__agency_id=agency_id, rated_at__range=(low, high)
    ).aggregate(total=Count("pk"), met=Count("pk", filter=Q(satisfaction__gte=3)))
    return Rate(counts["met"], counts["total"])


def documents_on_time(agency_id: int, start: date, end: date) -> Rate:
    """Assignments with a deadline, finished in the period: by their deadline, of all."""
    low, high = _bounds(start, end)
    rows = Assignment.objects.filter(
        document__agency_id=agency_id, deadline__isnull=False, finished_at__range=(low, high)
    )
    counts = rows.aggregate(
        total=Count("pk"), met=Count("pk", filter=Q(finished_at__date__lte=F("deadline")))
    )
    return Rate(counts["met"], counts["total"])


def measure(
    indicator: str, agency_id: int, procedure_ids: Collection[int] | None, start: date, end: date
) -> Rate:
    if indicator == Indicator.ONESTOP_ON_TIME:
        return onestop_on_time(agency_id, procedure_ids, start, end)
    if indicator == Indicator.SATISFACTION:
        return satisfaction(agency_id, start, end)
    return documents_on_time(agency_id, start, end)
