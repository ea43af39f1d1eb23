"""A dossier closed without a result: refused at the counter (Mẫu 03), stopped during
processing by the step's leader, or withdrawn."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User

from ..constants import (
    Channel,
    DossierStatus,
    HandOverAction,
    StepState,
)
from ..models import (
    Dossier,
    DossierStep,
)
from ..permissions import (
    leads_step,
    require_onestop_officer,
)
from ._common import _clean_text, _locked, _move, _now, _record


@transaction.atomic
def refuse_dossier(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """At the counter: Phiếu từ chối tiếp nhận (Mẫu 03). During processing, by the leader of
    the current step: processing stops (ineligible), with the reason."""
    dossier = _locked(dossier)
    reason = _clean_text(reason, "reason", 1000)
    if dossier.status in {DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED} and (
        dossier.received_at is None
    ):
        require_onestop_officer(actor, dossier.agency_id)
        _move(dossier, DossierStatus.REFUSED)
        action = HandOverAction.REFUSED
    else:
        step = DossierStep.objects.active().filter(dossier=dossier).first()
        if step is None or not leads_step(actor, step):
            raise PermissionDenied(_("Only the leader of the current step can stop processing."))
        _move(dossier, DossierStatus.STOPPED)
        action = HandOverAction.STOPPED
        step.state, step.finished_at = StepState.DONE, _now()
        step.save(update_fields=["state", "finished_at"])
    dossier.closing_reason, dossier.closed_at, dossier.closed_by = reason, _now(), actor
    dossier.save()
    _record(dossier, action, actor=actor, note=reason)
    return dossier


@transaction.atomic
def withdraw_dossier(*, actor: User, dossier: Dossier, reason: str = "") -> Dossier:
    """The applicant withdraws the dossier (status 7); a one-stop officer records it for a
    counter dossier."""
    dossier = _locked(dossier)
    if dossier.channel == Channel.ONLINE:
        if dossier.applicant_id != actor.pk:
            raise PermissionDenied(_("Only the applicant can withdraw this dossier."))
    else:
        require_onestop_officer(actor, dossier.agency_id)
    reason = _clean_text(reason, "reason", 1000, required=False)
    _move(dossier, DossierStatus.WITHDRAWN)
    now = _now()
    dossier.closing_reason, dossier.closed_at, dossier.closed_by = reason, now, actor
    dossier.save()
    DossierStep.objects.active().filter(dossier=dossier).update(
        state=StepState.DONE, finished_at=now
    )
    _record(dossier, HandOverAction.WITHDRAWN, actor=actor, note=reason, at=now)
    return dossier
