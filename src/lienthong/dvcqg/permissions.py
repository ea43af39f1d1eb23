"""Who may see and act on the national portal synchronisation: one-stop officers and the
agency's administrators for their agency's dossiers, the system administrator for all."""

from __future__ import annotations

from typing import Any

from lienthong.accounts.constants import Role

from .constants import PushState
from .models import StatusPush

_ROLES = (Role.ONESTOP_OFFICER, Role.AGENCY_ADMIN)


def can_view_sync(user: Any) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_system_admin:
        return True
    return user.agency_id is not None and any(user.has_role(role) for role in _ROLES)


def can_retry(user: Any, push: StatusPush) -> bool:
    return (
        can_view_sync(user)
        and push.state != PushState.ACKNOWLEDGED
        and (user.is_system_admin or push.dossier.agency_id == user.agency_id)
    )


def can_pull(user: Any) -> bool:
    """Pull the dossiers filed on the national portal into the agency's counter queue."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.agency_id is not None
        and user.has_role(Role.ONESTOP_OFFICER)
    )
