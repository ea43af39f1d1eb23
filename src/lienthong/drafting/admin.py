"""Drafts in the administration: to look, never to change (changes go through the services,
which keep the history and the audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Draft, DraftEvent, DraftVersion, ReviewStep


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DraftVersionInline(_ReadOnly, admin.TabularInline[DraftVersion, Draft]):
    model = DraftVersion
    fields = readonly_fields = (
        "number",
        "original_name",
        "blob",
        "uploaded_by",
        "uploaded_at",
        "note",
    )
    extra = 0


class ReviewStepInline(_ReadOnly, admin.TabularInline[ReviewStep, Draft]):
    model = ReviewStep
    fields = readonly_fields = (
        "round",
        "order",
        "kind",
        "mode",
        "unit",
        "assignee",
        "status",
        "decision",
        "decided_by",
        "decided_on_behalf_of",
        "decided_at",
        "comment",
    )
    extra = 0


class DraftEventInline(_ReadOnly, admin.TabularInline[DraftEvent, Draft]):
    model = DraftEvent
    fields = readonly_fields = (
        "occurred_at",
        "kind",
        "actor",
        "on_behalf_of",
        "from_state",
        "to_state",
        "comment",
    )
    extra = 0


@admin.register(Draft)
class DraftAdmin(_ReadOnly, admin.ModelAdmin[Draft]):
    list_display = ["subject", "agency", "drafting_unit", "state", "signer", "updated_at"]
    list_filter = ["state", "agency"]
    search_fields = ["subject"]
    list_select_related = ["agency", "drafting_unit", "signer"]
    inlines = [DraftVersionInline, ReviewStepInline, DraftEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Draft._meta.fields] + ["recipient_agencies"]
