"""The evaluation of the one-stop shop (Circular 01/2018/TT-VPCP Art. 12-15) and on-time
rates, computed by the database: every figure is a QuerySet aggregate over the dossiers in
scope, grouped by agency, officer, procedure or month (never a Python loop over dossiers).

Per-dossier indicators, 0/1/2 points each (Art. 13; docs/reports.md says how each is read from
the platform's data): 1 total time vs. the appointment, 2 each unit's time vs. its share
(processing and approval steps; the worst one counts), 3 times the applicant was asked for
papers, 4 agencies the applicant had to deal with, 6 publication of the procedure, 7 staff
attitude. Agency indicators: 6 share of procedures published, 9 on-line service. Indicators 5
(delegation to the counter) and 8 (complaints) have no data in the platform and are excluded,
as Art. 15 says for indicators lacking data; the agency total is brought back to the 18-point
scale before the rating band is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.catalogue.models import Procedure
from lienthong.onestop.constants import Channel, Outcome, Satisfaction
from lienthong.onestop.models import Dossier, DossierStep, Rating, SupplementRequest

DOSSIER_INDICATORS = ("i1", "i2", "i3", "i4", "i6", "i7")
# Art. 15: these per-dossier indicators are averaged over the dossiers.
AVERAGED = ("i1", "i2", "i3", "i4", "i7")
TIMED_STEP_ROLES = ("processing", "approval")  # reception and result are instantaneous
AGENCY_SCALE = 18  # nine indicators of 2 points

INDICATOR_NAMES = {
    "i1": _("1. Total processing time"),
    "i2": _("2. Time at each unit"),
    "i3": _("3. Times asked for papers"),
    "i4": _("4. Agencies contacted"),
    "i5": _("5. Handled at the one-stop counter"),
    "i6": _("6. Publication of the procedure"),
    "i7": _("7. Staff attitude"),
    "i8": _("8. Handling of feedback and complaints"),
    "i9": _("9. On-line public services"),
}


def _points(field: str) -> Case:
    return Case(
        When(**{field: Outcome.EARLY}, then=Value(2)),
        When(**{field: Outcome.ON_TIME}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def dossier_indicators(prefix: str = "") -> dict[str, Any]:
    """The per-dossier indicators as expressions, for a query on Dossier (`prefix` "") or on a
    model pointing to it (`prefix` "dossier__")."""
    pk = OuterRef(f"{prefix}pk" if prefix else "pk")
    worst_step = (
        DossierStep.objects.filter(dossier=pk, role__in=TIMED_STEP_ROLES)
        .exclude(outcome="")
        .order_by()
        .values("dossier")
        .annotate(worst=Min(_points("outcome")))
        .values("worst")
    )
    asked = (
        SupplementRequest.objects.filter(dossier=pk)
        .order_by()
        .values("dossier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    times_asked = Coalesce(Subquery(asked, output_field=IntegerField()), Value(0))
    outcome = f"{prefix}outcome"
    return {
        "i1": _points(outcome),
        "i2": Subquery(worst_step, output_field=IntegerField()),
        "i3": Case(
            When(Q(**{"_asked": 0}), then=Value(2)),
            When(Q(**{"_asked": 1}), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "_asked": times_asked,
        # On-line: the applicant dealt with no office; at the counter or by post: only with the
        # one-stop counter (steps at other agencies are the platform's business, not theirs).
        "i4": Case(
            When(**{f"{prefix}channel": Channel.ONLINE}, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "i6": Case(
            When(**{f"{prefix}procedure__is_published": True}, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        # A dissatisfied rating of the staff's attitude counts as a complaint.
        "i7": Case(
            When(**{f"{prefix}rating__staff_attitude": Satisfaction.DISSATISFIED}, then=Value(0)),
            When(**{outcome: Outcome.EARLY}, then=Value(2)),
            When(**{outcome: Outcome.ON_TIME}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    }


def _annotate(queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    expressions = dossier_indicators(prefix)
    # `_asked` first: i3 reads it.
    queryset = queryset.annotate(_asked=expressions.pop("_asked"))
    return queryset.annotate(**expressions)


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None  # inclusive

    def closed(self, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
        """Dossiers whose result was ready in the period and that have their outcome."""
        dossiers = dossiers.exclude(outcome="").filter(finished_at__isnull=False)
        if self.start:
            dossiers = dossiers.filter(finished_at__date__gte=self.start)
        if self.end:
            dossiers = dossiers.filter(finished_at__date__lte=self.end)
        return dossiers

    def received(self, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
        dossiers = dossiers.filter(received_at__isnull=False)
        if self.start:
            dossiers = dossiers.filter(received_at__date__gte=self.start)
        if self.end:
            dossiers = dossiers.filter(received_at__date__lte=self.end)
        return dossiers


def one_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


AGENCY_BANDS = (
    (Decimal(15), _("Excellent")),
    (Decimal(12), _("Good")),
    (Decimal(9), _("Fair")),
    (Decimal(6), _("Average")),
    (Decimal(0), _("Weak")),
)
OFFICER_BANDS = (
    (Decimal(5), _("Tasks completed: 100%")),
    (Decimal("3.5"), _("Tasks completed: 70% to under 100%")),
    (Decimal(0), _("Tasks completed: under 70%")),
)


def band(total: Decimal | None, bands: tuple[tuple[Decimal, Any], ...]) -> str:
    if total is None:
        return ""
    return str(next(label for floor, label in bands if total >= floor))


# --- per dossier ---------------------------------------------------------------------------------


def per_dossier(dossiers: QuerySet[Dossier], period: Period, limit: int = 200) -> list[dict]:
    rows = (
        _annotate(period.closed(dossiers))
        .order_by("-finished_at", "-pk")
        .values("pk", "code", "procedure__name", "agency__name", "outcome", *DOSSIER_INDICATORS)
    )[:limit]
    result = []
    for row in rows:
        scores = [row[key] for key in DOSSIER_INDICATORS if row[key] is not None]
        label = str(Outcome(row["outcome"]).label) if row["outcome"] else ""
        result.append({**row, "outcome_label": label, "total": sum(scores)})
    return result


def _averages(row: dict[str, Any]) -> dict[str, Decimal | None]:
    return {key: one_decimal(row[f"avg_{key}"]) for key in AVERAGED}


AVERAGES = {f"avg_{key}": Avg(key) for key in AVERAGED}


# --- per officer ---------------------------------------------------------------------------------


def per_officer(
    dossiers: QuerySet[Dossier], period: Period, officers: Q | None = None
) -> list[dict]:
    """Each officer who handled a step of the dossiers, over the dossiers they handled (each
    dossier once per officer, however many of its steps they handled)."""
    earlier_same_handler = DossierStep.objects.filter(
        dossier=OuterRef("dossier"), handler=OuterRef("handler"), order__lt=OuterRef("order")
    )
    steps = DossierStep.objects.filter(
        dossier__in=period.closed(dossiers).values("pk"), handler__isnull=False
    ).filter(~Exists(earlier_same_handler))
    if officers is not None:
        steps = steps.filter(officers)
    rows = (
        _annotate(steps, prefix="dossier__")
        .values("handler", "handler__full_name", "handler__agency__name")
        .annotate(dossiers=Count("dossier", distinct=True), **AVERAGES)
        .order_by("handler__agency__name", "handler__full_name")
    )
    result = []
    for row in rows:
        averages = _averages(row)
        total = sum((v for v in averages.values() if v is not None), Decimal(0))
        result.append(
            {
                "officer_id": row["handler"],
                "officer": row["handler__full_name"],
                "agency": row["handler__agency__name"],
                "dossiers": row["dossiers"],
                **averages,
                "total": total,
                "band": band(total, OFFICER_BANDS),
            }
        )
    return result


# --- per agency ----------------------------------------------------------------------------------


def per_agency(dossiers: QuerySet[Dossier], period: Period) -> list[dict]:
    closed = period.closed(dossiers)
    rows = {
        row["agency"]: row
        for row in _annotate(closed)
        .values("agency", "agency__name")
        .annotate(dossiers=Count("pk"), **AVERAGES)
        .order_by()
    }
    received = {
        row["agency"]: row
        for row in period.received(dossiers)
        .values("agency")
        .annotate(
            received=Count("pk"),
            online=Count("pk", filter=Q(channel=Channel.ONLINE)),
            late_online=Count("pk", filter=Q(channel=Channel.ONLINE, outcome=Outcome.LATE)),
        )
        .order_by()
    }
    agency_ids = set(rows) | set(received)
    procedures = {
        row["agency"]: row
        for row in Procedure.objects.filter(agency__in=agency_ids)
        .values("agency")
        .annotate(
            procedures=Count("pk"),
            published=Count("pk", filter=Q(is_published=True)),
            online_level=Count("pk", filter=Q(level_2011__gte=3)),
        )
        .order_by()
    }
    names = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    result = []
    for agency_id in sorted(agency_ids, key=lambda pk: names.get(pk, "")):
        row = rows.get(agency_id, {})
        averages = _averages(row) if row else dict.fromkeys(AVERAGED)
        procs = procedures.get(agency_id, {"procedures": 0, "published": 0, "online_level": 0})
        recv = received.get(agency_id, {"received": 0, "online": 0, "late_online": 0})
        i6 = None
        if procs["procedures"]:
            i6 = 2 if procs["published"] == procs["procedures"] else 1 if procs["published"] else 0
        i9 = None
        if procs["procedures"] and recv["received"]:
            level_share = percent(procs["online_level"], procs["procedures"]) or Decimal(0)
            online_share = percent(recv["online"], recv["received"]) or Decimal(0)
            none_late = recv["late_online"] == 0
            if level_share >= 20 and online_share >= 30 and none_late:
                i9 = 2
            elif procs["online_level"] and online_share >= 15 and none_late:
                i9 = 1
            else:
                i9 = 0
        scores: dict[str, Any] = {**averages, "i5": None, "i6": i6, "i8": None, "i9": i9}
        present = [Decimal(v) for v in scores.values() if v is not None]
        total = sum(present, Decimal(0)) if present else None
        scaled = (
            (total * AGENCY_SCALE / (2 * len(present))).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            if total is not None
            else None
        )
        result.append(
            {
                "agency_id": agency_id,
                "agency": names.get(agency_id, ""),
                "dossiers": row.get("dossiers", 0),
                "received": recv["received"],
                "online_share": percent(recv["online"], recv["received"]),
                **scores,
                "total": total,
                "max_total": 2 * len(present),
                "scaled_total": scaled,
                "band": band(scaled, AGENCY_BANDS),
            }
        )
    return result


# --- on-time rates and satisfaction --------------------------------------------------------------

OUTCOME_COUNTS = {
    "closed": Count("pk"),
    "early": Count("pk", filter=Q(outcome=Outcome.EARLY)),
    "on_time": Count("pk", filter=Q(outcome=Outcome.ON_TIME)),
    "late": Count("pk", filter=Q(outcome=Outcome.LATE)),
}


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "on_time_rate": percent(row["early"] + row["on_time"], row["closed"]),
        "early_rate": percent(row["early"], row["closed"]),
        "late_rate": percent(row["late"], row["closed"]),
    }


def on_time(dossiers: QuerySet[Dossier], period: Period, by: str) -> list[dict]:
    """Early / on time / late counts and rates of the dossiers closed in the period, grouped
    `by` "agency", "procedure" or "month"."""
    closed = period.closed(dossiers)
    grouped: QuerySet[Any, Any]
    if by == "month":
        grouped = closed.annotate(month=TruncMonth("finished_at")).values("month")
        order = ["month"]
    elif by == "procedure":
        grouped = closed.values("procedure", "procedure__name", "procedure__national_code")
        order = ["procedure__name"]
    else:
        grouped = closed.values("agency", "agency__name")
        order = ["agency__name"]
    return [_rates(dict(row)) for row in grouped.annotate(**OUTCOME_COUNTS).order_by(*order)]


def satisfaction(dossiers: QuerySet[Dossier], period: Period, by: str = "agency") -> list[dict]:
    """Citizens' ratings of the dossiers closed in the period."""
    ratings = Rating.objects.filter(dossier__in=period.closed(dossiers).values("pk"))
    fields = (
        ["dossier__procedure", "dossier__procedure__name"]
        if by == "procedure"
        else ["dossier__agency", "dossier__agency__name"]
    )
    rows = (
        ratings.values(*fields)
        .annotate(
            ratings=Count("pk"),
            average=Avg("satisfaction"),
            very_satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.VERY_SATISFIED)),
            satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            neutral=Count("pk", filter=Q(satisfaction=Satisfaction.NEUTRAL)),
            dissatisfied=Count("pk", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
        )
        .order_by(fields[1])
    )
    return [
        {
            "id": row[fields[0]],
            "name": row[fields[1]],
            "ratings": row["ratings"],
            "average": one_decimal(row["average"]),
            "very_satisfied": row["very_satisfied"],
            "satisfied": row["satisfied"],
            "neutral": row["neutral"],
            "dissatisfied": row["dissatisfied"],
            "satisfied_rate": percent(row["very_satisfied"] + row["satisfied"], row["ratings"]),
        }
        for row in rows
    ]


@dataclass
class Report:
    period: Period
    agencies: list[dict]
    officers: list[dict]
    dossiers: list[dict]
    on_time_by_agency: list[dict]
    on_time_by_procedure: list[dict]
    on_time_by_month: list[dict]
    satisfaction_by_agency: list[dict]
    satisfaction_by_procedure: list[dict]


def build_report(dossiers: QuerySet[Dossier], period: Period, officers: Q | None = None) -> Report:
    return Report(
        period=period,
        agencies=per_agency(dossiers, period),
        officers=per_officer(dossiers, period, officers),
        dossiers=per_dossier(dossiers, period),
        on_time_by_agency=on_time(dossiers, period, "agency"),
        on_time_by_procedure=on_time(dossiers, period, "procedure"),
        on_time_by_month=on_time(dossiers, period, "month"),
        satisfaction_by_agency=satisfaction(dossiers, period, "agency"),
        satisfaction_by_procedure=satisfaction(dossiers, period, "procedure"),
    )
