"""REST API of the one-stop evaluation (the same figures as the leaders' page) and of periodic
reporting: forms, periods with their aggregate, an agency's report and its figures."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import dashboard_views, index766, national, processing, services
from ..aggregation import aggregate
from ..constants import COUNTED
from ..models import AgencyReport, ReportForm, ReportingPeriod
from ..permissions import access_period, access_report, access_reports
from ..views import report_for


class OneStopReportView(APIView):
    @extend_schema(
        summary="One-stop evaluation: Circular 01/2018 indicators, on-time rates, satisfaction",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=False),
            OpenApiParameter("end", OpenApiTypes.DATE, required=False),
            OpenApiParameter("agency", OpenApiTypes.INT, required=False),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description="Invalid period or agency."),
            404: OpenApiResponse(description="Only leaders read the evaluation."),
        },
    )
    def get(self, request: Request) -> Response:
        scope = access_reports(request.user)
        form, report = report_for(scope, request.query_params)
        if report is None:
            raise ValidationError(form.errors.get_json_data())
        data = asdict(report)
        data["period"] = {
            "start": report.period.start.isoformat() if report.period.start else None,
            "end": report.period.end.isoformat() if report.period.end else None,
        }
        return Response(data)


# --- Periodic reporting -------------------------------------------------------------------------


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _period_json(period: ReportingPeriod) -> dict[str, Any]:
    return {
        "id": period.pk,
        "form": period.form.code,
        "label": period.label,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "deadline": period.deadline.isoformat(),
        "version": period.version.number,
    }


class ReportFormListView(APIView):
    @extend_schema(
        summary="Report forms the user's agency collects, with their indicators and periods",
        responses={
            200: {"type": "array", "items": {"type": "object"}},
            403: OpenApiResponse(description="Not signed in."),
        },
    )
    def get(self, request: Request) -> Response:
        forms = (
            ReportForm.objects.aggregated_by(request.user)
            .select_related("aggregator")
            .prefetch_related("periods__version", "versions__indicators")
        )
        data = []
        for form in forms:
            version = max(form.versions.all(), key=lambda v: v.number, default=None)
            data.append(
                {
                    "id": form.pk,
                    "code": form.code,
                    "name": form.name,
                    "periodicity": form.periodicity,
                    "cutoff_day": form.cutoff_day,
                    "deadline_days": form.deadline_days,
                    "aggregator": form.aggregator.code,
                    "version": version.number if version else None,
                    "indicators": [
                        {
                            "code": i.code,
                            "name": i.name,
                            "unit": i.unit,
                            "type": i.type,
                            "required": i.required,
                            "formula": i.formula,
                            "aggregation": i.aggregation,
                            "source": i.source,
                        }
                        for i in (version.indicators.all() if version else [])
                    ],
                    "periods": [_period_json(p) for p in form.periods.all()],
                }
            )
        return Response(data)


class ReportPeriodView(APIView):
    @extend_schema(
        summary="A reporting period: each agency's report status, late reports, the aggregate",
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description="Not found.")},
    )
    def get(self, request: Request, pk: int) -> Response:
        period = access_period(request.user, pk)
        result = aggregate(period, timezone.localdate())
        late = {r.pk for r in result.late}
        return Response(
            {
                **_period_json(period),
                "reports": [
                    {
                        "id": r.pk,
                        "agency": r.agency.code,
                        "status": r.status,
                        "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                        "document_arrived_at": r.document_arrived_at.isoformat()
                        if r.document_arrived_at
                        else None,
                        "counted": r.status in COUNTED,
                        "late": r.pk in late,
                        "return_reason": r.return_reason,
                    }
                    for r in result.reports
                ],
                "aggregate": [
                    {
                        "code": row.indicator.code,
                        "value": _number(row.value),
                        "reported": row.reported,
                    }
                    for row in result.rows
                ],
                "gaps": [r.agency.code for r in result.gaps],
            }
        )


def _document_json(report: AgencyReport) -> dict[str, Any] | None:
    """The signed report document, when the form says the report goes as one: the draft's
    state, then the issued document's number and date."""
    draft = report.document_draft
    if draft is None:
        return None
    issued = draft.document
    return {
        "state": draft.state,
        "number": issued.number_and_symbol if issued else None,
        "issued_date": issued.issued_date.isoformat() if issued and issued.issued_date else None,
        # Delivered to the aggregating agency: from then on the report counts.
        "arrived_at": report.document_arrived_at.isoformat()
        if report.document_arrived_at
        else None,
    }


