"""The quality system is set up by an administrator (version, scope, policy, objectives,
procedures in scope, processes); audits, findings, actions and reviews go through the pages
(and their audited services)."""

from django.contrib import admin

from .models import (
    Clause,
    Objective,
    ProcessDocument,
    QualitySystem,
    ReviewInput,
    ScopedProcedure,
    StandardVersion,
)


class ClauseInline(admin.TabularInline[Clause, StandardVersion]):
    model = Clause
    extra = 0


class ReviewInputInline(admin.TabularInline[ReviewInput, StandardVersion]):
    model = ReviewInput
    extra = 0


@admin.register(StandardVersion)
class StandardVersionAdmin(admin.ModelAdmin[StandardVersion]):
    list_display = ["title", "legal_basis", "preventive_action", "review_clause"]
    inlines = [ClauseInline, ReviewInputInline]


class ObjectiveInline(admin.TabularInline[Objective, QualitySystem]):
    model = Objective
    extra = 0


class ScopedProcedureInline(admin.TabularInline[ScopedProcedure, QualitySystem]):
    model = ScopedProcedure
    extra = 0
    raw_id_fields = ["procedure"]


class ProcessDocumentInline(admin.StackedInline[ProcessDocument, QualitySystem]):
    model = ProcessDocument
    extra = 0


@admin.register(QualitySystem)
class QualitySystemAdmin(admin.ModelAdmin[QualitySystem]):
    list_display = ["agency", "version", "announced_on"]
    inlines = [ObjectiveInline, ScopedProcedureInline, ProcessDocumentInline]
