"""The national portal in the Django admin: procedures' national codes (edited by the
catalogue's editors: the system administrator, an agency administrator for their agency's
procedures, written through `services.set_procedure_code`), and the pushes and pulled dossiers
(read-only, with a retry action)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lienthong.catalogue.models import Procedure
from lienthong.catalogue.querysets import editable_agency_ids

from . import client as portal
from . import services
from .models import NationalDossier, NationalProcedureCode, StatusPush
from .permissions import can_retry, can_view_sync


def _agencies(request: HttpRequest) -> set[int] | None:
    return editable_agency_ids(request.user)


@admin.action(description=_("Check against the national database (LayThuTuc)"))
def check_codes(
    admin_: Any, request: HttpRequest, queryset: QuerySet[NationalProcedureCode]
) -> None:
    checked = 0
    for entry in queryset.select_related("procedure__agency"):
        try:
            services.check_procedure_code(actor=request.user, entry=entry)  # type: ignore[arg-type]
        except ValidationError as exc:
            admin_.message_user(request, "; ".join(exc.messages), messages.ERROR)
        except portal.PortalUnavailable as exc:
            admin_.message_user(request, str(exc), messages.ERROR)
            return
        else:
            checked += 1
    admin_.message_user(request, _("%(n)d code(s) confirmed.") % {"n": checked}, messages.INFO)


@admin.register(NationalProcedureCode)
class NationalProcedureCodeAdmin(admin.ModelAdmin[NationalProcedureCode]):
    list_display = ["code", "procedure", "verified", "national_name", "checked_at"]
    readonly_fields = ["national_name", "checked_at"]
    actions = [check_codes]
    list_filter = ["verified"]
    search_fields = ["code", "procedure__name", "procedure__national_code"]
    raw_id_fields = ["procedure"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NationalProcedureCode]:
        queryset = super().get_queryset(request).select_related("procedure")
        agencies = _agencies(request)
        return queryset if agencies is None else queryset.filter(procedure__agency_id__in=agencies)

    def _may(self, request: HttpRequest, obj: Any = None) -> bool:
        agencies = _agencies(request)
        if agencies == set():
            return False
        return obj is None or agencies is None or obj.procedure.agency_id in agencies

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "procedure":
            agencies = _agencies(request)
            procedures = Procedure.objects.all()
            kwargs["queryset"] = (
                procedures if agencies is None else procedures.filter(agency_id__in=agencies)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: NationalProcedureCode, form: Any, change: bool
    ) -> None:
        saved = services.set_procedure_code(
            actor=request.user,  # type: ignore[arg-type]
            procedure=form.cleaned_data["procedure"],
            code=form.cleaned_data["code"],
            verified=form.cleaned_data["verified"],
        )
        obj.pk = saved.pk


class _ReadOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view_sync(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_sync(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description=_("Retry the selected pushes"))
def retry_pushes(admin_: Any, request: HttpRequest, queryset: QuerySet[StatusPush]) -> None:
    done = 0
    for push in queryset.select_related("dossier"):
        if can_retry(request.user, push):
            services.retry_push(actor=request.user, push=push)  # type: ignore[arg-type]
            done += 1
    admin_.message_user(request, _("%(n)d push(es) queued again.") % {"n": done}, messages.INFO)


@admin.register(StatusPush)
class StatusPushAdmin(_ReadOnly, admin.ModelAdmin[StatusPush]):
    list_display = [
        "dossier",
        "sequence",
        "kind",
        "status_code",
        "state",
        "attempts",
        "last_error",
        "changed_at",
        "acknowledged_at",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["dossier__code"]
    actions = [retry_pushes]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusPush]:
        return StatusPush.objects.visible_to(request.user).select_related("dossier")


@admin.register(NationalDossier)
class NationalDossierAdmin(_ReadOnly, admin.ModelAdmin[NationalDossier]):
    list_display = ["tracking_code", "dossier", "pulled_by", "created_at", "confirmed_at"]
    search_fields = ["tracking_code", "dossier__code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NationalDossier]:
        queryset = super().get_queryset(request).select_related("dossier")
        user: Any = request.user
        if user.is_system_admin:
            return queryset
        return queryset.filter(dossier__agency_id=user.agency_id)
