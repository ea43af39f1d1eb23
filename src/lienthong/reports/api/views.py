"""REST API of the one-stop evaluation (the same figures as the leaders' page)."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import access_reports
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
