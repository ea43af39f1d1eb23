"""Serializers of the tasks API: what a task looks like, and the inputs of each action."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from lienthong.accounts.models import Agency, Unit, User

from ..constants import MAX_TEXT, MAX_WORKING_DAYS, Rating, Timeliness
from ..models import ExtensionRequest, Task, TaskEntry


class TaskSerializer(serializers.ModelSerializer[Task]):
    giver_name = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(read_only=True)
    timeliness = serializers.SerializerMethodField()
    rating = serializers.CharField(
        read_only=True,
        help_text="The giver's evaluation: excellent, good, done, not_done; empty until then.",
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "agency",
            "giver",
            "giver_name",
            "owner_agency",
            "owner_unit",
            "owner_user",
            "owner_name",
            "source_kind",
            "source_document",
            "source_label",
            "deadline_kind",
            "start_date",
            "working_days",
            "deadline",
            "original_deadline",
            "state",
            "timeliness",
            "progress",
            "given_at",
            "completed_at",
            "rating",
            "national_id",
        ]
        read_only_fields = fields

    def get_timeliness(self, task: Task) -> str:
        return str(task.timeliness(timezone.localdate()).value)


class TaskEntrySerializer(serializers.ModelSerializer[TaskEntry]):
    actor_name = serializers.CharField(read_only=True)

    class Meta:
        model = TaskEntry
        fields = ["id", "kind", "at", "actor", "actor_name", "text", "progress", "data"]
        read_only_fields = fields


class TaskExtensionSerializer(serializers.ModelSerializer[ExtensionRequest]):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_by",
            "requested_at",
            "reason",
            "requested_deadline",
            "state",
            "previous_deadline",
            "granted_deadline",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class TaskDetailSerializer(TaskSerializer):
    entries = TaskEntrySerializer(many=True, read_only=True)
    extensions = TaskExtensionSerializer(many=True, read_only=True)
    supporting_agencies: serializers.PrimaryKeyRelatedField[Agency] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    supporting_units: serializers.PrimaryKeyRelatedField[Unit] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "description",
            "supporting_agencies",
            "supporting_units",
            "completion_report",
            "reply_document",
            "evaluation",
            "entries",
            "extensions",
        ]
        read_only_fields = fields


class TaskGiveInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    owner_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True)
    )
    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True
    )
    owner_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    supporting_agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), many=True, required=False
    )
    supporting_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), many=True, required=False
    )
    source_document = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    source_label = serializers.CharField(max_length=300, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    working_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_WORKING_DAYS
    )


class TaskProgressInputSerializer(serializers.Serializer[Any]):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=MAX_TEXT)


class TaskExtensionInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=MAX_TEXT)
    requested_deadline = serializers.DateField(required=False, allow_null=True)
    extra_working_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_WORKING_DAYS
    )


class TaskDecisionInputSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    granted_deadline = serializers.DateField(required=False, allow_null=True)


class TaskCompleteInputSerializer(serializers.Serializer[Any]):
    report = serializers.CharField(max_length=MAX_TEXT)
    reply_document = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class TaskEvaluateInputSerializer(serializers.Serializer[Any]):
    accepted = serializers.BooleanField()
    rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True)
    remarks = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


TIMELINESS_CHOICES = Timeliness.choices
