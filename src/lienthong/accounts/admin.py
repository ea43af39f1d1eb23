"""The Django admin (in Vietnamese) for the organisation model.

Every save goes through the services, so the admin validates and audits like the rest of the
platform; an agency administrator sees and edits only their own agency."""

from typing import Any

# django-otp's ModelAdmins register on import; import them first so ours replace them (below).
import django_otp.plugins.otp_static.admin
import django_otp.plugins.otp_totp.admin  # noqa: F401
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lienthong.core.audit import record_event

from . import services
from .constants import Role
from .models import Agency, Delegation, Position, RoleGrant, Unit, User
from .validators import validate_official_username


def _is_system_admin(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_system_admin", False))


class ScopedChoicesMixin:
    """Foreign-key choices are limited to what the editing user may see."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        visible_to = getattr(db_field.related_model.objects, "visible_to", None)
        if visible_to is not None and "queryset" not in kwargs:
            kwargs["queryset"] = visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class AuditedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Records admin edits that have no dedicated service in the audit log."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_event(
            action=f"{obj._meta.model_name}.{'updated' if change else 'created'}",
            actor=request.user,
            obj=obj,
            data={"via": "admin", "fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_event(
            action=f"{obj._meta.model_name}.deleted",
            actor=request.user,
            obj=obj,
            data={"via": "admin"},
        )
        super().delete_model(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        visible_to = getattr(qs, "visible_to", None)
        return visible_to(request.user) if visible_to else qs


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "code",
            "code_is_official",
            "name",
            "short_name",
            "abbreviation",
            "kind",
            "parent",
            "governing_body_name",
            "place_name",
            "address",
            "phone",
            "email",
            "website",
            "is_active",
            "issues_on_paper",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            services.check_agency_tree(self.instance)
        return cleaned


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "abbreviation",
        "kind",
        "parent",
        "code_is_official",
        "is_active",
        "issues_on_paper",
    ]
    list_filter = ["kind", "is_active", "code_is_official", "issues_on_paper"]
    search_fields = ["code", "name", "abbreviation"]
    autocomplete_fields = ["parent"]

    form = AgencyAdminForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _is_system_admin(request):
            return ()
        return ("code", "code_is_official", "kind", "parent", "is_active")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        # The issuing policy changes only through its own service (checked and audited).
        data = dict(form.cleaned_data)
        on_paper = bool(data.pop("issues_on_paper", False))
        if change:
            changes = {f: data[f] for f in form.changed_data if f != "issues_on_paper"}
            if changes:
                services.update_agency(actor=request.user, agency=obj, **changes)  # type: ignore[arg-type]
        else:
            created = services.create_agency(actor=request.user, **data)  # type: ignore[arg-type]
            obj.pk = created.pk
            obj._state.adding = False
        if "issues_on_paper" in form.changed_data:
            services.set_issuing_policy(actor=request.user, agency=obj, issues_on_paper=on_paper)  # type: ignore[arg-type]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "abbreviation", "parent", "is_active"]
    show_change_link = True


AgencyAdmin.inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "abbreviation", "agency", "is_active"]
    list_filter = ["is_active", "agency__kind"]
    search_fields = ["name", "abbreviation", "agency__name"]
    autocomplete_fields = ["agency", "parent"]


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ["name", "rank", "is_leadership"]
    search_fields = ["name"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    fields = ["role", "granted_at"]
    readonly_fields = ["granted_at"]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not _is_system_admin(request):
            kwargs["choices"] = [c for c in Role.choices if c[0] != Role.SYSTEM_ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class _OfficialUsername(forms.ModelForm):
    """An account of an agency never takes a user name of digits alone (citizens' ID numbers)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency = data.get("agency", getattr(self.instance, "agency", None))
        if agency is not None and data.get("username"):
            try:
                validate_official_username(data["username"])
            except forms.ValidationError as exc:
                self.add_error("username", exc)
        return data


class OfficialChangeForm(_OfficialUsername, UserChangeForm):
    pass


class OfficialCreationForm(_OfficialUsername, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(ScopedChoicesMixin, DjangoUserAdmin):
    form = OfficialChangeForm
    add_form = OfficialCreationForm
    list_display = ["username", "full_name", "agency", "unit", "position", "is_active"]
    list_filter = ["is_active", "is_staff", "role_grants__role"]
    search_fields = ["username", "identifier", "full_name", "email", "agency__name"]
    autocomplete_fields = ["agency", "unit"]
    inlines = [RoleGrantInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Official"), {"fields": ("full_name", "email", "phone", "agency", "unit", "position")}),
        (
            _("Status"),
            {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")},
        ),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "agency", "unit", "password1", "password2")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fixed = ("last_login", "date_joined")
        return fixed if _is_system_admin(request) else (*fixed, "is_staff", "is_superuser")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return User.objects.visible_to(request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_event(
            action=f"user.{'updated' if change else 'created'}",
            actor=request.user,
            obj=obj,
            data={"via": "admin", "fields": sorted(form.changed_data)},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is RoleGrant and formset.has_changed():
            record_event(
                action="security.roles_changed",
                actor=request.user,
                obj=form.instance,
                data={
                    "via": "admin",
                    "roles": sorted(form.instance.role_grants.values_list("role", flat=True)),
                },
            )


@admin.register(Delegation)
class DelegationAdmin(AuditedAdmin):
    list_display = ["delegator", "delegate", "starts_at", "ends_at", "revoked_at"]
    autocomplete_fields = ["delegator", "delegate"]
    search_fields = ["delegator__full_name", "delegate__full_name"]


# --- django-otp's devices -----------------------------------------------------------------------
# django-otp's own ModelAdmins show a TOTP device's secret key (and a page with its QR code) and
# list every backup code: whoever reads them can pass as the official's second factor. They are
# replaced by these: the devices are listed and looked at without their secrets and cannot be
# added or edited here (an official enrols on their own security page); deleting one resets the
# official's two-factor sign-in through `services.reset_two_factor` (both the app and the backup
# codes, audited, signed out everywhere), as the reset button on the official's page does.
DEVICE_FIELDS: list[Any] = ["user", "name", "confirmed", "created_at", "last_used_at"]
TOTP_FIELDS: list[Any] = [*DEVICE_FIELDS, "throttling_failure_count"]
STATIC_FIELDS: list[Any] = [*DEVICE_FIELDS, "backup_codes_left"]


class SecretFreeDeviceAdmin(admin.ModelAdmin):
    list_display = DEVICE_FIELDS
    list_filter = ["confirmed", "created_at", "last_used_at"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = DEVICE_FIELDS
    readonly_fields = DEVICE_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.reset_two_factor(actor=request.user, user=obj.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in User.objects.filter(pk__in=queryset.values("user")):
            services.reset_two_factor(actor=request.user, user=user)  # type: ignore[arg-type]


class TOTPDeviceAdmin(SecretFreeDeviceAdmin):
    exclude = ["key"]
    fields = TOTP_FIELDS
    readonly_fields = TOTP_FIELDS


class StaticDeviceAdmin(SecretFreeDeviceAdmin):
    list_display = STATIC_FIELDS
    fields = STATIC_FIELDS
    readonly_fields = STATIC_FIELDS

    @admin.display(description=_("backup codes left"))
    def backup_codes_left(self, device: StaticDevice) -> int:
        return device.token_set.count()


for _model, _admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
