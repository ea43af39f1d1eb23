"""The one access chokepoint of dossiers, and the rules of who may do what to a dossier now.

Each action has one rule, `why_not_<verb>(user, obj)`: None when the user may do it now, else
the refusal the service raises (PermissionDenied for the wrong person, ValidationError for the
wrong moment), with the message the user reads. `can_<verb>` is the same rule as a yes/no for
pages (which buttons to show), and `allowed_actions(user, dossier)` gathers the officer's
actions on a dossier page. The services raise the refusal with `enforce(...)`; input checks
(texts, files, dates) stay in the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.catalogue.constants import StepRole
from lienthong.core import workdays
from lienthong.documents.models import AttachmentVersion

from .constants import TRANSITIONS, Channel, DossierStatus, StepState, SupplementPhase
from .models import Apology, Consultation, Dossier, DossierStep, Rating, SupplementRequest
from .querysets import is_applicant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

Refusal = PermissionDenied | ValidationError
Rule = Callable[[User], Refusal | None]

# The statuses in which the steps are being worked on.
BEING_PROCESSED = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING})
CLOSED = frozenset({DossierStatus.RETURNED, DossierStatus.REFUSED, DossierStatus.STOPPED})


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


def electronic_result(dossier: Dossier) -> AttachmentVersion | None:
    """The electronic result the applicant gets: the file as sealed by the issuing agency, once
    the result is ready (status 9) or returned (10); never the unsigned upload."""
    if dossier.result_file_id is None or dossier.status not in {
        DossierStatus.DONE,
        DossierStatus.RETURNED,
    }:
        return None
    return (
        AttachmentVersion.objects.select_related("blob", "blob__verification")
        .filter(pk=dossier.result_file_id)
        .first()
    )


def signed_result(
    token: str, *, salt: str, max_age: int
) -> tuple[Dossier, AttachmentVersion] | None:
    """The dossier and the electronic result a signed link (`{"d": dossier, "v": version}`)
    offers without a log-in, or None when the link was tampered with or has expired, the
    dossier is gone, or the result is no longer the one the link offered (replaced, or the
    dossier no longer done or returned)."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        dossier = Dossier.objects.filter(pk=int(data["d"])).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    version = electronic_result(dossier) if dossier is not None else None
    if dossier is None or version is None or version.pk != data.get("v"):
        return None
    return dossier, version


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


# --- Rules: who may do what to a dossier now ---------------------------------------------------


def enforce(refusal: Refusal | None) -> None:
    """Raise the refusal a `why_not_*` rule gave, if any (the services' checks)."""
    if refusal is not None:
        raise refusal


def active_step(dossier: Dossier) -> DossierStep | None:
    """The dossier's step in progress (queued, being examined or awaiting approval)."""
    step = (
        DossierStep.objects.active()
        .filter(dossier=dossier)
        .select_related("unit", "agency")
        .first()
    )
    if step is not None:
        step.dossier = dossier
    return step


def _bad_move(dossier: Dossier, status: DossierStatus) -> ValidationError:
    """The words of the services' refused status moves."""
    return ValidationError(
        _("A dossier “%(status)s” cannot become “%(new)s”.")
        % {"status": dossier.get_status_display(), "new": status.label}
    )


def _cannot_become(dossier: Dossier, status: DossierStatus) -> Refusal | None:
    """The transition table's answer."""
    return None if status in TRANSITIONS[dossier.status] else _bad_move(dossier, status)


def _not_counter(user: User, dossier: Dossier) -> Refusal | None:
    if is_onestop_officer(user, dossier.agency_id):
        return None
    return PermissionDenied(_("Only a one-stop officer of the receiving agency can do this."))


def _not_processed(dossier: Dossier) -> Refusal | None:
    if dossier.status in BEING_PROCESSED:
        return None
    return ValidationError(_("This dossier is not being processed now."))


def at_counter_stage(dossier: Dossier) -> bool:
    """Not received yet: the counter may still refuse it (Mẫu 03)."""
    return (
        dossier.status in {DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED}
        and dossier.received_at is None
    )


def why_not_receive(user: User, dossier: Dossier) -> Refusal | None:
    """The counter receives a submitted dossier (its completeness is checked by the service)."""
    refusal = _not_counter(user, dossier)
    if refusal is not None:
        return refusal
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        return ValidationError(_("The applicant has not supplied the missing papers yet."))
    if dossier.status != DossierStatus.SUBMITTED:
        return _bad_move(dossier, DossierStatus.RECEIVED)
    return None


