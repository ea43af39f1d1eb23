from rest_framework import serializers

from ..models import Payment


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    class Meta:
        model = Payment
        fields = [
            "txn_ref",
            "reference",
            "amount_vnd",
            "description",
            "status",
            "provider",
            "provider_transaction_id",
            "response_code",
            "created_at",
            "expires_at",
            "completed_at",
            "paid_at",
        ]
        read_only_fields = fields
