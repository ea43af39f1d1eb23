"""A dossier closed without a result: refused at the counter (Mẫu 03), stopped during
processing by the step's leader, or withdrawn."""

from __future__ import annotations

from django.db import transaction

from lienthong.accounts.models import User

from ..constants import (
    DossierStatus,
    HandOverAction,
    StepState,
)
from ..models import (
    Dossier,
    DossierStep,
)
from ..permissions import (
    active_step,
    at_counter_stage,
    enforce,
    why_not_refuse,
    why_not_stop,
    why_not_withdraw,
)
from ._common import _clean_text, _locked, _move, _now, _record


@transaction.atomic
def refuse_dossier(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """At the counter: Phiếu từ chối tiếp nhận (Mẫu 03). During processing, by the leader of
    the current step: processing stops (ineligible), with the reason."""
    dossier = _locked(dossier)
    reason = _clean_text(reason, "reason", 1000)
    if at_counter_stage(dossier):
        enforce(why_not_refuse(actor, dossier))
        _move(dossier, DossierStatus.REFUSED)
        action = HandOverAction.REFUSED
    else:
        enforce(why_not_stop(actor, dossier))
        step = active_step(dossier)
        assert step is not None  # the rule found it
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
    enforce(why_not_withdraw(actor, dossier))
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