def _report_json(report: AgencyReport) -> dict[str, Any]:
    values = {v.indicator_id: v for v in report.values.all()}
    return {
        "id": report.pk,
        "period": _period_json(report.period),
        "agency": report.agency.code,
        "status": report.status,
        "counted": report.status in COUNTED,
        "return_reason": report.return_reason,
        "document": _document_json(report),
        "national_submissions": [
            {"state": s.state, "receipt": s.receipt, "error": s.error}
            for s in report.national_submissions.all()
        ],
        "values": [
            {
                "code": i.code,
                "number": _number(values[i.pk].number) if i.pk in values else None,
                "text": values[i.pk].text if i.pk in values else "",
                "note": values[i.pk].note if i.pk in values else "",
                "prefilled": _number(values[i.pk].prefilled) if i.pk in values else None,
            }
            for i in report.period.version.indicators.all()
        ],
    }


class AgencyReportView(APIView):
    @extend_schema(
        summary="An agency's report with its values",
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description="Not found.")},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_report_json(access_report(request.user, pk)))


class AgencyReportValuesView(APIView):
    @extend_schema(
        summary="Save figures of an agency's report (by indicator code), with notes",
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description="Errors by indicator code; nothing was saved."),
            404: OpenApiResponse(description="Not found, or not the user's to fill in."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        report = access_report(request.user, pk)
        values = request.data.get("values") if isinstance(request.data, dict) else None
        notes = request.data.get("notes", {}) if isinstance(request.data, dict) else None
        if not isinstance(values, dict) or not isinstance(notes, dict):
            raise ValidationError({"values": ["An object of indicator codes to values."]})
        if not all(isinstance(v, str | int | float | None) for v in values.values()):
            raise ValidationError({"values": ["Each value is a number or a string."]})
        try:
            services.save_values(
                report=report,
                actor=request.user,  # type: ignore[arg-type]
                values={str(k): ("" if v is None else str(v)) for k, v in values.items()},
                notes={str(k): str(v) for k, v in notes.items()},
            )
        except PermissionDenied:
            raise Http404 from None
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"values": exc.messages}
            ) from None
        report.refresh_from_db()
        return Response(_report_json(report))


def _reason(request: Request) -> str:
    reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
    return reason if isinstance(reason, str) else ""


def _decision(request: Request, pk: int, action: str) -> Response:
    report = access_report(request.user, pk)
    user: Any = request.user
    try:
        if action == "submit":
            services.submit_report(report=report, actor=user)
        elif action == "accept":
            services.accept_report(report=report, actor=user)
        elif action == "return":
            services.return_report(report=report, actor=user, reason=_reason(request))
        elif action == "take-back":
            services.take_back_report(report=report, actor=user, reason=_reason(request))
        else:
            national.send_to_national(report=report, actor=user)
    except PermissionDenied:
        raise Http404 from None
    except DjangoValidationError as exc:
        raise ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        ) from None
    report.refresh_from_db()
    return Response(_report_json(report))


_DECISION_ERRORS = {
    200: OpenApiTypes.OBJECT,
    400: OpenApiResponse(description="Not allowed in the report's state, or invalid; unchanged."),
    404: OpenApiResponse(description="Not found, or not the user's to act on."),
}


