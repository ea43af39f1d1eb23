"""Processing statistics for leaders, by unit and by person, computed in SQL (one grouped
aggregate per table): incoming documents handled (the lead assignments of the agency leader and
the unit leaders, workflows) and one-stop dossier steps (processing and approval, onestop).

Each figure is one named condition (`FIGURES`) applied both to the count and to the list behind
it (`rows`), so that a click on a figure lands on exactly the rows it counted.

- received: assigned (a step: started) in the window;
- on_time: finished no later than the deadline (or without a deadline);
- late: finished after the deadline;
- overdue: not finished, the deadline already past (today);
- in_progress: not finished, still in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.catalogue.constants import StepRole
from lienthong.onestop.constants import Outcome, StepState
from lienthong.onestop.models import DossierStep
from lienthong.workflows.constants import ACTIONABLE_STATES, AssignmentRole, AssignmentState
from lienthong.workflows.models import Assignment

KINDS = ("documents", "dossiers")
GROUPINGS = ("unit", "person")
FIGURES = ("received", "on_time", "late", "overdue", "in_progress")
FIGURE_NAMES = {
    "received": _("Received"),
    "on_time": _("Done on time"),
    "late": _("Done late"),
    "overdue": _("Overdue"),
    "in_progress": _("In progress, in time"),
}
TIMED_ROLES = (StepRole.PROCESSING, StepRole.APPROVAL)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _document_condition(figure: str, today: date) -> Q:
    done = Q(state=AssignmentState.COMPLETED)
    timely = Q(deadline__isnull=True) | Q(finished_at__date__lte=F("deadline"))
    open_ = Q(state__in=ACTIONABLE_STATES)
    return {
        "received": Q(),
        "on_time": done & timely,
        "late": done & Q(deadline__isnull=False, finished_at__date__gt=F("deadline")),
        "overdue": open_ & Q(deadline__lt=today),
        "in_progress": open_ & (Q(deadline__isnull=True) | Q(deadline__gte=today)),
    }[figure]


def _dossier_condition(figure: str, today: date) -> Q:
    done = Q(state=StepState.DONE)
    open_ = ~done
    now = timezone.now()  # a step's deadline is a moment, not a day
    return {
        "received": Q(),
        "on_time": done & Q(outcome__in=[Outcome.EARLY, Outcome.ON_TIME]),
        "late": done & Q(outcome=Outcome.LATE),
        "overdue": open_ & Q(deadline_at__lt=now),
        "in_progress": open_ & (Q(deadline_at__isnull=True) | Q(deadline_at__gte=now)),
    }[figure]


def base(kind: str, agency_ids: list[int], start: date, end: date) -> QuerySet[Any]:
    """The assignments or steps counted: the agencies', assigned or started in the window."""
    since, until = _start_of(start), _start_of(end + timedelta(days=1))
    if kind == "documents":
        return Assignment.objects.filter(
            document__agency_id__in=agency_ids,
            role=AssignmentRole.LEAD,
            assigned_at__gte=since,
            assigned_at__lt=until,
        ).exclude(state=AssignmentState.RETURNED)
    return DossierStep.objects.filter(
        agency_id__in=agency_ids,
        role__in=TIMED_ROLES,
        started_at__gte=since,
        started_at__lt=until,
    )


def condition(kind: str, figure: str, today: date) -> Q:
    if figure not in FIGURES:
        raise ValueError(figure)
    return (_document_condition if kind == "documents" else _dossier_condition)(figure, today)


def _group(kind: str, by: str) -> tuple[str, str, str]:
    """(the id field, the name field, the agency's name field) of the grouping."""
    if kind == "documents":
        if by == "unit":
            return "assignee_unit", "assignee_unit__name", "assignee_unit__agency__name"
        return "assignee_user", "assignee_user__full_name", "assignee_user__agency__name"
    if by == "unit":
        return "unit", "unit__name", "unit__agency__name"
    return "handler", "handler__full_name", "handler__agency__name"


@dataclass(frozen=True)
class Row:
    key: int
    name: str
    agency: str
    counts: dict[str, int]
    urls: dict[str, str]

    @property
    def on_time_rate(self) -> float | None:
        finished = self.counts["on_time"] + self.counts["late"]
        return round(100 * self.counts["on_time"] / finished, 1) if finished else None


def list_url(kind: str, by: str, key: int, figure: str, start: date, end: date) -> str:
    query = {
        "loai": kind,
        "theo": by,
        "id": key,
        "chi_so": figure,
        "tu": start.isoformat(),
        "den": end.isoformat(),
    }
    return f"{reverse('reports:processing-list')}?{urlencode(query)}"


def table(
    kind: str, by: str, agency_ids: list[int], start: date, end: date, today: date
) -> list[Row]:
    """One row per unit (or person) with its five figures, in one grouped query."""
    key, name, agency = _group(kind, by)
    grouped = (
        base(kind, agency_ids, start, end)
        .filter(**{f"{key}__isnull": False})
        .values(key, name, agency)
        .annotate(
            **{figure: Count("pk", filter=condition(kind, figure, today)) for figure in FIGURES}
        )
        .order_by(agency, name)
    )
    return [
        Row(
            key=row[key],
            name=row[name] or "",
            agency=row[agency] or "",
            counts={figure: row[figure] for figure in FIGURES},
            urls={figure: list_url(kind, by, row[key], figure, start, end) for figure in FIGURES},
        )
        for row in grouped
    ]


def totals(rows: list[Row]) -> dict[str, int]:
    return {figure: sum(row.counts[figure] for row in rows) for figure in FIGURES}


def rows(
    kind: str,
    by: str,
    key: int,
    figure: str,
    agency_ids: list[int],
    start: date,
    end: date,
    today: date,
) -> QuerySet[Any]:
    """The assignments (or steps) behind one figure of one unit or person."""
    field = _group(kind, by)[0]
    selected = base(kind, agency_ids, start, end).filter(condition(kind, figure, today))
    selected = selected.filter(**{field: key})
    if kind == "documents":
        return selected.select_related("document", "assignee_unit", "assignee_user").order_by(
            "deadline", "pk"
        )
    return selected.select_related("dossier__procedure", "unit", "handler").order_by(
        "deadline_at", "pk"
    )


def chart(rows_: list[Row], names: dict[str, Any]) -> dict[str, Any]:
    """A stacked bar per unit: done on time, done late, overdue, in progress; each segment
    opens its list."""
    shown = ("on_time", "late", "overdue", "in_progress")
    return {
        "labels": [row.name for row in rows_],
        "datasets": [
            {
                "label": str(names[figure]),
                "data": [row.counts[figure] for row in rows_],
                "urls": [row.urls[figure] for row in rows_],
            }
            for figure in shown
        ],
    }
