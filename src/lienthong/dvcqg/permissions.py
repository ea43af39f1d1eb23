"""Who may see and act on the national portal synchronisation: one-stop officers and the
agency's administrators for their agency's dossiers, the system administrator for all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.documents.models import AttachmentVersion
from lienthong.onestop.models import Dossier
from lienthong.onestop.permissions import signed_result

from .constants import PushState
from .models import StatusPush
from .payload import RESULT_LINK_SALT

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


def access_result_link(token: str) -> tuple[Dossier, AttachmentVersion]:
    """What the national portal downloads through `DuongDanTepTinKetQua`, without a log-in: the
    dossier's sealed electronic result, published (the dossier done or returned), while the
    signed link is untampered and younger than `LIENTHONG_DVCQG_RESULT_LINK_DAYS` and the result
    is still the one the link was made for (a replaced result's old link is dead). Anything else
    is 404, so a link tells nothing about dossiers it was not made for."""
    found = signed_result(
        token, salt=RESULT_LINK_SALT, max_age=settings.LIENTHONG_DVCQG_RESULT_LINK_DAYS * 86400
    )
    if found is None:
        raise Http404(_("Not found."))
    return found
