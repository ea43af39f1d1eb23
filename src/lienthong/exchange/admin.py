"""The exchange over the document axis in the Django admin: read-only views for the system
administrator (the directory, the deliveries, the evidence). Everything is written by the
services and the jobs; evidence is never edited nor deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AxisAgency, AxisDelivery, AxisPackage, AxisReceipt


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AxisAgency)
class AxisAgencyAdmin(_ReadOnly, admin.ModelAdmin[AxisAgency]):
    list_display = ["code", "name", "parent_code", "is_active", "synced_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(AxisDelivery)
class AxisDeliveryAdmin(_ReadOnly, admin.ModelAdmin[AxisDelivery]):
    list_display = ["outgoing", "recipient", "business_type", "transport", "status", "attempts"]
    list_filter = ["transport", "status", "business_type"]
    search_fields = ["recipient__code", "axis_doc_id"]
    raw_id_fields = ["outgoing", "recipient", "created_by"]


@admin.register(AxisReceipt)
class AxisReceiptAdmin(_ReadOnly, admin.ModelAdmin[AxisReceipt]):
    list_display = ["document_key", "business_type", "agency", "sender_code", "signature"]
    search_fields = ["document_key", "sender_code"]
    raw_id_fields = ["incoming", "agency"]


@admin.register(AxisPackage)
class AxisPackageAdmin(_ReadOnly, admin.ModelAdmin[AxisPackage]):
    list_display = ["created_at", "direction", "kind", "from_code", "to_code", "outcome"]
    list_filter = ["direction", "kind", "outcome"]
    search_fields = ["document_key", "axis_doc_id", "sha256"]
    exclude = ["raw"]
    raw_id_fields = ["document", "delivery"]
