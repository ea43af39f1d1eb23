"""REST API of the catalogue: anyone (anonymous too) reads published procedures and the
sectors; administrators write through the services (system administrators everything, agency
administrators their agency's procedures)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.accounts.permissions import is_officer
from lienthong.core.api.errors import service_errors
from lienthong.core.api.filters import IdFilter

from .. import services
from ..models import Procedure, ProcedureForm, Sector
from ..permissions import access_procedure, is_catalogue_editor
from ..querysets import editable_agency_ids
from ..services import ComponentSpec, StepSpec
from .serializers import (
    ProcedureDetailSerializer,
    ProcedureInputSerializer,
    ProcedureSerializer,
    ProcedureUpdateSerializer,
    SectorSerializer,
)

NOT_FOUND = OpenApiResponse(description="No such procedure, or it is not published.")
BAD_REQUEST = OpenApiResponse(description="Invalid input: the messages of each field.")
FORBIDDEN = OpenApiResponse(description="The caller may not edit this procedure.")


class ReadAnyoneWriteEditor(BasePermission):
    """Reading is public; writing needs an administrator who edits the catalogue (checked before
    the input is read; the services decide which agency's procedures)."""

    message = gettext_lazy(
        "Only system administrators and agency administrators edit the catalogue."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return is_officer(request.user) and is_catalogue_editor(request.user)


class ReadAnyoneWriteSystemAdmin(BasePermission):
    """Reading is public; the sectors are written by system administrators only."""

    message = gettext_lazy("Only a system administrator may edit the sectors.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return is_officer(request.user) and editable_agency_ids(request.user) is None


@extend_schema_view(
    list=extend_schema(summary="Sectors (lĩnh vực) of the catalogue", auth=[]),
    retrieve=extend_schema(summary="One sector", auth=[]),
    create=extend_schema(
        summary="Add a sector (system administrators)",
        responses={201: SectorSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Change a sector (system administrators)",
        responses={200: SectorSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
)
class SectorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Sector],
):
    serializer_class = SectorSerializer
    permission_classes = [ReadAnyoneWriteSystemAdmin]
    queryset = Sector.objects.all()
    ordering = "id"
    filterset_fields = ["code"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: Any) -> None:
        with service_errors():
            serializer.instance = services.save_sector(
                actor=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer: Any) -> None:
        sector = serializer.instance
        data = {
            "code": sector.code,
            "name": sector.name,
            "ordinal": sector.ordinal,
            **serializer.validated_data,
        }
        with service_errors():
            serializer.instance = services.save_sector(
                actor=self.request.user, sector=sector, **data
            )


class ProcedureFilter(django_filters.FilterSet):
    sector = IdFilter(field_name="sector_id")
    sector_code = django_filters.CharFilter(field_name="sector__code")
    agency = IdFilter(field_name="agency_id")
    agency_code = django_filters.CharFilter(field_name="agency__code")
    level_2011 = django_filters.NumberFilter()
    q = django_filters.CharFilter(
        method="_search", label="Words of the name or code; tone marks optional."
    )

    class Meta:
        model = Procedure
        fields: list[str] = []

    def _search(self, queryset: QuerySet[Procedure], name: str, value: str) -> QuerySet[Procedure]:
        return queryset.search(value)  # type: ignore[attr-defined]


def _component_specs(procedure: Procedure, items: list[dict[str, Any]]) -> list[ComponentSpec]:
    forms = {f.pk: f for f in ProcedureForm.objects.filter(procedure=procedure)}
    specs = []
    for item in items:
        form_id = item.pop("form", None)
        if form_id is not None and form_id not in forms:
            raise ValidationError(
                {"components": [f"Form {form_id} is not one of this procedure's forms."]}
            )
        specs.append(ComponentSpec(form=forms.get(form_id) if form_id else None, **item))
    return specs


def _step_specs(items: list[dict[str, Any]]) -> list[StepSpec]:
    return [StepSpec(**item) for item in items]


@extend_schema_view(
    list=extend_schema(
        summary="Procedures: published ones for everybody, also unpublished for their editors",
        description="Keyset pagination: follow `next`.",
        auth=[],
    ),
    retrieve=extend_schema(
        summary="A procedure with its components, forms and steps",
        responses={200: ProcedureDetailSerializer, 404: NOT_FOUND},
        auth=[],
    ),
)
class ProcedureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Procedure]
):
    serializer_class = ProcedureSerializer
    permission_classes = [ReadAnyoneWriteEditor]
    filterset_class = ProcedureFilter
    ordering = "id"

    def get_queryset(self) -> QuerySet[Procedure]:
        return Procedure.objects.visible_to(self.request.user).select_related(
            "sector", "agency", "result_kind"
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(access_procedure(request.user, kwargs["pk"])))

    def _detail(self, procedure: Procedure) -> Any:
        found = (
            Procedure.objects.select_related("sector", "agency", "result_kind")
            .prefetch_related("components", "forms__blob", "steps__agency", "steps__unit")
            .get(pk=procedure.pk)
        )
        return ProcedureDetailSerializer(found, context=self.get_serializer_context()).data

    @extend_schema(
        summary="Create a procedure (administrators)",
        request=ProcedureInputSerializer,
        responses={201: ProcedureDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        data = ProcedureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        components = fields.pop("components", [])
        steps = fields.pop("steps", [])
        publish = fields.pop("publish", False)
        with service_errors():
            procedure = services.create_procedure(
                actor=request.user,
                fields=fields,
                components=[
                    ComponentSpec(**{k: v for k, v in c.items() if k != "form"}) for c in components
                ],
                steps=_step_specs(steps),
                publish=publish,
            )
        return Response(self._detail(procedure), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a procedure (administrators)",
        description="Only the fields given change; `components` and `steps` replace the lists.",
        request=ProcedureUpdateSerializer,
        responses={
            200: ProcedureDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        procedure = access_procedure(request.user, pk)
        data = ProcedureUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        components = fields.pop("components", None)
        steps = fields.pop("steps", None)
        with service_errors():
            procedure = services.update_procedure(
                actor=request.user,
                procedure=procedure,
                fields=fields,
                components=_component_specs(procedure, components)
                if components is not None
                else None,
                steps=_step_specs(steps) if steps is not None else None,
            )
        return Response(self._detail(procedure))

    @extend_schema(
        summary="Publish a procedure (administrators)",
        request=None,
        responses={
            200: ProcedureDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        procedure = access_procedure(request.user, pk)
        with service_errors():
            procedure = services.publish_procedure(actor=request.user, procedure=procedure)
        return Response(self._detail(procedure))

    @extend_schema(
        summary="Withdraw a procedure from publication (administrators)",
        request=None,
        responses={200: ProcedureDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str) -> Response:
        procedure = access_procedure(request.user, pk)
        with service_errors():
            procedure = services.unpublish_procedure(actor=request.user, procedure=procedure)
        return Response(self._detail(procedure))
