"""The Django admin (in Vietnamese) for the organisation model.

The admin changes agencies, units, accounts, roles and delegations only through
`accounts.services`, so every change made here is checked, has the same side effects and
writes the same audit event as when it is made anywhere else (moving an official to another
agency drops their roles and ends their delegations, as `move_user` does). Fields that change
through a service of their own are routed to it on save; what has no editable form (ending a
delegation, deactivating an account) is an admin action. Nothing about people is deleted
here: accounts are deactivated, delegations revoked. An agency administrator sees and edits
only their own agency."""

from typing import Any, cast

# django-otp's ModelAdmins register on import; import them first so ours replace them (below).
import django_otp.plugins.otp_static.admin
import django_otp.plugins.otp_totp.admin  # noqa: F401
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms.formsets import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
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


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _formset_saved(
    formset: BaseFormSet[Any],
    new: list[Model],
    changed: list[tuple[Model, list[str]]],
    deleted: list[Model],
) -> None:
    """What a formset saved by hand (through the services) did, as `formset.save()` would
    leave it for the admin's change message."""
    formset.new_objects = new  # type: ignore[attr-defined]
    formset.changed_objects = changed  # type: ignore[attr-defined]
    formset.deleted_objects = deleted  # type: ignore[attr-defined]


class ScopedChoicesMixin:
    """Foreign-key choices are limited to what the editing user may see."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        visible_to = getattr(db_field.related_model.objects, "visible_to", None)
        if visible_to is not None and "queryset" not in kwargs:
            kwargs["queryset"] = visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ServiceErrorsMixin:
    """A service may refuse what the form accepted (a rule only it knows): the whole change is
    rolled back (the admin saves in one transaction) and the same form comes back, with what
    was typed and the service's reason at its top."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            response: HttpResponse = super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
            return response
        except ValidationError as exc:
            # The second pass validates the same POST with the refusal as the form's own
            # error, so the admin renders the bound form instead of saving.
            request.service_refusal = exc  # type: ignore[attr-defined]
            again: HttpResponse = super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
            return again

    def get_form(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        form_class = super().get_form(request, *args, **kwargs)  # type: ignore[misc]
        refusal: ValidationError | None = getattr(request, "service_refusal", None)
        if refusal is None:
            return form_class
        reasons = refusal.messages

        class Refused(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> Any:
                cleaned = super().clean()
                self.add_error(None, reasons)
                return cleaned

        return Refused


class ScopedAdmin(ServiceErrorsMixin, ScopedChoicesMixin, admin.ModelAdmin[Any]):
    """Lists only what the editing user may see."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        visible_to = getattr(qs, "visible_to", None)
        return visible_to(request.user) if visible_to else qs


class AuditedAdmin(ScopedAdmin):
    """Records admin edits of a model that has no service (positions) in the audit log."""

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

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class AgencyAdminForm(forms.ModelForm[Agency]):
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


UNIT_FIELDS: list[Any] = ["name", "abbreviation", "parent", "is_active"]


def _save_unit(request: HttpRequest, unit: Unit, changed: list[str], data: dict[str, Any]) -> Unit:
    """Create a unit (`create_unit`) or change it (`update_unit`)."""
    if unit.pk is None:
        created = services.create_unit(
            actor=_actor(request),
            agency=unit.agency,
            name=data["name"],
            abbreviation=data["abbreviation"],
            parent=data.get("parent"),
        )
        if data.get("is_active", True) is False:
            created = services.update_unit(actor=_actor(request), unit=created, is_active=False)
        return created
    changes = {field: data[field] for field in changed if field in UNIT_FIELDS}
    return services.update_unit(actor=_actor(request), unit=unit, **changes) if changes else unit


class UnitInline(admin.TabularInline[Unit, Agency]):
    model = Unit
    extra = 0
    fields = UNIT_FIELDS
    show_change_link = True
    can_delete = False


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
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
    inlines = [UnitInline]

    form = AgencyAdminForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _is_system_admin(request):
            return ()
        return ("code", "code_is_official", "kind", "parent", "is_active")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an agency is deactivated (its documents and people stay on record)

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        # Created, renamed, moved (`create_agency`, `update_agency`); the issuing policy changes
        # only through its own service.
        data = dict(form.cleaned_data)
        on_paper = bool(data.pop("issues_on_paper", False))
        if change:
            changes = {f: data[f] for f in form.changed_data if f != "issues_on_paper"}
            if changes:
                services.update_agency(actor=_actor(request), agency=obj, **changes)
        else:
            created = services.create_agency(actor=_actor(request), **data)
            obj.pk = created.pk
            obj._state.adding = False
        if "issues_on_paper" in form.changed_data:
            services.set_issuing_policy(actor=_actor(request), agency=obj, issues_on_paper=on_paper)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        new: list[Model] = []
        changed: list[tuple[Model, list[str]]] = []
        for unit_form in formset.forms:
            if not unit_form.has_changed():
                continue
            unit = unit_form.instance
            unit.agency = form.instance
            adding = unit.pk is None
            saved = _save_unit(request, unit, unit_form.changed_data, unit_form.cleaned_data)
            if adding:
                new.append(saved)
            else:
                changed.append((saved, unit_form.changed_data))
        _formset_saved(formset, new, changed, [])


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "abbreviation", "agency", "is_active"]
    list_filter = ["is_active", "agency__kind"]
    search_fields = ["name", "abbreviation", "agency__name"]
    autocomplete_fields = ["agency", "parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("agency",) if obj is not None else ()  # a unit never changes agency

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a unit is deactivated

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        saved = _save_unit(request, obj, form.changed_data, form.cleaned_data)
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ["name", "rank", "is_leadership"]
    search_fields = ["name"]


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    """The official's roles; saved as a whole through `set_roles`."""

    model = RoleGrant
    extra = 0
    fields = ["role", "granted_at"]
    readonly_fields = ["granted_at"]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not _is_system_admin(request):
            kwargs["choices"] = [c for c in Role.choices if c[0] != Role.SYSTEM_ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class _OfficialUsername(forms.ModelForm[User]):
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


PLACEMENT = ("agency", "unit", "position")  # changed together, through `move_user`
PARTICULARS = ("username", "full_name", "email", "phone", "is_superuser")  # `update_user`


class OfficialChangeForm(_OfficialUsername, UserChangeForm[User]):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if set(PLACEMENT) & set(self.changed_data):
            unit, agency = data.get("unit"), data.get("agency")
            if unit is None:
                self.add_error("unit", _("Choose the unit the official moves to."))
            elif "agency" in self.fields and unit.agency_id != getattr(agency, "pk", None):
                self.add_error("unit", _("The unit belongs to another agency."))
        return data


class OfficialCreationForm(_OfficialUsername, AdminUserCreationForm[User]):
    pass


@admin.register(User)
class UserAdmin(ServiceErrorsMixin, ScopedChoicesMixin, DjangoUserAdmin[User]):
    form = OfficialChangeForm
    add_form = OfficialCreationForm
    list_display = ["username", "full_name", "agency", "unit", "position", "is_active"]
    list_filter = ["is_active", "is_staff", "role_grants__role"]
    search_fields = ["username", "identifier", "full_name", "email", "agency__name"]
    autocomplete_fields = ["agency", "unit"]
    inlines = [RoleGrantInline]
    actions = ["deactivate_selected", "reactivate_selected"]
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
        # Staff status follows the roles (`set_roles`): an administrator's role gives it.
        fixed = ("last_login", "date_joined", "is_staff")
        return fixed if _is_system_admin(request) else (*fixed, "is_superuser")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users: QuerySet[User] = User.objects.visible_to(request.user)
        return users

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # The roles are granted on the account's page, once it exists.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an account is deactivated: its documents, signatures and audit stay

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data, actor = form.cleaned_data, _actor(request)
        if not change:
            created = services.create_user(
                actor=actor,
                username=data["username"],
                full_name=data.get("full_name", ""),
                password=data.get("password1") or None,
                agency=data.get("agency"),
                unit=data.get("unit"),
            )
            obj.pk, obj.password = created.pk, created.password
            obj._state.adding = False
            return
        if set(PLACEMENT) & set(form.changed_data):
            services.move_user(
                actor=actor, user=obj, unit=data["unit"], position=data.get("position")
            )
        particulars = {f: data[f] for f in PARTICULARS if f in form.changed_data}
        if particulars:
            services.update_user(actor=actor, user=obj, **particulars)
        if "is_active" in form.changed_data:
            if data["is_active"]:
                services.reactivate_user(actor=actor, user=obj)
            else:
                services.deactivate_user(actor=actor, user=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        _formset_saved(formset, [], [], [])
        if not formset.has_changed():
            return
        moved = form.initial.get("agency") != getattr(form.cleaned_data.get("agency"), "pk", None)
        if "agency" in form.changed_data and moved:
            # The move dropped the roles held in the old agency; the roles in the new one are
            # granted afresh on the account's page.
            messages.warning(
                request,
                gettext(
                    "The official moved to another agency, so their roles were dropped and "
                    "the changes to the roles were not saved. Grant the new roles now."
                ),
            )
            return
        roles = [
            f.cleaned_data["role"]
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        services.set_roles(actor=_actor(request), user=form.instance, roles=roles)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """The password is set through `set_user_password` (validated, audited, the account
        signed out everywhere); Django's page still shows the form and its errors."""
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        form = self.change_password_form(user, request.POST)
        if not form.is_valid():
            return super().user_change_password(request, id, form_url)  # shows the errors
        usable = form.cleaned_data["set_usable_password"]
        if not (usable or "unset-password" in request.POST):
            return super().user_change_password(request, id, form_url)  # conflicting data
        try:
            services.set_user_password(
                actor=_actor(request),
                user=user,
                password=form.cleaned_data["password1"] if usable else None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())
        user.refresh_from_db()
        self.log_change(request, user, [{"changed": {"fields": ["password"]}}])
        messages.success(request, gettext("Password changed successfully."))
        if user.pk == request.user.pk:
            update_session_auth_hash(request, user)
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=(user.pk,)))

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.deactivate_user(actor=_actor(request), user=user)

    @admin.action(description=_("Reactivate the selected accounts"), permissions=["change"])
    def reactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.reactivate_user(actor=_actor(request), user=user)


DELEGATION_FIELDS = ["delegator", "delegate", "starts_at", "ends_at", "scope", "legal_basis"]


@admin.register(Delegation)
class DelegationAdmin(ScopedAdmin):
    """Delegations are granted here (`create_delegation`) and ended by the action (revoked,
    `revoke_delegation`); a delegation once granted is not edited."""

    list_display = ["delegator", "delegate", "starts_at", "ends_at", "revoked_at"]
    autocomplete_fields = ["delegator", "delegate"]
    search_fields = ["delegator__full_name", "delegate__full_name"]
    fields = [*DELEGATION_FIELDS, "revoked_at"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("revoked_at",) if obj is None else (*DELEGATION_FIELDS, "revoked_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked instead: the record of who acted for whom stays

    def save_model(self, request: HttpRequest, obj: Delegation, form: Any, change: bool) -> None:
        if change:
            return  # nothing on a granted delegation's page is editable
        data = form.cleaned_data
        created = services.create_delegation(
            actor=_actor(request),
            delegator=data["delegator"],
            delegate=data["delegate"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            scope=data.get("scope", ""),
            legal_basis=data.get("legal_basis", ""),
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description=_("Revoke the selected delegations"), permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Delegation]) -> None:
        for delegation in queryset:
            services.revoke_delegation(actor=_actor(request), delegation=delegation)


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


class SecretFreeDeviceAdmin(admin.ModelAdmin[Any]):
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
        left: int = device.token_set.count()
        return left


for _model, _admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
