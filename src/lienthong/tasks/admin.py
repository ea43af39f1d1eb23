from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ExtensionRequest, Task, TaskEntry


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tasks change only through the services (audited); the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(ReadOnly):
    list_display = ("title", "agency", "owner_agency", "deadline", "state", "national_id")
    list_filter = ("state", "deadline_kind", "source_kind")
    search_fields = ("title", "national_id")
    list_select_related = ("agency", "owner_agency")


@admin.register(TaskEntry)
class TaskEntryAdmin(ReadOnly):
    list_display = ("task", "kind", "at", "actor", "national_reported_at")
    list_filter = ("kind",)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnly):
    list_display = ("task", "requested_deadline", "state", "previous_deadline", "granted_deadline")
    list_filter = ("state",)
