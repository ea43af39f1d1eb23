"""The leaders' page of the one-stop evaluation and its XLSX export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .exports import report_xlsx
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
