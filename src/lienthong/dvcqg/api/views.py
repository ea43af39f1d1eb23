"""REST API of the national portal synchronisation (read-only): the sync state of the
caller's agency's dossier pushes, and the procedures' national codes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from ..constants import PushState
from ..models import NationalProcedureCode, StatusPush
from ..permissions import can_view_sync
from .serializers import ProcedureCodeSerializer, StatusPushSerializer


@extend_schema(
    summary="Status pushes to the national portal (the agency's dossiers), newest first",
    parameters=[
        OpenApiParameter("dossier", OpenApiTypes.INT, description="Only this dossier's pushes"),
        OpenApiParameter("state", OpenApiTypes.STR, enum=PushState.values),
    ],
)
class StatusPushList(generics.ListAPIView[StatusPush]):
    serializer_class = StatusPushSerializer
    ordering = "-id"
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[StatusPush]:
        user = self.request.user
        if not can_view_sync(user):
            raise Http404
        pushes = StatusPush.objects.visible_to(user).select_related(
            "dossier", "dossier__dvcqg_link"
        )
        dossier = self.request.query_params.get("dossier", "")
        if dossier.isdigit():
            pushes = pushes.filter(dossier_id=int(dossier))
        state = self.request.query_params.get("state", "")
        if state in PushState.values:
            pushes = pushes.filter(state=state)
        return pushes.order_by("-id")


@extend_schema(summary="National procedure codes (mã TTHC) of the catalogue's procedures")
class ProcedureCodeList(generics.ListAPIView[NationalProcedureCode]):
    serializer_class = ProcedureCodeSerializer
    ordering = "id"
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[NationalProcedureCode]:
        return NationalProcedureCode.objects.select_related("procedure").order_by("id")
