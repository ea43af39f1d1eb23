"""REST API of the processing of incoming documents. Thin, like the pages: find the object
through the access chokepoint (404 for missing and forbidden alike), parse input, call one
service."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.core.api.errors import service_errors
from lienthong.core.api.filters import IdFilter
from lienthong.core.api.pagination import KeysetPages
from lienthong.core.api.schemas import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from lienthong.core.http import user_or_404

from .. import services
from ..constants import AssignmentRole, AssignmentState, Queue, Scope
from ..models import Assignment, ProcessingEntry
from ..permissions import access_assignment, access_incoming
from ..querysets import AssignmentQuerySet, due_soon_cutoff, led_unit_ids, page_after
from .serializers import (
    AssigneeInputSerializer,
    AssignInputSerializer,
    AssignmentDetailSerializer,
    AssignmentSerializer,
    CompleteInputSerializer,
    PresentInputSerializer,
    ProcessingEntrySerializer,
    ProgressInputSerializer,
    ReassignInputSerializer,
    ReturnInputSerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description="Invalid input: the messages of each field (`non_field_errors` for the "
    "request as a whole). Nothing is stored.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="The caller may not do this (e.g. a specialist assigning)."
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such object, or the caller may not see it."
)


# --- Filters and pages ---------------------------------------------------------------------------


class AssignmentFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(
        choices=Scope.choices,
        method="_later",
        label="Whose work: `me` (default: given to the caller or to a unit they lead), "
        "`unit` (everything of the units they lead), `given` (assigned by them or on their "
        "behalf).",
    )
    queue = django_filters.ChoiceFilter(
        choices=Queue.choices,
        method="_later",
        label="`todo` (open or in progress), `overdue` (deadline passed), `due_soon` (due "
        "within two working days), `done` (completed or returned). Empty: all.",
    )
    document = IdFilter(field_name="document_id")
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices)
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices)

    class Meta:
        model = Assignment
        fields: list[str] = []

    def _later(self, queryset: QuerySet[Assignment], name: str, value: str) -> Any:
        return queryset  # applied in filter_queryset, which knows the caller and today

    def filter_queryset(self, queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
        queryset = super().filter_queryset(queryset)
        assert isinstance(queryset, AssignmentQuerySet)
        data = self.form.cleaned_data
        user = self.request.user
        scope = data.get("scope") or Scope.MINE
        if scope == Scope.UNIT:
            queryset = queryset.of_units(led_unit_ids(user))
        elif scope == Scope.GIVEN:
            queryset = queryset.given_by(user)
        else:
            queryset = queryset.handled_by(user)
        today = timezone.localdate()
        if data.get("queue"):
            queryset = queryset.in_queue(data["queue"], today, due_soon_cutoff(today))
        return queryset.for_list(today)


class AssignmentKeysetPagination(KeysetPages):
    """Keyset pages: work to do by deadline (undated last) then id, `queue=done` newest first."""

    def page(
        self, queryset: QuerySet[Any], request: Request, cursor: str, size: int
    ) -> tuple[list[Any], str]:
        assert isinstance(queryset, AssignmentQuerySet), "assignment pages need their queryset"
        if "deadline_key" not in queryset.query.annotations:
            queryset = queryset.for_list()
        return page_after(queryset, request.query_params.get("queue", ""), cursor, size)


# --- Assignments ---------------------------------------------------------------------------------


def _document_first(request: Request) -> None:
    """The document in the body is checked before the rest: another agency's document is 404
    whatever else the body holds."""
    raw = request.data.get("document") if hasattr(request.data, "get") else None
    if raw is not None:
        access_incoming(request.user, raw)


def _assignees(items: list[dict[str, Any]]) -> list[services.Assignee]:
    return [AssigneeInputSerializer.to_assignee(item) for item in items]


class AssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Assignment]):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    pagination_class = AssignmentKeysetPagination

    def get_queryset(self) -> QuerySet[Assignment]:
        return Assignment.objects.visible_to(self.request.user)

    def _list(self, assignments: list[Assignment], code: int = status.HTTP_201_CREATED) -> Response:
        ids = [a.pk for a in assignments]
        rows = Assignment.objects.filter(pk__in=ids).for_list().order_by("id")
        return Response(AssignmentSerializer(rows, many=True).data, status=code)

    def _detail(self, assignment: Assignment, code: int = status.HTTP_200_OK) -> Response:
        row = (
            Assignment.objects.filter(pk=assignment.pk)
            .for_list()
            .prefetch_related(
                Prefetch(
                    "entries",
                    queryset=ProcessingEntry.objects.select_related("actor").order_by("at", "id"),
                )
            )
            .get()
        )
        return Response(AssignmentDetailSerializer(row).data, status=code)

    @extend_schema(
        summary="My work: assignments by queue (to do, overdue, due soon, done)",
        responses={200: AssignmentSerializer(many=True)},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="An assignment with its history",
        responses={200: AssignmentDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(access_assignment(request.user, pk))

    @extend_schema(
        summary="Assign an incoming document (ý kiến chỉ đạo của lãnh đạo cơ quan)",
        description="For the agency leader, or a deputy acting under the leader's delegation "
        "during its period (recorded as `on_behalf_of`). One assignee leads (chủ trì), others "
        "support (phối hợp) or receive it for information (để biết); each deadline is a date or "
        "a number of working days from today. The first assignment reports status 04 to the "
        "sending agency.",
        request=AssignInputSerializer,
        responses={
            201: AssignmentSerializer(many=True),
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _document_first(request)
        data = AssignInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = access_incoming(request.user, values["document"])
        with service_errors():
            created = services.assign(
                actor=user_or_404(request),
                document=document,
                assignees=_assignees(values["assignees"]),
                instruction=values["instruction"],
                deadline=values.get("deadline"),
                working_days=values.get("working_days"),
                on_behalf_of=values.get("on_behalf_of"),
            )
        return self._list(created)

    @extend_schema(
        summary="Present an incoming document to a leader for instructions (trình)",
        request=PresentInputSerializer,
        responses={
            201: ProcessingEntrySerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def present(self, request: Request) -> Response:
        _document_first(request)
        data = PresentInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = access_incoming(request.user, values["document"])
        with service_errors():
            entry = services.present_to_leader(
                actor=user_or_404(request),
                document=document,
                leader=values["leader"],
                note=values["note"],
            )
        return Response(ProcessingEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Hand a unit's work on to people of the unit (ý kiến của lãnh đạo đơn vị)",
        request=ReassignInputSerializer,
        responses={
            201: AssignmentSerializer(many=True),
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reassign(self, request: Request, pk: str) -> Response:
        assignment = access_assignment(request.user, pk)
        data = ReassignInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with service_errors():
            created = services.reassign(
                actor=user_or_404(request),
                assignment=assignment,
                assignees=_assignees(values["assignees"]),
                instruction=values["instruction"],
                deadline=values.get("deadline"),
                working_days=values.get("working_days"),
            )
        return self._list(created)

    @extend_schema(
        summary="Record progress or the handler's proposal",
        description="The first one on a document reports status 05 to the sending agency.",
        request=ProgressInputSerializer,
        responses={
            201: ProcessingEntrySerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def progress(self, request: Request, pk: str) -> Response:
        assignment = access_assignment(request.user, pk)
        data = ProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            entry = services.record_progress(
                actor=user_or_404(request), assignment=assignment, **data.validated_data
            )
        return Response(ProcessingEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Complete an assignment, optionally with the reply document",
        description="The person leading a unit's work completes the unit's assignment with "
        "theirs; completing the agency-level lead reports status 06 to the sending agency.",
        request=CompleteInputSerializer,
        responses={
            200: AssignmentDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def complete(self, request: Request, pk: str) -> Response:
        assignment = access_assignment(request.user, pk)
        data = CompleteInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with service_errors():
            assignment = services.complete(
                actor=user_or_404(request), assignment=assignment, **data.validated_data
            )
        return self._detail(assignment)

    @extend_schema(
        summary="Return the document, with the reason (to the assigner or to the clerk)",
        request=ReturnInputSerializer,
        responses={
            200: AssignmentDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        filter_backends=[],
        pagination_class=None,
    )
    def return_document(self, request: Request, pk: str) -> Response:
        assignment = access_assignment(request.user, pk)
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            assignment = services.return_document(
                actor=user_or_404(request), assignment=assignment, **data.validated_data
            )
        return self._detail(assignment)


class ProcessingHistoryFilter(django_filters.FilterSet):
    document = IdFilter(field_name="document_id", required=True)

    class Meta:
        model = ProcessingEntry
        fields: list[str] = []


class ProcessingEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ProcessingEntry]):
    """The processing history of an incoming document, oldest first."""

    serializer_class = ProcessingEntrySerializer
    filterset_class = ProcessingHistoryFilter
    pagination_class = None

    def get_queryset(self) -> QuerySet[ProcessingEntry]:
        return ProcessingEntry.objects.none()

    @extend_schema(
        summary="The processing history of an incoming document",
        responses={200: ProcessingEntrySerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = access_incoming(request.user, request.query_params.get("document"))
        entries = ProcessingEntry.objects.of_document(document)
        return Response(ProcessingEntrySerializer(entries, many=True).data)
