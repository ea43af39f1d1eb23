"""REST API of inter-agency delivery: the sender follows each recipient's status; the
recipient's clerk registers or returns a delivered document and answers recalls."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.core.api.errors import service_errors
from lienthong.core.http import clerk_or_404, official_or_404, user_or_404
from lienthong.documents.permissions import access_document

from .. import axis_services, services
from ..models import AxisDelivery, AxisPackage, Delivery
from ..permissions import access_request, can_view_axis, requests_answerable_by
from .serializers import (
    AxisDeliverySerializer,
    AxisPackageSerializer,
    AxisRequestSerializer,
    DeliverySerializer,
    ReasonSerializer,
    RecallAnswerSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid"),
    403: OpenApiResponse(description="Not allowed"),
    404: OpenApiResponse(description="Not found"),
}


@extend_schema(responses={200: DeliverySerializer(many=True), 404: ERRORS[404]}, tags=["exchange"])
@api_view(["GET"])
def deliveries(request: Request, pk: int) -> Response:
    """Each recipient's status of an issued document (sender's view)."""
    document = access_document(request.user, pk)
    rows = (
        Delivery.objects.filter(outgoing=document)
        .select_related("recipient")
        .prefetch_related("events")
    )
    return Response(DeliverySerializer(rows, many=True).data)


@extend_schema(request=None, responses={204: None, **ERRORS}, tags=["exchange"])
@api_view(["POST"])
def accept(request: Request, pk: int) -> Response:
    document = access_document(request.user, pk)
    with service_errors():
        services.accept_delivered(actor=user_or_404(request), document=document)
    return Response(status=204)


@extend_schema(request=ReasonSerializer, responses={204: None, **ERRORS}, tags=["exchange"])
@api_view(["POST"])
def reject(request: Request, pk: int) -> Response:
    document = access_document(request.user, pk)
    data = ReasonSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    with service_errors():
        services.reject_delivered(
            actor=user_or_404(request), document=document, reason=data.validated_data["reason"]
        )
    return Response(status=204)


@extend_schema(request=ReasonSerializer, responses={204: None, **ERRORS}, tags=["exchange"])
@api_view(["POST"])
def recall(request: Request, pk: int) -> Response:
    document = access_document(request.user, pk)
    data = ReasonSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    with service_errors():
        services.recall(
            actor=user_or_404(request), outgoing=document, reason=data.validated_data["reason"]
        )
    return Response(status=204)


@extend_schema(request=RecallAnswerSerializer, responses={204: None, **ERRORS}, tags=["exchange"])
@api_view(["POST"])
def answer_recall(request: Request, pk: int) -> Response:
    document = access_document(request.user, pk)
    data = RecallAnswerSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    with service_errors():
        services.answer_recall(
            actor=user_or_404(request),
            document=document,
            agree=data.validated_data["agree"],
            reason=data.validated_data["reason"],
        )
    return Response(status=204)


# --- The national document axis (scoped to the caller's agency) -----------------------------------


def _axis_document(request: Request, pk: int) -> Any:
    user = official_or_404(request)
    document = access_document(user, pk)
    if not can_view_axis(user, document):
        raise Http404
    return document


@extend_schema(
    responses={200: AxisDeliverySerializer(many=True), 404: ERRORS[404]}, tags=["exchange"]
)
@api_view(["GET"])
def axis_deliveries(request: Request, pk: int) -> Response:
    """Each axis recipient of a document of the caller's agency, with the statuses it sent."""
    document = _axis_document(request, pk)
    rows = AxisDelivery.objects.of_document(document.pk).prefetch_related("events")
    return Response(AxisDeliverySerializer(rows, many=True).data)


def _packages_of(user: Any) -> Any:
    code = user.agency.code
    return AxisPackage.objects.filter(
        Q(from_code=code) | Q(to_code=code) | Q(document__agency_id=user.agency_id)
    ).defer("raw")


class PackageFilter(serializers.Serializer[dict[str, str]]):
    direction = serializers.ChoiceField(["sent", "received"], required=False)
    document = serializers.IntegerField(required=False, min_value=1)


@extend_schema(
    parameters=[PackageFilter],
    responses={200: AxisPackageSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    tags=["exchange"],
)
@api_view(["GET"])
def axis_packages(request: Request) -> Response:
    """Evidence: the packages the caller's agency sent and received over the axis (documents
    and statuses), with their hash, signature, route and outcome; newest first."""
    user = official_or_404(request)
    query = PackageFilter(data=request.query_params)
    query.is_valid(raise_exception=True)
    rows = _packages_of(user).order_by("-created_at", "-id")
    if "direction" in query.validated_data:
        rows = rows.filter(direction=query.validated_data["direction"])
    if "document" in query.validated_data:
        rows = rows.filter(document_id=query.validated_data["document"])
    return Response(AxisPackageSerializer(rows[:500], many=True).data)


@extend_schema(
    responses={
        (200, "application/xml"): OpenApiResponse(description="The original edXML package"),
        404: ERRORS[404],
    },
    tags=["exchange"],
)
@api_view(["GET"])
def axis_package_original(request: Request, pk: int) -> HttpResponse:
    """One package exactly as it travelled (the original XML), for the caller's agency."""
    user = official_or_404(request)
    package = _packages_of(user).defer(None).filter(pk=pk).first()
    if package is None:
        raise Http404
    response = HttpResponse(bytes(package.raw), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{package.file_name}"'
    return response


@extend_schema(
    responses={200: AxisRequestSerializer(many=True), 404: ERRORS[404]}, tags=["exchange"]
)
@api_view(["GET"])
def axis_requests(request: Request) -> Response:
    """Recalls, updates and replacements received over the axis waiting for the clerk."""
    clerk = clerk_or_404(request)
    rows = requests_answerable_by(clerk)
    return Response(AxisRequestSerializer(rows, many=True).data)


@extend_schema(request=RecallAnswerSerializer, responses={204: None, **ERRORS}, tags=["exchange"])
@api_view(["POST"])
def axis_request_answer(request: Request, pk: int) -> Response:
    """Agree (15) or refuse with a reason (16)."""
    clerk = clerk_or_404(request)
    receipt = access_request(clerk, pk)
    data = RecallAnswerSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    with service_errors():
        axis_services.answer_request(
            actor=clerk,
            receipt=receipt,
            agree=data.validated_data["agree"],
            reason=data.validated_data["reason"],
        )
    return Response(status=204)
