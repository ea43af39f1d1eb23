"""REST API of work files and file catalogues. Thin, like the pages: find the object through
the access chokepoint (404 for missing and forbidden alike), parse input, call one service."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from lienthong.core.api.errors import DownloadNegotiation, service_errors
from lienthong.core.api.schemas import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from lienthong.core.http import official_or_404

from .. import exports, services
from ..constants import CaseFileStatus
from ..models import CaseFile, CaseFileItem, CatalogEntry, FileCatalog, RetentionPeriod
from ..permissions import (
    access_case_file,
    access_catalog,
    access_item,
    require_sees_every_document,
)
from .serializers import (
    AddDocumentInputSerializer,
    CaseFileDetailSerializer,
    CaseFileItemSerializer,
    CaseFileSerializer,
    CatalogEntryInputSerializer,
    CatalogEntrySerializer,
    CatalogInputSerializer,
    CloseInputSerializer,
    FileCatalogDetailSerializer,
    FileCatalogSerializer,
    OpenFileInputSerializer,
    ReopenInputSerializer,
    RetentionPeriodSerializer,
    WithdrawInputSerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description="Invalid input or a refused change (a closed file, a document already in it): "
    "the messages of each field (`non_field_errors` for the request as a whole). Nothing is "
    "stored.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="The caller's role does not allow this. Nothing is stored."
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No such object, or it belongs to another agency or is confidential.",
)


# --- Retention periods ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Retention periods (thời hạn bảo quản) in use"),
    retrieve=extend_schema(responses={200: RetentionPeriodSerializer, 404: NOT_FOUND}),
)
class RetentionPeriodViewSet(viewsets.ReadOnlyModelViewSet[RetentionPeriod]):
    serializer_class = RetentionPeriodSerializer
    queryset = RetentionPeriod.objects.filter(is_active=True)
    pagination_class = None
    filter_backends: list[Any] = []


# --- Catalogues ----------------------------------------------------------------------------------


def _entries() -> Prefetch[Any]:
    return Prefetch(
        "entries",
        queryset=CatalogEntry.objects.order_by("unit__name", "ordinal").prefetch_related(
            Prefetch("case_files", queryset=CaseFile.objects.only("id", "catalog_entry_id"))
        ),
    )


@extend_schema_view(
    list=extend_schema(summary="The file catalogues (danh mục hồ sơ) of the caller's agency"),
    retrieve=extend_schema(
        summary="A catalogue with its entries",
        responses={200: FileCatalogDetailSerializer, 404: NOT_FOUND},
    ),
)
class FileCatalogViewSet(viewsets.ReadOnlyModelViewSet[FileCatalog]):
    serializer_class = FileCatalogSerializer
    filterset_fields = ["year"]
    ordering = "-id"

    def get_queryset(self) -> QuerySet[FileCatalog]:
        return FileCatalog.objects.visible_to(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(access_catalog(request.user, kwargs["pk"])))

    def _detail(self, catalog: FileCatalog) -> Any:
        found = FileCatalog.objects.prefetch_related(_entries()).get(pk=catalog.pk)
        return FileCatalogDetailSerializer(found, context=self.get_serializer_context()).data

    @extend_schema(
        summary="Create the agency's catalogue of files for a year",
        request=CatalogInputSerializer,
        responses={201: FileCatalogDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = official_or_404(request)
        data = CatalogInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            catalog = services.create_catalog(actor=user, **data.validated_data)
        location = reverse("file-catalog-detail", kwargs={"pk": catalog.pk}, request=request)
        return Response(
            self._detail(catalog), status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="Plan a file in the catalogue; its number and symbol are given (e.g. 05.VP)",
        request=CatalogEntryInputSerializer,
        responses={
            201: CatalogEntrySerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def entries(self, request: Request, pk: str) -> Response:
        catalog = access_catalog(request.user, pk)
        user = official_or_404(request)
        data = CatalogEntryInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        with service_errors():
            entry = services.add_catalog_entry(actor=user, catalog=catalog, **data.validated_data)
        return Response(CatalogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


# --- Work files ----------------------------------------------------------------------------------


class CaseFileFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=CaseFileStatus.choices)
    mine = django_filters.BooleanFilter(
        method="_mine", label="Only files the caller makes (is the creator of) or opened."
    )

    class Meta:
        model = CaseFile
        fields: list[str] = []

    def _mine(self, queryset: QuerySet[CaseFile], name: str, value: bool) -> QuerySet[CaseFile]:
        return queryset.of(self.request.user) if value else queryset  # type: ignore[attr-defined]


@extend_schema_view(
    list=extend_schema(summary="Work files (hồ sơ) the caller may see, newest first"),
    retrieve=extend_schema(
        summary="A work file with its documents (mục lục văn bản)",
        responses={200: CaseFileDetailSerializer, 404: NOT_FOUND},
    ),
)
class CaseFileViewSet(viewsets.ReadOnlyModelViewSet[CaseFile]):
    serializer_class = CaseFileSerializer
    filterset_class = CaseFileFilter
    ordering = "-id"

    def get_queryset(self) -> QuerySet[CaseFile]:
        return CaseFile.objects.visible_to(self.request.user).for_list()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(access_case_file(request.user, kwargs["pk"])))

    def _detail(self, case_file: CaseFile) -> Any:
        found = CaseFile.objects.for_list().get(pk=case_file.pk)
        return CaseFileDetailSerializer(found, context=self.get_serializer_context()).data

    @extend_schema(
        summary="Open a work file (mở hồ sơ), from a catalogue entry or not",
        request=OpenFileInputSerializer,
        responses={201: CaseFileDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = official_or_404(request)
        data = OpenFileInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if v not in (None, "")}
        with service_errors():
            case_file = services.open_file(actor=user, **values)
        location = reverse("case-file-detail", kwargs={"pk": case_file.pk}, request=request)
        return Response(
            self._detail(case_file), status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="Add a document the caller can see to an open file; it gets the next number",
        request=AddDocumentInputSerializer,
        responses={
            201: CaseFileItemSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def documents(self, request: Request, pk: str) -> Response:
        case_file = access_case_file(request.user, pk)
        user = official_or_404(request)
        data = AddDocumentInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        with service_errors():
            item = services.add_document(
                actor=user, case_file=case_file, document=data.validated_data["document"]
            )
        item = CaseFileItem.objects.for_table().get(pk=item.pk)
        return Response(CaseFileItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Withdraw a document from an open file (its number is kept, not reused)",
        request=WithdrawInputSerializer,
        responses={
            200: CaseFileItemSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request: Request, pk: str) -> Response:
        case_file = access_case_file(request.user, pk)
        user = official_or_404(request)
        data = WithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = access_item(user, case_file, data.validated_data["ordinal"])
        with service_errors():
            item = services.remove_document(
                actor=user, case_file=case_file, item=item, reason=data.validated_data["reason"]
            )
        item = CaseFileItem.objects.for_table().get(pk=item.pk)
        return Response(CaseFileItemSerializer(item).data)

    @extend_schema(
        summary="Close a file (kết thúc hồ sơ): dates and totals are computed and kept",
        request=CloseInputSerializer,
        responses={
            200: CaseFileDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request: Request, pk: str) -> Response:
        case_file = access_case_file(request.user, pk)
        user = official_or_404(request)
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            case_file = services.close_file(actor=user, case_file=case_file, **data.validated_data)
        return Response(self._detail(case_file))

    @extend_schema(
        summary="Reopen a closed file, saying why (kept in the audit log)",
        request=ReopenInputSerializer,
        responses={
            200: CaseFileDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request: Request, pk: str) -> Response:
        case_file = access_case_file(request.user, pk)
        user = official_or_404(request)
        data = ReopenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            case_file = services.reopen_file(
                actor=user, case_file=case_file, reason=data.validated_data["reason"]
            )
        return Response(self._detail(case_file))

    @extend_schema(
        summary="Export the whole file: a ZIP with its PDF, its XML metadata and the documents' "
        "files",
        description="The PDF has a cover, the table of contents (mục lục văn bản) and each "
        "document's metadata; the XML uses the field names of Decree 30/2020 Phụ lục VI part "
        "III. Refused (403) when the file holds documents the caller may not see.",
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="ZIP"),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=DownloadNegotiation,
    )
    def export(self, request: Request, pk: str) -> FileResponse:
        case_file = access_case_file(request.user, pk)
        user = official_or_404(request)
        try:
            require_sees_every_document(user, case_file)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        built = exports.build_export(case_file)
        response = FileResponse(
            exports.write_zip(built),
            content_type=exports.ZIP_TYPE,
            as_attachment=True,
            filename=f"{exports.file_stem(case_file)}.zip",
        )
        services.record_export(actor=user, case_file=case_file, fmt="zip")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
