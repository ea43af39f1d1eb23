"""Administration: the retention table is data an administrator edits; files and catalogues
are changed only through the services (the pages and the API), so they are read-only here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CaseFile, CaseFileItem, FileCatalog, RetentionPeriod, RetentionRule


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "years", "ordinal", "is_active"]
    list_editable = ["ordinal", "is_active"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "period",
        "legal_basis",
        "valid_from",
        "valid_until",
        "is_verified",
    ]
    list_filter = ["period", "is_verified", "legal_basis"]
    search_fields = ["code", "name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FileCatalog)
class FileCatalogAdmin(ReadOnlyAdmin):
    list_display = ["agency", "year", "numbering"]
    list_filter = ["year"]


class CaseFileItemInline(admin.TabularInline):
    model = CaseFileItem
    fields = ("ordinal", "document", "added_at", "removed_at", "removal_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(CaseFile)
class CaseFileAdmin(ReadOnlyAdmin):
    list_display = ["notation", "title", "agency", "year", "status", "doc_total"]
    list_filter = ["status", "year"]
    search_fields = ["notation", "title"]
    list_select_related = ["agency"]
    inlines = [CaseFileItemInline]
