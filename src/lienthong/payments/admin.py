from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Payment, PaymentNotification


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Payments change only through the gateway's notifications: the admin only looks."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["txn_ref", "reference", "amount_vnd", "status", "created_at", "paid_at"]
    list_filter = ["status", "provider"]
    search_fields = ["txn_ref", "reference", "provider_transaction_id"]


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdmin):
    list_display = ["payment", "channel", "answer_code", "outcome", "received_at"]
    list_filter = ["channel", "answer_code"]
