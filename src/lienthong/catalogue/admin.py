"""The catalogue in the Django admin (in Vietnamese), scoped: a system administrator edits every
procedure, an agency administrator those of their own agency. Saves go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Procedure, ProcedureComponent, ProcedureForm, ProcedureStep, Sector
from .querysets import editable_agency_ids


def _may_edit_catalogue(request: HttpRequest) -> bool:
    return editable_agency_ids(request.user) != set()


class _CatalogueEditor:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit_catalogue(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_catalogue(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_catalogue(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_catalogue(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_catalogue(request)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "ordinal"]
    search_fields = ["code", "name"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit_catalogue(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_catalogue(request)

    def _system_admin(self, request: HttpRequest) -> bool:
        return editable_agency_ids(request.user) is None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._system_admin(request)


class ComponentInline(_CatalogueEditor, admin.TabularInline[ProcedureComponent, Procedure]):
    model = ProcedureComponent
    extra = 0
    fields = ["order", "name", "copy_kind", "quantity", "required", "form", "note"]


class StepInline(_CatalogueEditor, admin.TabularInline[ProcedureStep, Procedure]):
    model = ProcedureStep
    extra = 0
    fields = ["order", "name", "agency", "unit", "role", "days", "description"]


class FormInline(_CatalogueEditor, admin.TabularInline[ProcedureForm, Procedure]):
    model = ProcedureForm
    extra = 0
    fields = ["ordinal", "code", "name", "file_name", "blob"]
    readonly_fields = ["file_name", "blob"]


@admin.register(Procedure)
class ProcedureAdmin(_CatalogueEditor, admin.ModelAdmin):
    list_display = [
        "national_code",
        "name",
        "sector",
        "agency",
        "level_2011",
        "processing_days",
        "is_published",
    ]
    list_filter = ["is_published", "sector", "level_2011", "rules_version"]
    search_fields = ["national_code", "name"]
    inlines = [FormInline, ComponentInline, StepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return super().get_queryset(request).editable_by(request.user)  # type: ignore[attr-defined]