def supplement_phase(dossier: Dossier) -> SupplementPhase:
    return (
        SupplementPhase.RECEPTION
        if dossier.status == DossierStatus.SUBMITTED
        else SupplementPhase.PROCESSING
    )


def why_not_request_supplement(
    user: User, dossier: Dossier, *, now: datetime | None = None
) -> Refusal | None:
    """Papers asked for once at reception (the counter) and once during processing (the
    counter, or the leader or handler of the step in progress), then only within the rules'
    supplement days of reception."""
    if dossier.status == DossierStatus.SUBMITTED:
        if (refusal := _not_counter(user, dossier)) is not None:
            return refusal
    elif dossier.status in BEING_PROCESSED:
        step = active_step(dossier)
        if not (
            is_onestop_officer(user, dossier.agency_id)
            or (step is not None and (leads_step(user, step) or step.handler_id == user.pk))
        ):
            return PermissionDenied(
                _("Only the officers handling this dossier can ask for papers.")
            )
        assert dossier.clock_started_at is not None
        days = dossier.rules.supplement_days  # the rules in force when it was received
        if workdays.working_hours_between(dossier.clock_started_at, now or timezone.now()) > (
            days * workdays.HOURS_PER_DAY
        ):
            return ValidationError(
                _("Supplements can be asked for within %(days)s working days of reception only.")
                % {"days": days}
            )
    else:
        return ValidationError(_("Papers cannot be asked for at this stage."))
    if SupplementRequest.objects.filter(dossier=dossier, phase=supplement_phase(dossier)).exists():
        return ValidationError(_("The applicant has already been asked once for papers."))
    return None


def why_not_refuse(user: User, dossier: Dossier) -> Refusal | None:
    """The counter refuses a dossier it has not received (Mẫu 03)."""
    if not at_counter_stage(dossier):
        return _bad_move(dossier, DossierStatus.REFUSED)
    return _not_counter(user, dossier)


def why_not_stop(user: User, dossier: Dossier) -> Refusal | None:
    """The leader of the step in progress stops processing (ineligible)."""
    step = active_step(dossier)
    if step is None or not leads_step(user, step):
        return PermissionDenied(_("Only the leader of the current step can stop processing."))
    return _cannot_become(dossier, DossierStatus.STOPPED)


def why_not_change_papers(user: User, dossier: Dossier) -> Refusal | None:
    """Papers are added or removed by the applicant (on-line: in a draft or when asked for
    more) or by the counter (a paper dossier, before reception or when asked for more)."""
    if dossier.channel == Channel.ONLINE:
        if dossier.applicant_id != user.pk:
            return PermissionDenied(_("Only the applicant can change this dossier's papers."))
        allowed = {DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED}
    else:
        if (refusal := _not_counter(user, dossier)) is not None:
            return refusal
        allowed = {DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED}
    if dossier.status not in allowed:
        return ValidationError(_("The papers of this dossier cannot be changed now."))
    return None


def why_not_resubmit(user: User, dossier: Dossier) -> Refusal | None:
    """The papers asked for are sent back by whoever may change the papers."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return ValidationError(_("No papers are awaited for this dossier."))
    return why_not_change_papers(user, dossier)


def why_not_withdraw(user: User, dossier: Dossier) -> Refusal | None:
    """The applicant withdraws an on-line dossier; the counter records it for a paper one."""
    if dossier.channel == Channel.ONLINE:
        if dossier.applicant_id != user.pk:
            return PermissionDenied(_("Only the applicant can withdraw this dossier."))
    elif (refusal := _not_counter(user, dossier)) is not None:
        return refusal
    return _cannot_become(dossier, DossierStatus.WITHDRAWN)


def why_not_issue_result(user: User, dossier: Dossier) -> Refusal | None:
    """The competent agency's clerk issues the result once every processing step is done."""
    refusal = _not_processed(dossier)
    if refusal is not None:
        return refusal
    if not (user.agency_id == dossier.agency_id and user.has_role(Role.CLERK)):
        return PermissionDenied(_("The result is issued by the competent agency's clerk."))
    if (
        DossierStep.objects.filter(dossier=dossier)
        .exclude(role=StepRole.RESULT)
        .exclude(state=StepState.DONE)
        .exists()
    ):
        return ValidationError(_("The processing steps are not finished yet."))
    return None


