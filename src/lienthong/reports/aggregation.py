"""Aggregating a period's reports at the receiving agency: sums and averages computed in SQL
over the reports submitted (or accepted), derived ratios recomputed from the totals by their
formula, and the gaps — agencies whose report is not in — shown, never counted as 0."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Sum

from .constants import COUNTED, Aggregation, ReportStatus
from .expressions import evaluate, parse
from .models import AgencyReport, Indicator, ReportingPeriod, ReportValue


@dataclass(frozen=True)
class AggregateRow:
    indicator: Indicator
    value: Decimal | None
    reported: int  # how many counted reports gave a value


@dataclass(frozen=True)
class Aggregate:
    period: ReportingPeriod
    rows: list[AggregateRow]
    reports: list[AgencyReport]
    counted: list[AgencyReport]
    gaps: list[AgencyReport]  # being filled in or returned
    late: list[AgencyReport]

    @property
    def total(self) -> int:
        return len(self.counted) + len(self.gaps)


def aggregate(period: ReportingPeriod, today: date) -> Aggregate:
    indicators = list(period.version.indicators.all())
    figures = {
        row["indicator_id"]: row
        for row in ReportValue.objects.filter(report__period=period, report__status__in=COUNTED)
        .values("indicator_id")
        .annotate(total=Sum("number"), mean=Avg("number"), reported=Count("number"))
    }
    numbers: dict[str, Decimal | None] = {}
    for indicator in indicators:
        row = figures.get(indicator.pk)
        value: Decimal | None = None
        if row and row["reported"]:
            if indicator.aggregation == Aggregation.SUM:
                value = row["total"]
            elif indicator.aggregation == Aggregation.AVERAGE:
                value = Decimal(str(row["mean"])).quantize(Decimal("0.01"))
        numbers[indicator.code] = value
    for code in period.version.formula_order:
        indicator = next(i for i in indicators if i.code == code)
        if indicator.aggregation == Aggregation.FORMULA:
            result = evaluate(parse(indicator.formula), numbers)
            numbers[code] = result.quantize(Decimal("0.01")) if result is not None else None
    rows = [
        AggregateRow(
            indicator=i,
            value=numbers[i.code] if i.aggregation != Aggregation.NONE else None,
            reported=figures[i.pk]["reported"] if i.pk in figures else 0,
        )
        for i in indicators
    ]
    reports = list(period.reports.select_related("agency").order_by("agency__name"))
    counted = [r for r in reports if r.status in COUNTED]
    gaps = [r for r in reports if r.status not in COUNTED]
    late_ids = set(
        AgencyReport.objects.filter(period=period).late(today).values_list("pk", flat=True)
    )
    late = [r for r in reports if r.pk in late_ids]
    return Aggregate(
        period=period, rows=rows, reports=reports, counted=counted, gaps=gaps, late=late
    )


__all__ = ["Aggregate", "AggregateRow", "ReportStatus", "aggregate"]
