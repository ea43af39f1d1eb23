"""Pages of periodic reporting: my agency's reports, a report to fill in (or upload), submit,
accept or return; a form's periods; a period's collection and aggregate. Thin: parse input,
check access, call one service, render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import national, pdf, services, sources
from .aggregation import aggregate
from .constants import Aggregation, IndicatorType, Periodicity, ReportStatus
from .exports import tables_xlsx
from .models import AgencyReport, Indicator, ReportForm, ReportValue
from .permissions import (
    access_form,
    access_period,
    access_report,
    can_define_forms,
    can_fill,
    can_open_period,
    can_review,
    can_send_national,
    can_submit,
    can_take_back,
    may_use_periodic_reports,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user_or_404(request: HttpRequest) -> Any:
    if not may_use_periodic_reports(request.user):
        raise Http404
    return request.user


@dataclass
class Line:
    indicator: Indicator
    value: ReportValue | None
    entered: str
    note: str
    errors: list[str]

    @property
    def source(self) -> sources.Source | None:
        return sources.SOURCES.get(self.indicator.source)


def _shown(value: ReportValue | None) -> str:
    if value is None:
        return ""
    if value.text:
        return value.text
    if value.number is None:
        return ""
    return format(value.number.normalize(), "f") if value.number != 0 else "0"


def _lines(
    report: AgencyReport, data: Any = None, errors: dict[str, list[str]] | None = None
) -> list[Line]:
    stored = {v.indicator_id: v for v in report.values.all()}
    lines = []
    for indicator in report.period.version.indicators.all():
        value = stored.get(indicator.pk)
        entered = _shown(value)
        note = value.note if value else ""
        if data is not None and not indicator.is_derived:
            entered = data.get(f"v_{indicator.code}", entered)
            note = data.get(f"n_{indicator.code}", note)
        lines.append(Line(indicator, value, entered, note, (errors or {}).get(indicator.code, [])))
    return lines


def _render_report(
    request: HttpRequest,
    report: AgencyReport,
    *,
    data: Any = None,
    errors: Any = None,
    status: int = 200,
) -> HttpResponse:
    general = (errors or {}).get("__all__", []) if isinstance(errors, dict) else (errors or [])
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "lines": _lines(report, data, errors if isinstance(errors, dict) else None),
            "general_errors": general,
            "can_fill": can_fill(request.user, report),
            # The draft is the reporting agency's; the aggregating agency gets its own copy.
            "document_link": getattr(request.user, "agency_id", None) == report.agency_id,
            "can_submit": can_submit(request.user, report),
            "can_review": can_review(request.user, report),
            "can_take_back": can_take_back(request.user, report),
            "can_send_national": can_send_national(request.user, report)
            and not report.national_submissions.exclude(state="refused").exists(),
            "submissions": report.national_submissions.all()
            if report.status == ReportStatus.ACCEPTED
            else [],
        },
        status=status,
    )


@login_required
@require_GET
def periodic(request: HttpRequest) -> HttpResponse:
    user = _user_or_404(request)
    mine = (
        AgencyReport.objects.filter(agency_id=user.agency_id)
        .visible_to(user)
        .select_related("period__form")
        .order_by("-period__starts_on")
        if user.agency_id
        else AgencyReport.objects.none()
    )
    forms = ReportForm.objects.aggregated_by(user).select_related("aggregator")
    return render(request, "reports/periodic.html", {"mine": mine, "forms": forms})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(request)
    report = access_report(user, pk)
    if request.method != "POST":
        return _render_report(request, report)
    values = {key[2:]: raw for key, raw in request.POST.items() if key.startswith("v_")}
    notes = {key[2:]: str(raw) for key, raw in request.POST.items() if key.startswith("n_")}
    try:
        services.save_values(report=report, actor=user, values=values, notes=notes)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _render_report(request, report, data=request.POST, errors=errors, status=400)
    messages.success(request, _("The figures are saved."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_GET
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(_user_or_404(request), pk)
    response = HttpResponse(services.form_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{report.pk}.xlsx"'
    return response


@login_required
@require_POST
def report_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(request)
    report = access_report(user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _render_report(
            request, report, errors=[_("Choose the XLSX file to upload.")], status=400
        )
    if upload.size is not None and upload.size > 2 * 1024 * 1024:
        return _render_report(
            request, report, errors=[_("The file is larger than 2 MB.")], status=400
        )
    try:
        services.upload_form(report=report, actor=user, content=upload.read())
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        listed = (
            [f"{code}: {m}" for code, ms in exc.message_dict.items() for m in ms]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        return _render_report(request, report, errors=listed, status=400)
    messages.success(request, _("The spreadsheet's figures are saved."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(request)
    report = access_report(user, pk)
    try:
        report = services.submit_report(report=report, actor=user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _render_report(request, report, errors=errors, status=400)
    if report.status == ReportStatus.AWAITING_DOCUMENT:
        messages.success(
            request,
            _(
                "The report is approved; its document is in drafting for review, your "
                "signature and issue. It counts once the signed document reaches the "
                "aggregating agency."
            ),
        )
    else:
        messages.success(request, _("The report is submitted."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_take_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency leader takes back a report waiting for its signed document (not yet issued)."""
    user = _user_or_404(request)
    report = access_report(user, pk)
    try:
        report = services.take_back_report(
            report=report, actor=user, reason=request.POST.get("reason", "")
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        return _render_report(request, report, errors=exc.messages, status=400)
    messages.success(request, _("The report is taken back; its document is withdrawn."))
    return redirect("reports:report", pk=report.pk)


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (decision=accept) or return with a reason (decision=return)."""
    user = _user_or_404(request)
    report = access_report(user, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "accept":
            services.accept_report(report=report, actor=user)
            messages.success(request, _("The report is accepted."))
        elif decision == "return":
            services.return_report(report=report, actor=user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The report is returned to its agency."))
        else:
            return _render_report(
                request, report, errors=[_("Choose accept or return.")], status=400
            )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        return _render_report(request, report, errors=exc.messages, status=400)
    return redirect("reports:period", pk=report.period_id)


@login_required
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A form the user's agency aggregates: its indicators, its periods; opening a period."""
    user = _user_or_404(request)
    form = access_form(user, pk)
    errors: list[str] = []
    if request.method == "POST":
        if not can_open_period(user, form):
            raise Http404
        try:
            year = int(request.POST.get("year", ""))
            number = int(request.POST.get("number", "1") or 1)
            starts = request.POST.get("starts_on") or None
            ends = request.POST.get("ends_on") or None
            period = services.open_period(
                form=form,
                actor=user,
                year=year,
                number=number,
                starts_on=date.fromisoformat(starts) if starts else None,
                ends_on=date.fromisoformat(ends) if ends else None,
            )
        except ValueError:
            errors = [_("Give the year and the period as numbers, the dates as YYYY-MM-DD.")]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The period is open; the agencies' reports are created."))
            return redirect("reports:period", pk=period.pk)
    version = form.current_version()
    return render(
        request,
        "reports/form.html",
        {
            "form": form,
            "version": version,
            "indicators": version.indicators.all() if version else [],
            "periods": form.periods.order_by("-starts_on"),
            "errors": errors,
            "can_open": can_open_period(user, form),
            "can_edit": can_define_forms(user, form),
            "ad_hoc": form.periodicity == Periodicity.AD_HOC,
            "sources": sources.SOURCES,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The collection of a period at the aggregating agency: who submitted, who is late, the
    aggregate over what came in, with the gaps."""
    user = _user_or_404(request)
    period = access_period(user, pk)
    result = aggregate(period, timezone.localdate())
    wanted = request.GET.get("format")
    if wanted in ("pdf", "xlsx"):
        name = f"tong-hop-{period.form.code}-{period.year}-{period.number}"
        if wanted == "pdf":
            response = HttpResponse(pdf.aggregate_pdf(result), content_type="application/pdf")
        else:
            sheets = [(t.title, t.header, t.rows) for t in pdf.aggregate_tables(result)]
            response = HttpResponse(tables_xlsx(sheets), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.{wanted}"'
        return response
    return render(
        request,
        "reports/period.html",
        {"period": period, "aggregate": result, "today": timezone.localdate()},
    )


def number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


# --- Editing a form (a new version) --------------------------------------------------------------

EMPTY_ROWS = 3
SPEC_FIELDS = (
    "code",
    "name",
    "unit",
    "type",
    "min_value",
    "max_value",
    "choices",
    "formula",
    "aggregation",
    "source",
    "help_text",
)


def _spec_rows(version: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for spec in services.specs_of(version) if version else []:
        row = {name: getattr(spec, name) for name in SPEC_FIELDS}
        for bound in ("min_value", "max_value"):
            row[bound] = number(row[bound])
        row["required"] = spec.required
        row["choices"] = "; ".join(
            line.strip() for line in spec.choices.splitlines() if line.strip()
        )
        rows.append(row)
    blank = dict.fromkeys(SPEC_FIELDS, "") | {"type": "integer", "aggregation": "sum"}
    return rows + [dict(blank, required=False) for _ in range(EMPTY_ROWS)]


def _posted_rows(data: Any) -> list[dict[str, Any]]:
    try:
        count = min(int(data.get("rows", "0")), 500)
    except ValueError:
        count = 0
    rows = []
    for n in range(count):
        row = {name: str(data.get(f"i{n}-{name}", "")).strip() for name in SPEC_FIELDS}
        row["required"] = data.get(f"i{n}-required") == "on"
        row["remove"] = data.get(f"i{n}-remove") == "on"
        rows.append(row)
    return rows


def _specs_from(rows: list[dict[str, Any]]) -> tuple[list[services.IndicatorSpec], list[str]]:
    """The indicators of the posted rows (blank and removed rows left out), or the errors of
    numbers that are not numbers."""
    specs, errors = [], []
    for row in rows:
        if row["remove"] or not (row["code"] or row["name"]):
            continue
        bounds: dict[str, Decimal | None] = {}
        for bound in ("min_value", "max_value"):
            try:
                bounds[bound] = services.parse_number(row[bound]) if row[bound] else None
            except (ArithmeticError, ValueError):
                errors.append(
                    _("%(code)s: “%(value)s” is not a number.")
                    % {"code": row["code"] or "?", "value": row[bound]}
                )
                bounds[bound] = None
        specs.append(
            services.IndicatorSpec(
                code=row["code"],
                name=row["name"],
                type=row["type"],
                unit=row["unit"],
                required=row["required"],
                min_value=bounds["min_value"],
                max_value=bounds["max_value"],
                choices=row["choices"].replace("\r\n", "\n").replace(";", "\n"),
                formula=row["formula"],
                aggregation=row["aggregation"] or "sum",
                source=row["source"],
                help_text=row["help_text"],
            )
        )
    return specs, errors


@login_required
def form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the form: its indicators (codes, types, bounds, formulas checked for
    cycles and unknown codes). Periods already open keep their version."""
    user = _user_or_404(request)
    form = access_form(user, pk)
    if not can_define_forms(user, form):
        raise Http404
    version = form.current_version()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rows = _posted_rows(request.POST)
        specs, number_errors = _specs_from(rows)
        if number_errors:
            errors["__all__"] = number_errors
        else:
            try:
                new = services.save_form_version(
                    form=form,
                    indicators=specs,
                    actor=user,
                    note=request.POST.get("note", "").strip(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                errors = (
                    exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                )
            else:
                messages.success(
                    request, _("Version %(number)s of the form is saved.") % {"number": new.number}
                )
                return redirect("reports:form", pk=form.pk)
    else:
        rows = _spec_rows(version)
    return render(
        request,
        "reports/form_edit.html",
        {
            "form": form,
            "version": version,
            "rows": rows,
            "errors": errors,
            "types": IndicatorType.choices,
            "aggregations": Aggregation.choices,
            "sources": sources.SOURCES,
            "note": request.POST.get("note", "") if request.method == "POST" else "",
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def report_national(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an accepted report to the national reporting system (a job sends it)."""
    user = _user_or_404(request)
    report = access_report(user, pk)
    try:
        national.send_to_national(report=report, actor=user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        return _render_report(request, report, errors=exc.messages, status=400)
    messages.success(request, _("The report is queued for the national reporting system."))
    return redirect("reports:report", pk=report.pk)
