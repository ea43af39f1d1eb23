from rest_framework import serializers

from ..models import (
    AxisDelivery,
    AxisDeliveryEvent,
    AxisPackage,
    AxisReceipt,
    Delivery,
    DeliveryEvent,
)


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


# --- The national document axis -------------------------------------------------------------------


class AxisDeliveryEventSerializer(serializers.ModelSerializer[AxisDeliveryEvent]):
    class Meta:
        model = AxisDeliveryEvent
        fields = ["status", "note", "reported_at", "occurred_at"]


class AxisDeliverySerializer(serializers.ModelSerializer[AxisDelivery]):
    recipient_code = serializers.CharField(source="recipient.code", read_only=True)
    recipient_name = serializers.CharField(source="recipient.name", read_only=True)
    events = AxisDeliveryEventSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="00 sending, 01 to 06 (QCVN 102)")

    class Meta:
        model = AxisDelivery
        fields = [
            "id",
            "recipient_code",
            "recipient_name",
            "business_type",
            "transport",
            "status",
            "recall_status",
            "reason",
            "axis_doc_id",
            "attempts",
            "updated_at",
            "events",
        ]


class AxisPackageSerializer(serializers.ModelSerializer[AxisPackage]):
    direction = serializers.CharField(read_only=True, help_text="sent | received")
    outcome = serializers.CharField(read_only=True, help_text="accepted | duplicate | refused")

    class Meta:
        model = AxisPackage
        fields = [
            "id",
            "direction",
            "kind",
            "document",
            "document_key",
            "business_type",
            "status_code",
            "from_code",
            "to_code",
            "axis_doc_id",
            "sha256",
            "size",
            "signature",
            "signer_subject",
            "signer_fingerprint",
            "trace",
            "outcome",
            "reason",
            "created_at",
        ]


class AxisRequestSerializer(serializers.ModelSerializer[AxisReceipt]):
    class Meta:
        model = AxisReceipt
        fields = [
            "id",
            "business_type",
            "document_key",
            "sender_code",
            "sender_name",
            "code",
            "target",
            "incoming",
            "proposed",
            "answer",
            "created_at",
        ]
