from rest_framework import serializers

from ..models import Delivery, DeliveryEvent


class DeliveryEventSerializer(serializers.ModelSerializer[DeliveryEvent]):
    class Meta:
        model = DeliveryEvent
        fields = ["status", "occurred_at", "note"]


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    recipient_code = serializers.CharField(source="recipient.code", read_only=True)
    events = DeliveryEventSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "recipient",
            "recipient_name",
            "recipient_code",
            "status",
            "recall_status",
            "reason",
            "updated_at",
            "events",
        ]


class ReasonSerializer(serializers.Serializer[dict[str, str]]):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RecallAnswerSerializer(serializers.Serializer[dict[str, object]]):
    agree = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
