"""REST API of notifications: the caller's own, never anyone else's (404 alike)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from ..models import Notification, NotificationPreference
from ..permissions import access_notification
from .serializers import (
    MarkAllNotificationsReadInputSerializer,
    NotificationPreferencesSerializer,
    NotificationSerializer,
    NotificationsMarkedSerializer,
    UnreadNotificationCountSerializer,
)

NOT_FOUND = OpenApiResponse(description="No such notification, or it is someone else's.")
BAD_REQUEST = OpenApiResponse(description="Invalid input: the messages of each field.")


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]
):
    # The caller's notifications only: another user's are 404, as if they did not exist.
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]  # applicants are notified about their dossiers too
    ordering = "-id"
    filterset_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notification]:
        queryset = Notification.objects.for_user(self.request.user).select_related("actor")
        if self.action == "list" and _truthy(self.request.query_params.get("unread")):
            queryset = queryset.unread()
        return queryset

    def get_object(self) -> Notification:
        return access_notification(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="My notifications, newest first",
        description="Keyset pagination: follow `next` for older notifications.",
        parameters=[
            OpenApiParameter(
                "unread",
                OpenApiTypes.BOOL,
                description="Only the unread ones.",
                required=False,
            )
        ],
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="One of my notifications",
        description="Reading it does not mark it read.",
        responses={200: NotificationSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Mark one of my notifications read",
        description="Marking a read notification again changes nothing.",
        request=None,
        responses={200: NotificationSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = services.mark_read(user=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications read",
        description="Give `up_to` so that notifications arriving meanwhile stay unread.",
        request=MarkAllNotificationsReadInputSerializer,
        responses={200: NotificationsMarkedSerializer, 400: BAD_REQUEST},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        data = MarkAllNotificationsReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.mark_all_read(user=request.user, up_to=data.validated_data.get("up_to"))
        return Response({"marked": marked})

    @extend_schema(
        summary="How many of my notifications are unread",
        description="What the bell shows; counted up to 100.",
        responses={200: UnreadNotificationCountSerializer},
    )
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": Notification.objects.unread_count(request.user)})


class NotificationPreferencesView(generics.GenericAPIView[Any]):
    """Which kinds of notification the caller also receives by e-mail."""

    serializer_class = NotificationPreferencesSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends: list[Any] = []
    metadata_class = None  # OPTIONS: 405 (the metadata would look for a queryset: it has none)

    def _answer(self, request: Request) -> Response:
        return Response(
            {
                "email": NotificationPreference.objects.email_choices(request.user),
                "email_address": getattr(request.user, "email", ""),
            }
        )

    @extend_schema(summary="My notification settings")
    def get(self, request: Request) -> Response:
        return self._answer(request)

    @extend_schema(
        summary="Change my notification settings",
        description="Send the kinds to change; the others keep their setting.",
        responses={200: NotificationPreferencesSerializer, 400: BAD_REQUEST},
    )
    def patch(self, request: Request) -> Response:
        return self._update(request, partial=True)

    @extend_schema(
        summary="Replace my notification settings",
        description="Every kind must be given.",
        responses={200: NotificationPreferencesSerializer, 400: BAD_REQUEST},
    )
    def put(self, request: Request) -> Response:
        return self._update(request, partial=False)

    def _update(self, request: Request, *, partial: bool) -> Response:
        data = NotificationPreferencesSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        services.set_email_preferences(
            user=request.user, choices=data.validated_data.get("email", {})
        )
        return self._answer(request)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}
