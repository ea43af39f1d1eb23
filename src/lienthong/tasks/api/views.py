"""REST API of tasks (nhiệm vụ). Thin, like the pages: find the task through the access
chokepoint (404 for missing and forbidden alike), parse input, call one service."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from lienthong.core.api.errors import service_errors
from lienthong.core.api.schemas import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from lienthong.core.http import official_or_404
from lienthong.documents.models import Document

from .. import services
from ..constants import SourceKind, TaskState, Timeliness
from ..models import Task
from ..permissions import access_task
from ..querysets import TaskQuerySet
from .serializers import (
    TaskCompleteInputSerializer,
    TaskDecisionInputSerializer,
    TaskDetailSerializer,
    TaskEntrySerializer,
    TaskEvaluateInputSerializer,
    TaskExtensionInputSerializer,
    TaskExtensionSerializer,
    TaskGiveInputSerializer,
    TaskProgressInputSerializer,
    TaskSerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description="Invalid input or a refused change (a task not in progress, a deadline not "
    "later): the messages of each field (`non_field_errors` for the request as a whole). "
    "Nothing is stored.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="The caller may see the task but not do this (not in charge, not the giver). "
    "Nothing is stored.",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such task, or the caller's agency has no part in it."
)


class TaskFilter(django_filters.FilterSet):  # type: ignore[misc]
    state = django_filters.ChoiceFilter(choices=TaskState.choices)
    source_kind = django_filters.ChoiceFilter(choices=SourceKind.choices)
    owner_agency = django_filters.NumberFilter(field_name="owner_agency_id")
    giver = django_filters.NumberFilter(field_name="giver_id")
    timeliness = django_filters.ChoiceFilter(
        choices=Timeliness.choices, method="_timeliness", label="Where the task stands today."
    )
    given_from = django_filters.DateFilter(field_name="given_at__date", lookup_expr="gte")
    given_to = django_filters.DateFilter(field_name="given_at__date", lookup_expr="lte")

    class Meta:
        model = Task
        fields: list[str] = []

    def _timeliness(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        tasks: TaskQuerySet = queryset  # type: ignore[assignment]
        return tasks.with_timeliness(value, timezone.localdate())


def _document(user: Any, pk: int | None, field: str) -> Document | None:
    if pk is None:
        return None
    document = Document.objects.visible_to(user).select_related("document_type").filter(pk=pk)
    found = document.first()
    if found is None:
        raise serializers.ValidationError({field: ["You cannot see this document."]})
    return found


@extend_schema_view(
    list=extend_schema(
        summary="Tasks (nhiệm vụ) the caller's agency gave, is in charge of or supports"
    ),
    retrieve=extend_schema(
        summary="A task with its timeline and extensions",
        responses={200: TaskDetailSerializer, 404: NOT_FOUND},
    ),
)
class TaskViewSet(viewsets.ReadOnlyModelViewSet[Task]):
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    ordering = "-id"

    def get_queryset(self) -> QuerySet[Task]:
        return Task.objects.visible_to(self.request.user).for_list()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(access_task(request.user, kwargs["pk"])))

    def _detail(self, task: Task) -> Any:
        found = Task.objects.for_list().prefetch_related(
            "entries__actor", "extensions", "supporting_agencies", "supporting_units"
        )
        return TaskDetailSerializer(
            found.get(pk=task.pk), context=self.get_serializer_context()
        ).data

    @extend_schema(
        summary="Give a task (a leader); `source_document` names the document it comes from",
        request=TaskGiveInputSerializer,
        responses={201: TaskDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = official_or_404(request)  # who may give: the service decides (403, its message)
        data = TaskGiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["source_document"] = _document(
            user, values.get("source_document"), "source_document"
        )
        with service_errors():
            task = services.give_task(actor=user, **values)
        location = reverse("task-detail", kwargs={"pk": task.pk}, request=request)
        return Response(
            self._detail(task), status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="Report progress (whoever is in charge)",
        request=TaskProgressInputSerializer,
        responses={201: TaskEntrySerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def progress(self, request: Request, pk: str) -> Response:
        task = access_task(request.user, pk)
        user = official_or_404(request)
        data = TaskProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            entry = services.report_progress(actor=user, task=task, **data.validated_data)
        return Response(TaskEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Ask the giver for a later deadline (a date, or further working days)",
        request=TaskExtensionInputSerializer,
        responses={201: TaskExtensionSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def extension(self, request: Request, pk: str) -> Response:
        task = access_task(request.user, pk)
        user = official_or_404(request)
        data = TaskExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            extension = services.request_extension(actor=user, task=task, **data.validated_data)
        return Response(TaskExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve or refuse the extension awaiting the giver",
        request=TaskDecisionInputSerializer,
        responses={200: TaskExtensionSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="extension-decision", filter_backends=[])
    def extension_decision(self, request: Request, pk: str) -> Response:
        task = access_task(request.user, pk)
        user = official_or_404(request)
        data = TaskDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            extension = services.decide_extension(actor=user, task=task, **data.validated_data)
        return Response(TaskExtensionSerializer(extension).data)

    @extend_schema(
        summary="Report the task done, with a report and optionally the reply document",
        request=TaskCompleteInputSerializer,
        responses={200: TaskDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request: Request, pk: str) -> Response:
        task = access_task(request.user, pk)
        user = official_or_404(request)
        data = TaskCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = _document(user, data.validated_data.get("reply_document"), "reply_document")
        with service_errors():
            task = services.complete_task(
                actor=user, task=task, report=data.validated_data["report"], reply_document=reply
            )
        return Response(self._detail(task))

    @extend_schema(
        summary="Evaluate a task reported done, or send it back to work (the giver)",
        request=TaskEvaluateInputSerializer,
        responses={200: TaskDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def evaluate(self, request: Request, pk: str) -> Response:
        task = access_task(request.user, pk)
        user = official_or_404(request)
        data = TaskEvaluateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            task = services.evaluate_task(actor=user, task=task, **data.validated_data)
        return Response(self._detail(task))
