"""Administration of report forms. A form's indicators are defined through a version: the
admin shows versions read-only (a change is a new version, made by `save_form_version`, so a
period already opened keeps its indicators)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import FormVersion, Indicator, NationalSubmission, ReportForm, ReportingPeriod


@admin.register(ReportForm)
class ReportFormAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "periodicity",
        "aggregator",
        "submitted_as_document",
        "is_active",
    )
    list_filter = ("periodicity", "submitted_as_document", "is_active")
    search_fields = ("code", "name")
    filter_horizontal = ("reporting_agencies",)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = (
        "position",
        "code",
        "name",
        "unit",
        "type",
        "required",
        "formula",
        "aggregation",
        "source",
    )

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    list_display = ("form", "number", "created_at", "note")
    inlines = [IndicatorInline]
    readonly_fields = ("form", "number", "note", "created_by")

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("form", "label", "starts_on", "ends_on", "deadline")
    list_filter = ("form",)
    readonly_fields = (
        "form",
        "version",
        "label",
        "year",
        "number",
        "starts_on",
        "ends_on",
        "opened_by",
    )


@admin.register(NationalSubmission)
class NationalSubmissionAdmin(admin.ModelAdmin):
    """The evidence of what was sent to the national reporting system: read-only."""

    list_display = ("report", "state", "receipt", "requested_at", "sent_at")
    list_filter = ("state",)
    search_fields = ("receipt", "report__agency__name")
    readonly_fields = (
        "report",
        "payload",
        "state",
        "requested_at",
        "requested_by",
        "sent_at",
        "receipt",
        "answer",
        "error",
    )

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
