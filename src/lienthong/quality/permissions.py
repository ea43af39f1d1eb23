"""The access chokepoint of the quality system: the agency's quality officer keeps it and
audits; its leaders read it; an action's owner sees and completes their action. Another
agency's system, audit or action answers 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .constants import KEEPER_ROLES, READER_ROLES
from .models import Action, Audit, QualitySystem


def _member(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def can_keep(user: Any, system: QualitySystem) -> bool:
    return (
        _member(user)
        and user.agency_id == system.agency_id
        and any(user.has_role(role) for role in KEEPER_ROLES)
    )


def can_read(user: Any, system: QualitySystem) -> bool:
    return (
        _member(user)
        and user.agency_id == system.agency_id
        and any(user.has_role(role) for role in READER_ROLES)
    )


def can_complete(user: Any, action: Action) -> bool:
    return _member(user) and user.pk == action.owner_id


def access_system(user: Any) -> QualitySystem:
    """The user's agency's quality system, if they may read it."""
    if not _member(user):
        raise Http404(_("Not found."))
    system = (
        QualitySystem.objects.select_related("agency", "version")
        .filter(agency_id=user.agency_id)
        .first()
    )
    if system is None or not can_read(user, system):
        raise Http404(_("Not found."))
    return system


def access_audit(user: Any, pk: Any) -> Audit:
    try:
        audit = Audit.objects.select_related("system__version", "lead_auditor").get(pk=pk)
    except (Audit.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None
    if not can_read(user, audit.system):
        raise Http404(_("Not found."))
    return audit


def access_action(user: Any, pk: Any) -> Action:
    try:
        action = Action.objects.select_related("finding__audit__system", "owner").get(pk=pk)
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None
    if not (can_complete(user, action) or can_read(user, action.finding.audit.system)):
        raise Http404(_("Not found."))
    return action


def require_can_keep(user: Any, system: QualitySystem) -> None:
    if not can_keep(user, system):
        raise PermissionDenied(_("Only the agency's quality officer may do this."))
