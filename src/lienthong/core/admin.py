from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["day", "is_working_day", "reason"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit log is append-only."""

    list_display = [
        "sequence",
        "occurred_at",
        "actor_username",
        "action",
        "object_repr",
        "ip_address",
    ]
    list_filter = ["action"]
    search_fields = ["actor_username", "action", "object_repr"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
