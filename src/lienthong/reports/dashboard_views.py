"""The leaders' pages: the dashboard (the week at a glance, processing by unit and by person with
its charts), the list behind each figure, and the Decision 766 index. A leader sees his agency;
the provincial People's Committee's leaders (and the system administrator) see the province."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lienthong.accounts.models import Agency
from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document
from lienthong.meetings.constants import MeetingState
from lienthong.meetings.models import Meeting
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier
from lienthong.tasks.stats import task_counts
from lienthong.workflows.constants import ACTIONABLE_STATES, AssignmentRole
from lienthong.workflows.models import Assignment

from . import index766, pdf, processing
from .exports import tables_xlsx
from .permissions import access_leader_agencies

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPEN_DOSSIER = (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.AWAITING_PAYMENT)


@dataclass(frozen=True)
class Window:
    agencies: QuerySet[Agency]
    agency_ids: list[int]
    start: date
    end: date
    agency_id: str  # the agency chosen in the filter ("" for all in scope)
    errors: list[str]


def _date(raw: str | None, default: date) -> date:
    if not raw:
        return default
    return date.fromisoformat(raw)


def _window(request: HttpRequest) -> Window:
    """The agencies in scope (narrowed to one with `co_quan`) and the period (`tu`, `den`;
    by default from the first of this month to today)."""
    agencies = access_leader_agencies(request.user)
    today = timezone.localdate()
    errors: list[str] = []
    try:
        start = _date(request.GET.get("tu"), today.replace(day=1))
        end = _date(request.GET.get("den"), today)
    except ValueError:
        errors.append(_("Give the dates as YYYY-MM-DD."))
        start, end = today.replace(day=1), today
    if start > end:
        errors.append(_("The period ends before it starts."))
        start, end = today.replace(day=1), today
    if (end - start).days > 3660:
        errors.append(_("The period is longer than ten years."))
        start, end = today.replace(day=1), today
    agency_id = request.GET.get("co_quan", "")
    ids = list(agencies.values_list("pk", flat=True))
    if agency_id:
        if not agency_id.isdigit() or int(agency_id) not in ids:
            raise Http404
        ids = [int(agency_id)]
    return Window(agencies, ids, start, end, agency_id, errors)


def _week(agency_ids: list[int], today: date) -> dict[str, int]:
    """This week (Monday to Sunday) at a glance, and what is overdue now."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    since, until = processing._start_of(monday), processing._start_of(sunday + timedelta(days=1))
    documents = Document.objects.filter(agency_id__in=agency_ids)
    dossiers = Dossier.objects.filter(agency_id__in=agency_ids)
    tasks = task_counts(agency_ids, date(2000, 1, 1), today)
    return {
        "incoming": documents.filter(
            direction=Direction.INCOMING,
            status=DocumentStatus.REGISTERED,
            arrival_date__gte=since,
            arrival_date__lt=until,
        ).count(),
        "issued": documents.filter(
            direction=Direction.OUTGOING,
            status=DocumentStatus.ISSUED,
            issued_date__range=(monday, sunday),
        ).count(),
        "documents_overdue": Assignment.objects.filter(
            document__agency_id__in=agency_ids,
            role=AssignmentRole.LEAD,
            parent__isnull=True,  # each document once (its unit's assignment, not the person's)
            state__in=ACTIONABLE_STATES,
            deadline__lt=today,
        ).count(),
        "dossiers_received": dossiers.filter(received_at__gte=since, received_at__lt=until).count(),
        "dossiers_due": dossiers.filter(
            status__in=OPEN_DOSSIER, due_at__gte=since, due_at__lt=until
        ).count(),
        "dossiers_overdue": dossiers.filter(
            status__in=OPEN_DOSSIER, due_at__lt=timezone.now()
        ).count(),
        "tasks_overdue": tasks["overdue"],
        "meetings": Meeting.objects.filter(agency_id__in=agency_ids, starts_at__gte=since)
        .filter(starts_at__lt=until)
        .exclude(state=MeetingState.CANCELLED)
        .count(),
    }


def _tables(window: Window, today: date) -> dict[str, list[processing.Row]]:
    return {
        f"{kind}_{by}": processing.table(
            kind, by, window.agency_ids, window.start, window.end, today
        )
        for kind in processing.KINDS
        for by in processing.GROUPINGS
    }


