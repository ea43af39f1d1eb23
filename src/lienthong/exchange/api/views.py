"""REST API of inter-agency delivery: the sender follows each recipient's status; the
recipient's clerk registers or returns a delivered document and answers recalls."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.core.api.errors import service_errors
from lienthong.core.http import user_or_404
from lienthong.documents.permissions import access_document

from .. import services
from ..models import Delivery
from .serializers import DeliverySerializer, ReasonSerializer, RecallAnswerSerializer

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
