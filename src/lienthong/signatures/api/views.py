"""REST API of digital signatures: verify any uploaded PDF, sign one with the caller's own
certificate or (clerks) the agency's, and list the certificates the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.core.api.errors import DownloadNegotiation, service_errors
from lienthong.core.api.schemas import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from lienthong.core.http import official_or_404
from lienthong.documents.uploads import check_upload

from .. import services
from ..constants import CredentialKind
from ..models import SigningCredential
from .serializers import (
    CredentialSerializer,
    SignInputSerializer,
    VerificationReportSerializer,
    VerifyInputSerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description="Not a readable, unencrypted PDF; wrong passphrase or PIN; no valid "
    "certificate on file; wrong signing order. Nothing is signed.",
)
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not allowed to sign this way.")
UPLOAD_CODES = {"empty", "too_large", "bad_type", "encrypted_pdf", "bad_pdf"}


def _pdf(upload: Any) -> bytes:
    with service_errors("file", UPLOAD_CODES):
        checked = check_upload(upload, upload.name)
    if checked.content_type != "application/pdf":
        raise DRFValidationError({"file": [_("Only a PDF can be signed or verified.")]})
    upload.seek(0)
    return bytes(upload.read())


class SignatureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[SigningCredential]):
    serializer_class = CredentialSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[SigningCredential]:
        return SigningCredential.objects.visible_to(self.request.user).order_by("id")

    @extend_schema(
        summary="The signing certificates the caller may see (own; administrators: agency's)"
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Check the digital signatures of a PDF",
        request={"multipart/form-data": VerifyInputSerializer},
        responses={200: VerificationReportSerializer, 400: BAD_REQUEST},
    )
    @action(detail=False, methods=["post"])
    def verify(self, request: Request) -> Response:
        official_or_404(request)
        data = VerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.verify_pdf(_pdf(data.validated_data["file"]))
        return Response(VerificationReportSerializer(report).data)

    @extend_schema(
        summary="Sign a PDF (PAdES) as yourself or, for clerks, as the agency",
        request={"multipart/form-data": SignInputSerializer},
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The signed PDF."
            ),
            400: BAD_REQUEST,
            403: FORBIDDEN,
        },
    )
    @action(detail=False, methods=["post"], content_negotiation_class=DownloadNegotiation)
    def sign(self, request: Request) -> HttpResponse:
        user = official_or_404(request)
        data = SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pdf = _pdf(values["file"])
        with service_errors():
            if values["kind"] == CredentialKind.PERSONAL:
                signed = services.sign_personal(
                    actor=user,
                    data=pdf,
                    secret=values["secret"],
                    position=values.get("position", ""),
                )
            else:
                assert user.agency is not None
                signed = services.apply_agency_signature(
                    agency=user.agency,
                    actor=user,
                    data=pdf,
                    secret=values["secret"],
                    number_and_symbol=values.get("number_and_symbol", ""),
                    issued_date=values.get("issued_date"),
                    appendix=values["appendix"],
                )
        response = HttpResponse(signed, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="da-ky.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
