"""Reception at the counter (Mẫu 01): the appointment computed in working hours and the
dossier handed to its first processing step."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lienthong.accounts.models import User
from lienthong.catalogue.constants import StepRole
from lienthong.catalogue.models import OneStopRules

from ..constants import (
    DossierStatus,
    HandOverAction,
    Outcome,
    StepState,
)
from ..models import (
    Dossier,
    DossierStep,
)
from ..permissions import enforce, why_not_receive
from ._common import _advance, _locked, _move, _now, _record, _require_complete
from .appointments import schedule


@transaction.atomic
def receive_dossier(*, actor: User, dossier: Dossier) -> Dossier:
    """Complete: the counter receives it (Mẫu 01 with code and appointment), computes the
    appointment in working hours and hands it to the first processing step."""
    dossier = _locked(dossier)
    enforce(why_not_receive(actor, dossier))
    _require_complete(dossier)
    _move(dossier, DossierStatus.RECEIVED)
    now = _now()
    start, due, warn = schedule(now, dossier.procedure.processing_days)
    dossier.received_at, dossier.received_by = now, actor
    # The one-stop rules in force on the day of reception apply to the dossier for good.
    dossier.rules_version = OneStopRules.objects.in_force_on(timezone.localtime(now).date()).code
    dossier.clock_started_at, dossier.due_at, dossier.first_due_at = start, due, due
    dossier.warn_at = warn
    dossier.save()
    _record(dossier, HandOverAction.RECEIVED, actor=actor, at=now)
    steps = [
        DossierStep(
            dossier=dossier,
            order=s.order,
            name=s.name,
            agency_id=s.agency_id,
            unit_id=s.unit_id,
            role=s.role,
            days=s.days,
        )
        for s in dossier.procedure.steps.order_by("order")
    ]
    DossierStep.objects.bulk_create(steps)
    for step in DossierStep.objects.filter(dossier=dossier, role=StepRole.RECEPTION):
        step.state, step.started_at, step.finished_at = StepState.DONE, now, now
        step.handler, step.outcome = actor, Outcome.ON_TIME
        step.save()
    _advance(dossier, actor=actor, at=now)
    return dossier
