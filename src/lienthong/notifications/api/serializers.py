"""Serializers of the notifications API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from rest_framework import serializers

from lienthong.core.api.fields import IdInput

from ..constants import NotificationKind
from ..models import Notification


class NotificationKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=NotificationKind.choices, **kwargs)


class NotificationKindFieldExtension(OpenApiSerializerFieldExtension):
    """Documented as one named component, `NotificationKindEnum` (not a `KindEnum` that
    would collide with other apps' `kind` fields)."""

    target_class = NotificationKindField

    def get_name(self) -> str:
        return "NotificationKindEnum"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": list(NotificationKind.values),
            "description": build_choice_description_list(NotificationKind.choices),
        }


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind = NotificationKindField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor_name = serializers.SerializerMethodField(
        help_text="Who caused the notification, if anyone."
    )
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "url",
            "actor_name",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields
        extra_kwargs = {"url": {"help_text": "A path inside the platform (may be empty)."}}

    def get_actor_name(self, notification: Notification) -> str:
        return str(notification.actor) if notification.actor else ""


class UnreadNotificationCountSerializer(serializers.Serializer[Any]):
    unread = serializers.IntegerField(
        help_text="Unread notifications of the caller, counted up to 100."
    )


class MarkAllNotificationsReadInputSerializer(serializers.Serializer[Any]):
    up_to = IdInput(
        required=False,
        allow_null=True,
        help_text="Only notifications up to this id (the newest the client has shown), so "
        "that those arriving meanwhile stay unread.",
    )


class NotificationsMarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class NotificationEmailChoicesSerializer(serializers.Serializer[Any]):
    """For each kind of notification, whether it is also sent by e-mail."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            kind: serializers.BooleanField(help_text=str(label))
            for kind, label in NotificationKind.choices
        }


class NotificationPreferencesSerializer(serializers.Serializer[Any]):
    email = NotificationEmailChoicesSerializer(
        help_text="Per kind, whether it is also sent by e-mail. In-app notifications are always on."
    )
    email_address = serializers.EmailField(
        read_only=True, help_text="Where e-mail goes (empty: no e-mail can be sent)."
    )