class AgencyReportSubmitView(APIView):
    @extend_schema(
        summary="The agency leader approves and submits the report",
        request=None,
        responses=_DECISION_ERRORS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decision(request, pk, "submit")


class AgencyReportAcceptView(APIView):
    @extend_schema(
        summary="The aggregating agency accepts a submitted report",
        request=None,
        responses=_DECISION_ERRORS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decision(request, pk, "accept")


class AgencyReportReturnView(APIView):
    @extend_schema(
        summary="The aggregating agency returns a submitted report with its reason",
        request=OpenApiTypes.OBJECT,
        responses=_DECISION_ERRORS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decision(request, pk, "return")


class AgencyReportTakeBackView(APIView):
    @extend_schema(
        summary="The agency leader takes back a report waiting for its signed document",
        description=(
            "Before the report's document is issued: its draft is withdrawn and the report is "
            'being filled in again. Body: {"reason": "..."} (required).'
        ),
        request=OpenApiTypes.OBJECT,
        responses=_DECISION_ERRORS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decision(request, pk, "take-back")


class AgencyReportNationalView(APIView):
    @extend_schema(
        summary="Send an accepted report to the national reporting system (queued)",
        request=None,
        responses=_DECISION_ERRORS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return _decision(request, pk, "national")


# --- Leaders' figures ----------------------------------------------------------------------------

_LEADER_PARAMETERS = [
    OpenApiParameter("tu", OpenApiTypes.DATE, required=False, description="From (inclusive)."),
    OpenApiParameter("den", OpenApiTypes.DATE, required=False, description="To (inclusive)."),
    OpenApiParameter("co_quan", OpenApiTypes.INT, required=False, description="One agency."),
]
_LEADER_ERRORS = {
    200: OpenApiTypes.OBJECT,
    400: OpenApiResponse(description="Invalid dates."),
    404: OpenApiResponse(description="Only leaders; an agency outside the user's scope."),
}


def _leader_window(request: Request) -> Any:
    window = dashboard_views._window(request)
    if window.errors:
        raise ValidationError({"detail": window.errors})
    return window


class ProcessingStatisticsView(APIView):
    @extend_schema(
        summary="Processing by unit and by person: documents and one-stop dossier steps",
        parameters=_LEADER_PARAMETERS,
        responses=_LEADER_ERRORS,
    )
    def get(self, request: Request) -> Response:
        window = _leader_window(request)
        today = timezone.localdate()
        tables = {
            f"{kind}_{by}": [
                {"id": row.key, "name": row.name, "agency": row.agency, **row.counts}
                for row in processing.table(
                    kind, by, window.agency_ids, window.start, window.end, today
                )
            ]
            for kind in processing.KINDS
            for by in processing.GROUPINGS
        }
        return Response({"from": window.start.isoformat(), "to": window.end.isoformat(), **tables})


class Index766View(APIView):
    @extend_schema(
        summary="The Decision 766 index per agency, with its components (null: no data)",
        parameters=_LEADER_PARAMETERS,
        responses=_LEADER_ERRORS,
    )
    def get(self, request: Request) -> Response:
        window = _leader_window(request)
        indexes = index766.compute(
            window.agencies.filter(pk__in=window.agency_ids), window.start, window.end
        )
        return Response(
            {
                "from": window.start.isoformat(),
                "to": window.end.isoformat(),
                "agencies": [
                    {
                        "agency_id": item.agency_id,
                        "agency": item.agency,
                        "index": _number(item.index),
                        "points": _number(item.points),
                        "max_points": item.max_points,
                        "components": [
                            {
                                "key": s.component.key,
                                "group": s.component.group,
                                "max": s.component.points,
                                "counted": s.part if s.has_data else None,
                                "of": s.whole if s.has_data else None,
                                "share": _number(s.share),
                                "points": _number(s.points),
                            }
                            for s in item.scores
                        ],
                    }
                    for item in indexes
                ],
            }
        )
