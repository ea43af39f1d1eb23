"""Who may read the one-stop evaluation, and over which dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency
from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


@dataclass(frozen=True)
class ReportScope:
    dossiers: QuerySet[Dossier]
    agencies: QuerySet[Agency]
    officers: Q | None  # which officers' rows the viewer may see (None: all)


def may_read_reports(user: Any) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_system_admin or (user.agency_id and user.has_role(Role.AGENCY_LEADER)))


def access_reports(user: User | AnonymousUser) -> ReportScope:
    """A system administrator sees every agency; an agency leader their own agency's dossiers
    and officers; everybody else gets 404 (the page does not exist for them)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        raise Http404
    submitted = Dossier.objects.exclude(status=DossierStatus.DRAFT)
    if user.is_system_admin:
        return ReportScope(submitted, Agency.objects.all(), None)
    if user.agency_id and user.has_role(Role.AGENCY_LEADER):
        return ReportScope(
            submitted.filter(agency_id=user.agency_id),
            Agency.objects.filter(pk=user.agency_id),
            Q(handler__agency_id=user.agency_id),
        )
    raise Http404
