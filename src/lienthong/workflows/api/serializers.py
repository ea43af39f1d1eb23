"""Serializers of the processing API: output shapes, and input that is only parsed here — the
rules (who may assign, roles, deadlines, states) are the services'."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lienthong.accounts.models import Unit, User
from lienthong.core.api.fields import EnumField, IdInput
from lienthong.documents.models import Document

from ..constants import (
    MAX_WORKING_DAYS,
    AssignmentRole,
    AssignmentState,
    EntryKind,
    ReturnTarget,
)
from ..models import Assignment, ProcessingEntry
from ..services import MAX_TEXT, Assignee


def _caller(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


def _agency_id(field: serializers.Field[Any, Any, Any, Any]) -> int:
    """The caller's agency (0, matching nothing, when there is none)."""
    return getattr(_caller(field), "agency_id", None) or 0


# --- Output --------------------------------------------------------------------------------------


class ProcessingEntrySerializer(serializers.ModelSerializer[ProcessingEntry]):
    kind = EnumField(EntryKind, read_only=True)
    actor_name = serializers.CharField(source="actor", read_only=True)

    class Meta:
        model = ProcessingEntry
        fields = [
            "id",
            "document",
            "assignment",
            "kind",
            "at",
            "actor",
            "actor_name",
            "on_behalf_of",
            "recipient",
            "text",
        ]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    """An assignment as listed in a work queue."""

    role = EnumField(AssignmentRole, read_only=True)
    state = EnumField(AssignmentState, read_only=True)
    assignee_name = serializers.CharField(read_only=True)
    document_subject = serializers.CharField(source="document.subject", read_only=True)
    document_number = serializers.CharField(source="document.number_and_symbol", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "document",
            "document_number",
            "document_subject",
            "parent",
            "role",
            "assignee_unit",
            "assignee_user",
            "assignee_name",
            "instruction",
            "deadline",
            "deadline_working_days",
            "is_overdue",
            "state",
            "assigned_by",
            "on_behalf_of",
            "assigned_at",
            "started_at",
            "finished_at",
            "reply_document",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_overdue(self, obj: Assignment) -> bool:
        annotated = getattr(obj, "is_overdue", None)
        if annotated is not None:
            return bool(annotated)
        return bool(
            obj.is_actionable and obj.deadline is not None and obj.deadline < timezone.localdate()
        )


class AssignmentDetailSerializer(AssignmentSerializer):
    """An assignment with its own history lines."""

    entries = ProcessingEntrySerializer(many=True, read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "entries"]
        read_only_fields = fields


# --- Input ---------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class OwnUnitField(serializers.PrimaryKeyRelatedField[Unit]):
    """An active unit of the caller's agency (others read as “does not exist”)."""

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.filter(agency_id=_agency_id(self), is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class OwnUserField(serializers.PrimaryKeyRelatedField[User]):
    """An active official of the caller's agency."""

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.filter(agency_id=_agency_id(self), is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class OwnOutgoingField(serializers.PrimaryKeyRelatedField[Document]):
    """An outgoing document the caller may see."""

    def get_queryset(self) -> QuerySet[Document]:
        caller = _caller(self)
        if caller is None:
            return Document.objects.none()
        return Document.objects.visible_to(caller).outgoing()


class AssigneeInputSerializer(serializers.Serializer[Any]):
    """One unit or person and their role; a deadline as a date or as working days from today
    (without either, the request's common deadline applies; none for `information`)."""

    role = EnumField(AssignmentRole)
    unit = OwnUnitField(required=False, allow_null=True)
    user = OwnUserField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    working_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_WORKING_DAYS
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("unit") is None) == (attrs.get("user") is None):
            raise serializers.ValidationError("Give either a unit or a user.")
        return attrs

    @staticmethod
    def to_assignee(data: dict[str, Any]) -> Assignee:
        return Assignee(
            role=data["role"],
            unit=data.get("unit"),
            user=data.get("user"),
            deadline=data.get("deadline"),
            working_days=data.get("working_days"),
        )


class _DeadlineInput(serializers.Serializer[Any]):
    instruction = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="Ý kiến chỉ đạo.",
    )
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="Common deadline of the assignees."
    )
    working_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text="Or the common deadline in working days from today (weekends and public "
        "holidays skipped).",
    )
    assignees = AssigneeInputSerializer(many=True, allow_empty=False)


class AssignInputSerializer(_DeadlineInput):
    """The agency leader's instructions: one lead (chủ trì), any supporters (phối hợp), any
    for information (để biết)."""

    document = IdInput(help_text="An incoming document of the caller's agency.")
    on_behalf_of = OwnUserField(
        required=False,
        allow_null=True,
        help_text="The leader whose delegation the caller acts under (only needed when the "
        "caller holds delegations from several leaders).",
    )


class ReassignInputSerializer(_DeadlineInput):
    """The unit leader hands the unit's work to people of the unit (give `user`, not `unit`);
    deadlines default to the unit's own and cannot be later."""


class PresentInputSerializer(serializers.Serializer[Any]):
    document = IdInput(help_text="An incoming document of the caller's agency.")
    leader = OwnUserField(help_text="An agency leader.")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ProgressInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=MAX_TEXT)
    proposal = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The handler's proposal (ý kiến đề xuất), printed in part 3 of the slip.",
    )


class CompleteInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    reply_document = OwnOutgoingField(
        required=False, allow_null=True, help_text="The reply: an outgoing document."
    )


class ReturnInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=MAX_TEXT)
    to = EnumField(ReturnTarget, required=False, default=ReturnTarget.ASSIGNER)