def why_not_return_result(user: User, dossier: Dossier) -> Refusal | None:
    """The counter returns a ready result."""
    refusal = _not_counter(user, dossier)
    if refusal is not None:
        return refusal
    return _cannot_become(dossier, DossierStatus.RETURNED)


def on_route(user: User, dossier: Dossier) -> bool:
    """An official of the receiving agency or of an agency on the dossier's route."""
    return user.agency_id is not None and (
        user.agency_id == dossier.agency_id
        or dossier.steps.filter(agency_id=user.agency_id).exists()
    )


def why_not_add_note(user: User, dossier: Dossier) -> Refusal | None:
    """A note by an official who sees the dossier and works on its route, once submitted."""
    visible = Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists()
    if not (visible and on_route(user, dossier)):
        return PermissionDenied(_("Only the officials handling this dossier can write in it."))
    if dossier.status == DossierStatus.DRAFT:
        return ValidationError(_("This dossier has not been submitted."))
    return None


def why_not_apologise(user: User, dossier: Dossier) -> Refusal | None:
    """A leader of an agency on the route moves the appointment, once (Mẫu 04)."""
    refusal = _not_processed(dossier)
    if refusal is not None:
        return refusal
    agency_id = user.agency_id
    route = agency_id is not None and dossier.steps.filter(agency_id=agency_id).exists()
    if agency_id is None or not (user.has_role(Role.AGENCY_LEADER) and route):
        return PermissionDenied(
            _("Only a leader of an agency processing this dossier can do this.")
        )
    if Apology.objects.filter(dossier=dossier).exists():
        return ValidationError(_("The appointment has already been moved once."))
    return None


def why_not_rate(user: User, dossier: Dossier) -> Refusal | None:
    """The applicant rates the service once, when the dossier is closed."""
    if not is_applicant(user):
        return PermissionDenied(_("Only a citizen's or business's account can do this."))
    if dossier.applicant_id != user.pk:
        return PermissionDenied(_("Only the applicant can rate this dossier."))
    if dossier.status not in CLOSED:
        return ValidationError(_("A dossier is rated once it is closed."))
    if Rating.objects.filter(dossier=dossier).exists():
        return ValidationError(_("This dossier has already been rated."))
    return None


def fee_payable(dossier: Dossier) -> bool:
    """A level-4 procedure with a fee: the applicant pays on-line once the dossier has its
    code, until the fee is recorded."""
    return bool(
        dossier.procedure.needs_payment_online
        and dossier.channel == Channel.ONLINE
        and dossier.code
        and dossier.fee_paid_at is None
        and dossier.status
        not in {
            DossierStatus.DRAFT,
            DossierStatus.REFUSED,
            DossierStatus.WITHDRAWN,
            DossierStatus.STOPPED,
        }
    )


def why_not_pay_fee(user: User, dossier: Dossier) -> Refusal | None:
    if dossier.applicant_id != user.pk:
        return PermissionDenied(_("Only the applicant can pay this dossier's fee."))
    if not fee_payable(dossier):
        return ValidationError(_("There is no fee to pay on-line for this dossier."))
    return None


# --- Rules on a step in progress ---------------------------------------------------------------


def _not_leader(user: User, step: DossierStep) -> Refusal | None:
    if leads_step(user, step):
        return None
    return PermissionDenied(_("Only the leader of the unit in charge of this step can do this."))


def _not_handler(user: User, step: DossierStep) -> Refusal | None:
    if step.handler_id == user.pk:
        return None
    return PermissionDenied(_("Only the officer handling this step can do this."))


def why_not_assign(user: User, step: DossierStep) -> Refusal | None:
    """The step's leader gives it to a handler (or to another)."""
    refusal = _not_processed(step.dossier) or _not_leader(user, step)
    if refusal is not None:
        return refusal
    if step.state not in {StepState.QUEUED, StepState.ASSIGNED}:
        return ValidationError(_("This step cannot be assigned now."))
    return None


def why_not_consult(user: User, step: DossierStep) -> Refusal | None:
    """The handler asks another unit's opinion while examining the step."""
    refusal = _not_processed(step.dossier) or _not_handler(user, step)
    if refusal is not None:
        return refusal
    if step.state != StepState.ASSIGNED:
        return ValidationError(_("This step is not being examined."))
    return None


def why_not_propose(user: User, step: DossierStep) -> Refusal | None:
    """The handler submits the examination's result to the leader."""
    return why_not_consult(user, step)


