"""Serializers of the meetings API: output shapes, and input only parsed here — the rules
(clashes, who may do what) are the services'."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lienthong.accounts.models import Agency, User

from ..constants import Reply, RoomKind, VideoProvider
from ..models import Meeting, Participant, Room, Schedule, ScheduleEntry


class ScheduleEntrySerializer(serializers.ModelSerializer[ScheduleEntry]):
    class Meta:
        model = ScheduleEntry
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "place",
            "chair",
            "chair_name",
            "participants",
            "preparing_unit",
            "content",
            "changed_after_publication",
            "cancelled",
            "meeting",
        ]
        read_only_fields = fields


class ScheduleSerializer(serializers.ModelSerializer[Schedule]):
    class Meta:
        model = Schedule
        fields = ["id", "agency", "week_start", "state", "revision", "published_at"]
        read_only_fields = fields


class ScheduleDetailSerializer(ScheduleSerializer):
    entries = ScheduleEntrySerializer(many=True, read_only=True)

    class Meta(ScheduleSerializer.Meta):
        fields = [*ScheduleSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class RoomSerializer(serializers.ModelSerializer[Room]):
    class Meta:
        model = Room
        fields = ["id", "name", "kind", "capacity", "equipment", "location", "is_active"]
        read_only_fields = ["id", "is_active"]
        extra_kwargs = {"kind": {"choices": RoomKind.choices}}


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    class Meta:
        model = Participant
        fields = [
            "id",
            "user",
            "agency",
            "required",
            "reply",
            "deputy_name",
            "reason",
            "replied_by",
            "replied_at",
            "attended",
            "joined_at",
            "left_at",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "agency",
            "title",
            "starts_at",
            "ends_at",
            "room",
            "chair",
            "state",
            "video_provider",
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    schedule_entry = serializers.SerializerMethodField(
        help_text="The entry of the weekly schedule this meeting is linked to (null: none)."
    )

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "participants", "schedule_entry"]
        read_only_fields = fields

    def get_schedule_entry(self, meeting: Meeting) -> int | None:
        return ScheduleEntry.objects.filter(meeting=meeting).values_list("pk", flat=True).first()


class BookInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=500)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    chair = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(), required=False, allow_null=True
    )
    video_provider = serializers.ChoiceField(
        choices=VideoProvider.choices, required=False, allow_blank=True, default=""
    )
    users = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False, default=list
    )
    agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), many=True, required=False, default=list
    )
    schedule_entry = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Book the meeting of this entry of your agency's weekly schedule (linked).",
    )


class ReplyInputSerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    answer = serializers.ChoiceField(choices=[c for c in Reply.choices if c[0] != Reply.PENDING])
    deputy_name = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
