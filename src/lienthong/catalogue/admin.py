"""Editing the catalogue in the Django admin (in Vietnamese), scoped: a system administrator
edits every procedure, an agency administrator those of their own agency.

The admin only collects the input: the procedure, its components and steps are written by one
call to the services (which validate and audit), forms through `services.add_form` (the upload
checks of documents.uploads). The inline formsets show the same validation next to the rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.documents.uploads import check_upload

from . import services
from .models import (
    OneStopRules,
    Procedure,
    ProcedureComponent,
    ProcedureForm,
    ProcedureStep,
    ResultKind,
    Sector,
)
from .querysets import editable_agency_ids
from .services import ComponentSpec, StepSpec


def _may_edit_catalogue(request: HttpRequest) -> bool:
    return editable_agency_ids(request.user) != set()


def _may_edit(request: HttpRequest, obj: Any) -> bool:
    if not _may_edit_catalogue(request):
        return False
    if isinstance(obj, Procedure):
        return services.may_edit(request.user, obj.agency_id)
    return True


class _CatalogueEditor:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit_catalogue(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Procedures are withdrawn (unpublished), not deleted: dossiers refer to them.
        return False if isinstance(self, admin.ModelAdmin) else _may_edit(request, obj)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin[Sector]):
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
        return False

    def save_model(self, request: HttpRequest, obj: Sector, form: Any, change: bool) -> None:
        saved = services.save_sector(
            actor=request.user,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            ordinal=form.cleaned_data["ordinal"],
            sector=Sector.objects.get(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(ResultKind)
class ResultKindAdmin(SectorAdmin):  # the same rights: system administrators edit
    list_display = ["name", "abbreviation", "ordinal", "is_active"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = services.save_result_kind(
            actor=request.user,
            name=data["name"],
            abbreviation=data.get("abbreviation") or "",
            ordinal=data.get("ordinal") or 0,
            is_active=data.get("is_active", True),
            kind=ResultKind.objects.get(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(OneStopRules)
class OneStopRulesAdmin(admin.ModelAdmin[OneStopRules]):
    """Read-only: a set of rules comes with a migration and is never rewritten."""

    list_display = ["code", "decree", "circular", "effective_from", "supplement_days"]
    readonly_fields = ["code", "decree", "circular", "effective_from", "supplement_days", "forms"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit_catalogue(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_catalogue(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StepFormSet(BaseInlineFormSet):
    def specs(self) -> list[StepSpec]:
        return [
            StepSpec(
                order=data["order"],
                name=data["name"],
                agency=data["agency"],
                role=data["role"],
                days=data["days"],
                unit=data.get("unit"),
                description=data.get("description") or "",
            )
            for data in _kept(self)
        ]

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        procedure: Procedure = self.instance
        specs = self.specs()
        problems = services.validate_steps(processing_days=procedure.processing_days, steps=specs)
        if problems:
            raise ValidationError(problems.messages())
        if procedure.is_published and not specs:
            raise ValidationError(
                _("A procedure needs its internal process steps before it is published.")
            )


class ComponentFormSet(BaseInlineFormSet):
    def specs(self) -> list[ComponentSpec]:
        return [
            ComponentSpec(
                order=data["order"],
                name=data["name"],
                copy_kind=data["copy_kind"],
                quantity=data["quantity"],
                required=data["required"],
                form=data.get("form"),
                note=data.get("note") or "",
            )
            for data in _kept(self)
        ]

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        errors = services.validate_components(self.specs())
        if errors:
            raise ValidationError(errors)


def _kept(formset: Any) -> list[dict[str, Any]]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ProcedureFormForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF or Word; replaces the current file.")
    )

    class Meta:
        model = ProcedureForm
        fields = ["ordinal", "code", "name"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            try:
                check_upload(upload, upload.name)
            except ValidationError as exc:
                self.add_error("upload", exc)
        elif self.instance.pk is None and self.has_changed():
            self.add_error("upload", _("Choose the form's file."))
        return data


class FormInline(_CatalogueEditor, admin.TabularInline[ProcedureForm, Procedure]):
    model = ProcedureForm
    form = ProcedureFormForm
    extra = 0
    fields = ["ordinal", "code", "name", "current_file", "upload"]
    readonly_fields = ["current_file"]

    @admin.display(description=_("current file"))
    def current_file(self, obj: ProcedureForm) -> str:
        if obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.file_name)


class ComponentInline(_CatalogueEditor, admin.TabularInline[ProcedureComponent, Procedure]):
    model = ProcedureComponent
    formset = ComponentFormSet
    extra = 0
    fields = ["order", "name", "copy_kind", "quantity", "required", "form", "note"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["form"]
        field.queryset = (  # type: ignore[attr-defined]
            ProcedureForm.objects.filter(procedure=obj) if obj else ProcedureForm.objects.none()
        )
        return formset


class StepInline(_CatalogueEditor, admin.TabularInline[ProcedureStep, Procedure]):
    model = ProcedureStep
    formset = StepFormSet
    extra = 0
    fields = ["order", "name", "agency", "unit", "role", "days", "description"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agency":
            kwargs["queryset"] = Agency.objects.active().order_by("name")
        elif db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.active().select_related("agency")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Procedure)
class ProcedureAdmin(_CatalogueEditor, admin.ModelAdmin[Procedure]):
    list_display = [
        "national_code",
        "name",
        "sector",
        "agency",
        "level_2011",
        "processing_days",
        "is_published",
    ]
    list_filter = ["is_published", "sector", "level_2011", "result_kind"]
    list_select_related = ["sector", "agency"]
    search_fields = ["national_code", "name"]
    fields = [*services.PROCEDURE_FIELDS, "is_published", "public_page"]
    readonly_fields = ["public_page"]
    inlines = [FormInline, ComponentInline, StepInline]

    @admin.display(description=_("public page"))
    def public_page(self, obj: Procedure) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("catalogue:procedure", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, url)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return super().get_queryset(request).editable_by(request.user)  # type: ignore[attr-defined]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agency":
            agencies = editable_agency_ids(request.user)
            queryset = Agency.objects.active().order_by("name")
            kwargs["queryset"] = queryset if agencies is None else queryset.filter(pk__in=agencies)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        """Nothing yet: everything is written in `save_related`, once the inlines are known."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        by_kind = {type(formset): formset for formset in formsets}
        component_set = next(f for f in formsets if isinstance(f, ComponentFormSet))
        step_set = next(f for f in formsets if isinstance(f, StepFormSet))
        fields = {name: form.cleaned_data[name] for name in services.PROCEDURE_FIELDS}
        publish = form.cleaned_data["is_published"]
        actor = request.user
        if change:
            procedure = services.update_procedure(
                actor=actor,
                procedure=Procedure.objects.get(pk=form.instance.pk),
                fields=fields,
                components=component_set.specs(),
                steps=step_set.specs(),
            )
        else:
            procedure = services.create_procedure(
                actor=actor,
                fields=fields,
                components=component_set.specs(),
                steps=step_set.specs(),
            )
            form.instance.pk = procedure.pk
            form.instance._state.adding = False
        for formset in formsets:
            if formset.model is ProcedureForm:
                self._save_forms(request, procedure, formset)
        if publish:
            services.publish_procedure(actor=actor, procedure=procedure)
        else:
            services.unpublish_procedure(actor=actor, procedure=procedure)
        for formset in by_kind.values():
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _save_forms(self, request: HttpRequest, procedure: Procedure, formset: Any) -> None:
        for inline_form in formset.forms:
            data = inline_form.cleaned_data
            if not data:
                continue
            existing = inline_form.instance if inline_form.instance.pk else None
            if data.get("DELETE"):
                if existing is not None:
                    services.remove_form(actor=request.user, form=existing)
                continue
            upload = data.get("upload")
            if upload is not None:
                services.add_form(
                    actor=request.user,
                    procedure=procedure,
                    name=data["name"],
                    code=data.get("code") or "",
                    ordinal=data.get("ordinal") or 0,
                    upload=upload,
                    file_name=upload.name,
                    replaces=existing,
                )
            elif existing is not None and inline_form.has_changed():
                services.update_form(
                    actor=request.user,
                    form=existing,
                    name=data["name"],
                    code=data.get("code") or "",
                    ordinal=data.get("ordinal") or 0,
                )