TABLE_TITLES = {
    "documents_unit": _("Documents by unit"),
    "documents_person": _("Documents by person"),
    "dossiers_unit": _("Dossiers by unit"),
    "dossiers_person": _("Dossiers by person"),
}


EXPORTS = ("xlsx", "pdf")
PDF = "application/pdf"


def _export(
    request: HttpRequest,
    window: Window,
    title: str,
    sheets: list[tuple[str, list[str], list[list[Any]]]],
    name: str,
) -> HttpResponse:
    """The tables as XLSX (`?format=xlsx`) or as PDF for printing (`?format=pdf`)."""
    if request.GET.get("format") == "pdf":
        subtitle = _("From %(start)s to %(end)s") % {
            "start": window.start.strftime("%d/%m/%Y"),
            "end": window.end.strftime("%d/%m/%Y"),
        }
        tables = [pdf.Table(t, h, r) for t, h, r in sheets]
        response = HttpResponse(pdf.tables_pdf(title, subtitle, tables), content_type=PDF)
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(tables_xlsx(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    window = _window(request)
    today = timezone.localdate()
    tables = _tables(window, today)
    names = processing.FIGURE_NAMES
    if request.GET.get("format") in EXPORTS and not window.errors:
        header = [
            str(_("Unit or person")),
            str(_("Agency")),
            *[str(names[f]) for f in processing.FIGURES],
        ]
        sheets = [
            (
                str(TABLE_TITLES[key]),
                header,
                [[r.name, r.agency, *[r.counts[f] for f in processing.FIGURES]] for r in rows],
            )
            for key, rows in tables.items()
        ]
        return _export(request, window, str(_("Leader's dashboard")), sheets, "bang-dieu-khien")
    sections = [
        {
            "key": key,
            "chart_id": f"data-{key}",
            "title": TABLE_TITLES[key],
            "rows": rows,
            "totals": processing.totals(rows),
            "chart": processing.chart(rows, names) if rows and key.endswith("_unit") else None,
        }
        for key, rows in tables.items()
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "window": window,
            "week": _week(window.agency_ids, today),
            "sections": sections,
            "figures": [(f, names[f]) for f in processing.FIGURES],
            "choose_agency": window.agencies.count() > 1,
            "agencies": window.agencies.order_by("name"),
        },
        status=400 if window.errors else 200,
    )


@require_GET
def processing_list(request: HttpRequest) -> HttpResponse:
    """The assignments or dossier steps behind one figure of one unit or person."""
    window = _window(request)
    kind, by, figure = request.GET.get("loai"), request.GET.get("theo"), request.GET.get("chi_so")
    key = request.GET.get("id", "")
    if (
        kind not in processing.KINDS
        or by not in processing.GROUPINGS
        or figure not in processing.FIGURES
        or not key.isdigit()
        or window.errors
    ):
        raise Http404
    today = timezone.localdate()
    rows = processing.rows(
        kind, by, int(key), figure, window.agency_ids, window.start, window.end, today
    )[:500]
    return render(
        request,
        "reports/processing_list.html",
        {
            "window": window,
            "kind": kind,
            "figure": processing.FIGURE_NAMES[figure],
            "rows": rows,
            "today": today,
        },
    )


@require_GET
def index_page(request: HttpRequest) -> HttpResponse:
    """The Decision 766 index of each agency in scope over the period, with its components."""
    window = _window(request)
    indexes = index766.compute(
        window.agencies.filter(pk__in=window.agency_ids), window.start, window.end
    )
    if request.GET.get("format") in EXPORTS and not window.errors:
        header, rows = index766.export_rows(indexes)
        title = str(_("Decision 766 index"))
        return _export(request, window, title, [(title, header, rows)], "chi-so-766")
    groups = [
        {"number": number, "name": name, "points": points}
        for number, (name, points) in index766.GROUPS.items()
    ]
    return render(
        request,
        "reports/index766.html",
        {
            "window": window,
            "indexes": indexes,
            "components": index766.COMPONENTS,
            "groups": groups,
            "choose_agency": window.agencies.count() > 1,
            "agencies": window.agencies.order_by("name"),
        },
        status=400 if window.errors else 200,
    )
