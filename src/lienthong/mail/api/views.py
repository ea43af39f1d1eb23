"""The address-book API (danh bạ): the official addresses of agencies and officials, searched
like the directory page and scoped the same way (officials only; an official's own telephone
number only within their agency)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from lienthong.accounts.models import Agency, User
from lienthong.core.api.schemas import VALIDATION_ERROR_SCHEMA, ErrorSerializer

from .. import directory
from .serializers import (
    DirectoryAgencySerializer,
    DirectoryPersonSerializer,
    DirectoryQuerySerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA, description="A search longer than 100 characters, or a bad agency id."
)
UNAUTHORIZED = OpenApiResponse(ErrorSerializer, description="Not signed in.")
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="Not an official (an applicant's account): the directory is the officials'.",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such entry, or not in the directory (inactive)."
)
SEARCH = [
    OpenApiParameter(
        "q",
        str,
        description="Words in the name, address, unit, position or agency (at most "
        "100 characters); a telephone number only finds numbers the caller may see.",
    ),
    OpenApiParameter("agency", int, description="Only this agency's officials."),
]


class _DirectoryViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    filter_backends: list[Any] = []
    ordering = "id"

    def _query(self) -> dict[str, Any]:
        params = DirectoryQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="Agencies of the directory with their official addresses",
        parameters=SEARCH[:1],
        responses={
            200: DirectoryAgencySerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
        },
    ),
    retrieve=extend_schema(
        summary="One agency of the directory",
        responses={
            200: DirectoryAgencySerializer,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
)
class DirectoryAgencyViewSet(_DirectoryViewSet):
    serializer_class = DirectoryAgencySerializer

    def get_queryset(self) -> QuerySet[Agency]:
        if self.action == "retrieve":
            return directory.agencies()
        return directory.agencies(self._query().get("q", ""))


@extend_schema_view(
    list=extend_schema(
        summary="Officials of the directory: name, position, unit, official e-mail, telephone",
        parameters=SEARCH,
        responses={
            200: DirectoryPersonSerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
        },
    ),
    retrieve=extend_schema(
        summary="One official of the directory",
        responses={
            200: DirectoryPersonSerializer,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
)
class DirectoryPersonViewSet(_DirectoryViewSet):
    serializer_class = DirectoryPersonSerializer

    def get_queryset(self) -> QuerySet[User]:
        if self.action == "retrieve":
            return directory.people(viewer=self.request.user)
        query = self._query()
        found = directory.people(query.get("q", ""), self.request.user)
        if "agency" in query:
            found = found.filter(agency_id=query["agency"])
        return found
