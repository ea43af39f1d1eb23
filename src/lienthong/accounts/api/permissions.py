"""Who may call the API: by default, officials of an agency and system administrators."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from ..permissions import is_officer


class IsOfficer(BasePermission):
    """Signed in, active, and an official of an agency (or a system administrator). A citizen's
    account is refused (403); an anonymous caller gets 401."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_officer(request.user)
