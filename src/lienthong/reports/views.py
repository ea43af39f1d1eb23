"""The leaders' page of the one-stop evaluation and its XLSX export; the document statistics."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lienthong.documents.models import Document

from . import statistics
from .exports import report_xlsx, statistics_xlsx
from .forms import PeriodForm
from .indicators import INDICATOR_NAMES, Period, Report, build_report
from .permissions import ReportScope, access_reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_for(scope: ReportScope, data: Any) -> tuple[PeriodForm, Report | None]:
    """The report for the period and agency chosen in `data` (query parameters)."""
    form = PeriodForm(data or None, agencies=scope.agencies)
    if data and not form.is_valid():
        return form, None
    cleaned = form.cleaned_data if data else {}
    dossiers = scope.dossiers
    if cleaned.get("agency"):
        dossiers = dossiers.filter(agency=cleaned["agency"])
    period = Period(start=cleaned.get("start"), end=cleaned.get("end"))
    return form, build_report(dossiers, period, scope.officers)


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    scope = access_reports(request.user)
    form, report = report_for(scope, request.GET)
    return render(
        request,
        "reports/onestop.html",
        {
            "form": form,
            "report": report,
            "names": INDICATOR_NAMES,
            "query": request.GET.urlencode(),
        },
        status=200 if report is not None else 400,
    )


@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    scope = access_reports(request.user)
    form, report = report_for(scope, request.GET)
    if report is None:
        return render(
            request,
            "reports/onestop.html",
            {"form": form, "report": None, "names": INDICATOR_NAMES, "query": ""},
            status=400,
        )
    response = HttpResponse(report_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="danh-gia-mot-cua.xlsx"'
    return response


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Documents incoming and outgoing by month and by type over a year, as charts and tables;
    each bar and figure opens the list of documents behind it. `?format=xlsx` downloads them."""
    scope = access_reports(request.user)
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    documents = Document.objects.filter(agency__in=scope.agencies)
    agency_id = request.GET.get("co_quan", "")
    if agency_id.isdigit():
        documents = documents.filter(agency_id=int(agency_id))
    months = statistics.by_month(documents, year)
    types = statistics.by_type(documents, year)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(statistics_xlsx(year, months, types), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="thong-ke-van-ban-{year}.xlsx"'
        return response
    incoming, outgoing = _("Incoming"), _("Outgoing")
    return render(
        request,
        "reports/statistics.html",
        {
            "year": year,
            "months": months,
            "types": types,
            "agencies": scope.agencies.order_by("name")
            if getattr(request.user, "is_system_admin", False)
            else None,
            "agency_id": agency_id,
            "month_chart": statistics.chart_data(months, incoming, outgoing),
            "type_chart": statistics.chart_data(types, incoming, outgoing),
            "cumulative_chart": statistics.chart_data(
                statistics.cumulative(months, year, timezone.localdate()), incoming, outgoing
            ),
        },
    )
