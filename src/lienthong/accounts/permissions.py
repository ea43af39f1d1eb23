"""The single access chokepoint for organisation objects.

A missing object and a forbidden one give the same 404, so identifiers leak nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import Role
from .models import Agency, Delegation, Unit, User
from .querysets import UserQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

M = TypeVar("M", bound=Model)


def _get_or_404(queryset: QuerySet[M], pk: int | str) -> M:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_agency(user: User | AnonymousUser, pk: int | str) -> Agency:
    return _get_or_404(Agency.objects.visible_to(user), pk)


def access_unit(user: User | AnonymousUser, pk: int | str) -> Unit:
    return _get_or_404(Unit.objects.visible_to(user).select_related("agency"), pk)


def access_user(user: User | AnonymousUser, pk: int | str) -> User:
    users: UserQuerySet = User.objects.visible_to(user)
    return _get_or_404(users.select_related("agency", "unit", "position"), pk)


def access_delegation(user: User | AnonymousUser, pk: int | str) -> Delegation:
    return _get_or_404(Delegation.objects.visible_to(user), pk)


def is_officer(user: Any) -> bool:
    """An official of an agency (or a system administrator): who may use the officers' pages
    and API. An account with no agency and no administrator role (a citizen's) may not."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.agency_id is not None or user.is_system_admin)
    )


def can_manage_agency(actor: User | None, agency: Agency | None) -> bool:
    """System administrators manage every agency; an agency administrator manages their own."""
    if actor is None:  # management commands and data migrations act as the system
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_system_admin:
        return True
    return agency is not None and actor.agency_id == agency.pk and actor.has_role(Role.AGENCY_ADMIN)


def require_manage_agency(actor: User | None, agency: Agency | None) -> None:
    if not can_manage_agency(actor, agency):
        raise PermissionDenied(_("You may not manage this agency."))


def require_system_admin(actor: User | None) -> None:
    if actor is not None and not (actor.is_active and actor.is_system_admin):
        raise PermissionDenied(_("Only a system administrator may do this."))


def two_factor_required(user: Any) -> bool:
    """Whether the account must sign in with a second factor (TOTP): it holds one of the roles
    in `LIENTHONG_2FA_REQUIRED_ROLES` (a superuser counts as a system administrator)."""
    required = set(settings.LIENTHONG_2FA_REQUIRED_ROLES)
    if not required or not user.is_authenticated:
        return False
    roles = set(user.role_set())
    if user.is_superuser:
        roles.add(Role.SYSTEM_ADMIN.value)
    return bool(roles & required)


def has_two_factor(user: Any) -> bool:
    """Whether the account has enrolled an authenticator app (a confirmed TOTP device)."""
    return bool(
        user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def is_leader(user: User) -> bool:
    """Holds a leadership position or role: may be chosen to sign."""
    return bool(
        user.is_active
        and (
            (user.position is not None and user.position.is_leadership)
            or user.has_role(Role.AGENCY_LEADER)
            or user.has_role(Role.UNIT_LEADER)
        )
    )
