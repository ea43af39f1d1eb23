"""The one access chokepoint of dossiers, and the role checks of the services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User

from .models import Dossier, DossierStep
from .querysets import is_applicant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def access_dossier(user: User | AnonymousUser, pk: int | str) -> Dossier:
    """The dossier if the user may see it; 404 for missing and forbidden alike."""
    try:
        return Dossier.objects.visible_to(user).select_related("procedure", "agency").get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_step(user: User | AnonymousUser, pk: int | str) -> DossierStep:
    try:
        step = DossierStep.objects.select_related("dossier", "agency", "unit").get(pk=pk)
    except (DossierStep.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not Dossier.objects.visible_to(user).filter(pk=step.dossier_id).exists():
        raise Http404
    return step


def require_applicant(user: User | Any) -> None:
    if not is_applicant(user):
        raise PermissionDenied(_("Only a citizen's or business's account can do this."))


def is_onestop_officer(user: User | Any, agency_id: int) -> bool:
    return bool(
        user.is_authenticated
        and user.agency_id == agency_id
        and user.has_role(Role.ONESTOP_OFFICER)
    )


def require_onestop_officer(user: User | Any, agency_id: int) -> None:
    if not is_onestop_officer(user, agency_id):
        raise PermissionDenied(_("Only a one-stop officer of the receiving agency can do this."))


def leads_step(user: User | Any, step: DossierStep) -> bool:
    """The leader who assigns and approves a step: the unit's leader, or an agency leader."""
    if not user.is_authenticated or user.agency_id != step.agency_id:
        return False
    if user.has_role(Role.AGENCY_LEADER):
        return True
    return bool(
        user.has_role(Role.UNIT_LEADER)
        and step.unit_id is not None
        and user.unit_id == step.unit_id
    )


def require_step_leader(user: User | Any, step: DossierStep) -> None:
    if not leads_step(user, step):
        raise PermissionDenied(_("Only the leader of the unit in charge of this step can do this."))


def require_handler(user: User | Any, step: DossierStep) -> None:
    if step.handler_id != user.pk:
        raise PermissionDenied(_("Only the officer handling this step can do this."))