def why_not_approve(user: User, step: DossierStep) -> Refusal | None:
    """The leader approves a proposal, or decides an approval step directly."""
    refusal = _not_processed(step.dossier) or _not_leader(user, step)
    if refusal is not None:
        return refusal
    if step.state == StepState.PROPOSED or (
        step.role == StepRole.APPROVAL and step.state in {StepState.QUEUED, StepState.ASSIGNED}
    ):
        return None
    return ValidationError(_("There is no proposal to approve on this step."))


def why_not_answer(user: User, consultation: Consultation) -> Refusal | None:
    """The unit asked gives its opinion, once."""
    if user.unit_id != consultation.unit_id:
        return PermissionDenied(_("Only the unit asked can answer."))
    if consultation.answered_at is not None:
        return ValidationError(_("This opinion has already been given."))
    return None


# --- The same rules as yes/no, for pages -------------------------------------------------------


def can_receive(user: User, dossier: Dossier) -> bool:
    return why_not_receive(user, dossier) is None


def can_request_supplement(user: User, dossier: Dossier) -> bool:
    return why_not_request_supplement(user, dossier) is None


def can_refuse(user: User, dossier: Dossier) -> bool:
    return why_not_refuse(user, dossier) is None


def can_stop(user: User, dossier: Dossier) -> bool:
    return why_not_stop(user, dossier) is None


def can_change_papers(user: User, dossier: Dossier) -> bool:
    return why_not_change_papers(user, dossier) is None


def can_resubmit(user: User, dossier: Dossier) -> bool:
    return why_not_resubmit(user, dossier) is None


def can_withdraw(user: User, dossier: Dossier) -> bool:
    return why_not_withdraw(user, dossier) is None


def can_issue_result(user: User, dossier: Dossier) -> bool:
    return why_not_issue_result(user, dossier) is None


def can_return_result(user: User, dossier: Dossier) -> bool:
    return why_not_return_result(user, dossier) is None


def can_add_note(user: User, dossier: Dossier) -> bool:
    return why_not_add_note(user, dossier) is None


def can_apologise(user: User, dossier: Dossier) -> bool:
    return why_not_apologise(user, dossier) is None


def can_rate(user: User, dossier: Dossier) -> bool:
    return why_not_rate(user, dossier) is None


def can_pay_fee(user: User, dossier: Dossier) -> bool:
    return why_not_pay_fee(user, dossier) is None


def can_assign(user: User, step: DossierStep) -> bool:
    return why_not_assign(user, step) is None


def can_consult(user: User, step: DossierStep) -> bool:
    return why_not_consult(user, step) is None


def can_propose(user: User, step: DossierStep) -> bool:
    return why_not_propose(user, step) is None


def can_approve(user: User, step: DossierStep) -> bool:
    return why_not_approve(user, step) is None


def can_answer(user: User, consultation: Consultation) -> bool:
    return why_not_answer(user, consultation) is None


# --- An officer's actions on a dossier page ----------------------------------------------------


def dossier_rules(dossier: Dossier, step: DossierStep | None) -> dict[str, Rule]:
    """The rule of each action of the officer's dossier page (`onestop:action` names), on the
    dossier and its step in progress `step`."""

    def on_step(rule: Callable[[User, DossierStep], Refusal | None]) -> Rule:
        def check(user: User) -> Refusal | None:
            if step is None:
                return ValidationError(_("This dossier has no step in progress."))
            return rule(user, step)

        return check

    def on_dossier(rule: Callable[[User, Dossier], Refusal | None]) -> Rule:
        return lambda user: rule(user, dossier)

    return {
        "receive": on_dossier(why_not_receive),
        "supplement": on_dossier(why_not_request_supplement),
        "refuse": on_dossier(why_not_refuse),
        "stop": on_dossier(why_not_stop),
        "withdraw": on_dossier(why_not_withdraw),
        "upload": on_dossier(why_not_change_papers),
        "resubmit": on_dossier(why_not_resubmit),
        "assign": on_step(why_not_assign),
        "consult": on_step(why_not_consult),
        "propose": on_step(why_not_propose),
        "approve": on_step(why_not_approve),
        "note": on_dossier(why_not_add_note),
        "apologise": on_dossier(why_not_apologise),
        "result": on_dossier(why_not_issue_result),
        "return": on_dossier(why_not_return_result),
    }


def allowed_actions(user: User, dossier: Dossier) -> frozenset[str]:
    """The actions of the officer's dossier page the user may take now."""
    rules = dossier_rules(dossier, active_step(dossier))
    return frozenset(name for name, rule in rules.items() if rule(user) is None)
