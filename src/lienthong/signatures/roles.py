"""Who may administer signing: predicates on the user's roles alone (no model of this app), so
that querysets.py can use them; permissions.py (the app's chokepoint) re-exports them."""

from __future__ import annotations

from typing import Any

from lienthong.accounts.constants import Role


def can_manage_trust(user: Any) -> bool:
    """Trust roots are province-wide: system administrators only."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_role(Role.SYSTEM_ADMIN))
    )


def can_administer(user: Any) -> bool:
    """Agency administrators manage their agency's signing credentials."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (can_manage_trust(user) or (user.agency_id and user.has_role(Role.AGENCY_ADMIN)))
    )
