"""Model permissions from roles, for the Django admin.

A system administrator holds every permission; an agency administrator manages the organisation
of their own agency (the admin's querysets are scoped by `visible_to`). Other roles act through
the platform's own pages and services, not the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend

from .constants import Role
from .models import User

AGENCY_ADMIN_PERMISSIONS = frozenset(
    {
        "accounts.view_agency",
        "accounts.change_agency",
        "accounts.view_unit",
        "accounts.add_unit",
        "accounts.change_unit",
        "accounts.view_position",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_rolegrant",
        "accounts.add_rolegrant",
        "accounts.change_rolegrant",
        "accounts.delete_rolegrant",
        "accounts.view_delegation",
        "accounts.add_delegation",
        "accounts.change_delegation",
    }
)


class OfficialModelBackend(ModelBackend):
    """Django's password backend, whose look-up of the signed-in user (every request with a
    session) reads the user's roles in the same query: the pages and the role checks of the
    request (`User.role_set`, the two-factor rule, the menu) ask the database nothing more.
    A role granted or taken away shows on the user's next request, as before."""

    def get_user(self, user_id: Any) -> Any:
        user = User.objects.get_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class RolePermissionBackend(BaseBackend):
    def _active(self, user: Any) -> bool:
        return bool(user.is_authenticated and user.is_active)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not self._active(user_obj):
            return False
        if user_obj.has_role(Role.SYSTEM_ADMIN):
            return True
        return user_obj.has_role(Role.AGENCY_ADMIN) and perm in AGENCY_ADMIN_PERMISSIONS

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not self._active(user_obj):
            return False
        if user_obj.has_role(Role.SYSTEM_ADMIN):
            return True
        return user_obj.has_role(Role.AGENCY_ADMIN) and app_label == "accounts"

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if self._active(user_obj) and user_obj.has_role(Role.AGENCY_ADMIN):
            return set(AGENCY_ADMIN_PERMISSIONS)
        return set()
