"""Processing through the steps at units and agencies (liên thông): the leader assigns,
the handler consults other units and proposes, the leader approves and the dossier moves on."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Unit, User
from lienthong.core import workdays
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from ..constants import (
    DossierStatus,
    HandOverAction,
    StepState,
)
from ..models import (
    Consultation,
    Dossier,
    DossierStep,
)
from ..permissions import (
    enforce,
    why_not_answer,
    why_not_approve,
    why_not_assign,
    why_not_consult,
    why_not_propose,
)
from ._common import (
    _advance,
    _clean_text,
    _dossier_url,
    _locked,
    _move,
    _now,
    _officers,
    _record,
    _step_leaders,
)
from .appointments import outcome_of


def _locked_step(step: DossierStep) -> tuple[DossierStep, Dossier]:
    dossier = _locked(step.dossier)
    step = (
        DossierStep.objects.select_for_update(of=("self",))
        .select_related("agency", "unit")
        .get(pk=step.pk)
    )
    step.dossier = dossier
    return step, dossier


@transaction.atomic
def assign_handler(*, actor: User, step: DossierStep, handler: User) -> DossierStep:
    """The unit's leader gives the step to a handler of the unit (or gives it to another)."""
    step, dossier = _locked_step(step)
    enforce(why_not_assign(actor, step))
    if (
        handler.agency_id != step.agency_id
        or not handler.is_active
        or (step.unit_id is not None and handler.unit_id != step.unit_id)
    ):
        raise ValidationError({"handler": _("The handler must work in the unit of this step.")})
    step.handler, step.state = handler, StepState.ASSIGNED
    step.save(update_fields=["handler", "state"])
    if dossier.status == DossierStatus.RECEIVED:
        _move(dossier, DossierStatus.PROCESSING)
        dossier.save()
    _record(
        dossier,
        HandOverAction.ASSIGNED,
        actor=actor,
        step=step,
        to_user=handler,
        to_unit=step.unit,
        to_agency=step.agency,
    )
    notify(
        recipients=[handler],
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Dossier %(code)s assigned to you") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return step


@transaction.atomic
def consult_unit(
    *, actor: User, step: DossierStep, unit: Unit, question: str, days: Decimal = Decimal(1)
) -> Consultation:
    """The handler asks another unit's opinion, with a deadline in working days."""
    step, dossier = _locked_step(step)
    enforce(why_not_consult(actor, step))
    question = _clean_text(question, "question", 2000)
    if unit.agency_id != step.agency_id or unit.pk == step.unit_id:
        raise ValidationError({"unit": _("Ask another unit of the same agency.")})
    if not Decimal("0.5") <= Decimal(days) <= 30:
        raise ValidationError({"days": _("Between half a day and 30 working days.")})
    now = _now()
    consultation = Consultation.objects.create(
        step=step,
        unit=unit,
        question=question,
        deadline_at=workdays.add_working_days_hours(now, days),
        asked_by=actor,
        asked_at=now,
    )
    _record(
        dossier,
        HandOverAction.CONSULTED,
        actor=actor,
        step=step,
        to_unit=unit,
        to_agency=step.agency,
        note=question,
        at=now,
    )
    notify(
        recipients=User.objects.filter(
            unit=unit, is_active=True, role_grants__role=Role.UNIT_LEADER
        ),
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("Opinion asked on dossier %(code)s") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return consultation


@transaction.atomic
def answer_consultation(*, actor: User, consultation: Consultation, answer: str) -> Consultation:
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("step")
        .get(pk=consultation.pk)
    )
    enforce(why_not_answer(actor, consultation))
    consultation.answer = _clean_text(answer, "answer", 4000)
    consultation.answered_by, consultation.answered_at = actor, _now()
    consultation.save()
    dossier = consultation.step.dossier
    _record(
        dossier,
        HandOverAction.ANSWERED,
        actor=actor,
        step=consultation.step,
        to_user=consultation.asked_by,
        note=consultation.answer,
    )
    notify(
        recipients=[consultation.asked_by_id],
        kind=NotificationKind.RETURNED,
        title=_("Opinion given on dossier %(code)s") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return consultation


@transaction.atomic
def propose(*, actor: User, step: DossierStep, text: str) -> DossierStep:
    """The handler submits the result of the examination to the leader."""
    step, dossier = _locked_step(step)
    enforce(why_not_propose(actor, step))
    step.proposal = _clean_text(text, "text", 4000)
    step.state = StepState.PROPOSED
    step.save(update_fields=["proposal", "state"])
    _record(dossier, HandOverAction.PROPOSED, actor=actor, step=step, note=step.proposal)
    notify(
        recipients=_step_leaders(step),
        kind=NotificationKind.DRAFT_AWAITING_REVIEW,
        title=_("Dossier %(code)s awaits your approval") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return step


@transaction.atomic
def approve_step(
    *, actor: User, step: DossierStep, note: str = "", to_applicant: bool = False
) -> DossierStep:
    """The leader approves the proposal (an approval step: the leader decides directly); the
    dossier goes on to the next step, possibly at another agency. The note stays internal
    unless `to_applicant` (then it is a message to the applicant)."""
    step, dossier = _locked_step(step)
    enforce(why_not_approve(actor, step))
    now = _now()
    step.state, step.finished_at = StepState.DONE, now
    if step.handler_id is None:
        step.handler = actor
    assert step.deadline_at is not None
    step.outcome = outcome_of(now, step.deadline_at)
    step.save()
    if dossier.status == DossierStatus.RECEIVED:
        _move(dossier, DossierStatus.PROCESSING)
        dossier.save()
    _record(
        dossier,
        HandOverAction.APPROVED,
        actor=actor,
        step=step,
        note=note[:2000],
        at=now,
        to_applicant=to_applicant,
    )
    nxt = _advance(dossier, actor=actor, at=now)
    if nxt is None:
        clerks = _officers(dossier.agency_id, Role.CLERK)
        notify(
            recipients=clerks,
            kind=NotificationKind.NEW_ASSIGNMENT,
            title=_("Dossier %(code)s: issue the result") % {"code": dossier.code},
            url=_dossier_url(dossier),
            actor=actor,
        )
    return step
