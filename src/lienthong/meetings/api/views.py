"""REST API of schedules, rooms, meetings and replies. Thin, like the pages: the access
chokepoint (404 for missing and forbidden alike), parse input, call one service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from lienthong.core.api.errors import service_errors
from lienthong.core.api.schemas import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from lienthong.core.http import official_or_404

from .. import services
from ..models import Meeting, Participant, Room, Schedule, ScheduleEntry
from ..permissions import access_meeting, access_schedule
from .serializers import (
    BookInputSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    ParticipantSerializer,
    ReplyInputSerializer,
    RoomSerializer,
    ScheduleDetailSerializer,
    ScheduleSerializer,
)

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description="Invalid input, or a refused booking (each clash named: a room, the chair or a "
    "required participant already booked). Nothing is stored.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="The caller's role does not allow this. Nothing is stored."
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such object, or the caller may not see it."
)


@extend_schema_view(
    list=extend_schema(
        summary="Weekly work schedules the caller may see (published ones, and "
        "their own agency's drafts)"
    ),
    retrieve=extend_schema(
        summary="A weekly schedule with its entries",
        responses={200: ScheduleDetailSerializer, 404: NOT_FOUND},
    ),
)
class ScheduleViewSet(viewsets.ReadOnlyModelViewSet[Schedule]):
    serializer_class = ScheduleSerializer
    filterset_fields = ["agency", "week_start", "state"]
    ordering = "-id"

    def get_queryset(self) -> QuerySet[Schedule]:
        return Schedule.objects.visible_to(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        schedule = access_schedule(request.user, kwargs["pk"])
        found = Schedule.objects.prefetch_related("entries").get(pk=schedule.pk)
        return Response(ScheduleDetailSerializer(found).data)


@extend_schema_view(
    list=extend_schema(summary="The rooms of the caller's agency"),
    create=extend_schema(
        summary="Add a room (the schedule officer)",
        request=RoomSerializer,
        responses={201: RoomSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
)
class RoomViewSet(viewsets.GenericViewSet[Room]):
    serializer_class = RoomSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Room]:
        return Room.objects.filter(agency_id=getattr(self.request.user, "agency_id", None) or 0)

    def list(self, request: Request) -> Response:
        return Response(RoomSerializer(self.get_queryset(), many=True).data)

    def create(self, request: Request) -> Response:
        user = official_or_404(request)
        data = RoomSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            room = services.create_room(actor=user, **data.validated_data)
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Meetings the caller may see, newest first"),
    retrieve=extend_schema(
        summary="A meeting with its participants and their replies",
        responses={200: MeetingDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Book a meeting (the schedule officer); clashes are refused by name",
        request=BookInputSerializer,
        responses={201: MeetingDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    ),
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet[Meeting]):
    serializer_class = MeetingSerializer
    filterset_fields = ["state", "agency"]
    ordering = "-id"

    def get_queryset(self) -> QuerySet[Meeting]:
        return Meeting.objects.visible_to(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = access_meeting(request.user, kwargs["pk"])
        return Response(MeetingDetailSerializer(meeting).data)

    def create(self, request: Request) -> Response:
        user = official_or_404(request)
        data = BookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = dict(data.validated_data)
        entry_pk = booking.pop("schedule_entry", None)
        with service_errors():
            if entry_pk is None:
                meeting = services.book_meeting(actor=user, **booking)
            else:
                entry = get_object_or_404(
                    ScheduleEntry, pk=entry_pk, schedule__agency_id=user.agency_id
                )
                meeting = services.book_from_entry(actor=user, entry=entry, **booking)
        return Response(MeetingDetailSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reply to an invitation: attend, send a deputy (named) or decline (a reason); "
        "for an invited agency, its clerk, leader or schedule officer replies",
        request=ReplyInputSerializer,
        responses={200: ParticipantSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request: Request, pk: str) -> Response:
        meeting = access_meeting(request.user, pk)
        user = official_or_404(request)
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            participant = meeting.participants.get(pk=values.pop("participant"))
        except Participant.DoesNotExist:
            raise NotFound from None
        with service_errors():
            participant = services.reply(actor=user, participant=participant, **values)
        return Response(ParticipantSerializer(participant).data)
