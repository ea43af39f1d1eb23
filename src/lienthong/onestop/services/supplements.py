"""Supplements (Mẫu 02): papers asked for once at reception and once during processing;
the clock stops until the applicant supplies them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core import workdays
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from ..constants import (
    DossierStatus,
    HandOverAction,
    SupplementPhase,
)
from ..models import (
    Dossier,
    DossierStep,
    SupplementRequest,
)
from ..permissions import enforce, supplement_phase, why_not_request_supplement, why_not_resubmit
from ._common import (
    _clean_text,
    _dossier_url,
    _locked,
    _move,
    _now,
    _officers,
    _record,
    _require_complete,
)
from .appointments import schedule


@transaction.atomic
def request_supplement(
    *, actor: User, dossier: Dossier, items: str, reason: str = ""
) -> SupplementRequest:
    """Phiếu yêu cầu bổ sung (Mẫu 02), once at reception and once during processing (then
    within 3 working days of reception). The clock stops until the applicant supplies all."""
    dossier = _locked(dossier)
    items = _clean_text(items, "items", 4000)
    reason = _clean_text(reason, "reason", 1000, required=False)
    now = _now()
    enforce(why_not_request_supplement(actor, dossier, now=now))
    phase = supplement_phase(dossier)
    _move(dossier, DossierStatus.SUPPLEMENT_REQUESTED)
    dossier.save()
    request = SupplementRequest.objects.create(
        dossier=dossier,
        phase=phase,
        items=items,
        reason=reason,
        requested_by=actor,
        requested_at=now,
    )
    _record(dossier, HandOverAction.SUPPLEMENT_REQUESTED, actor=actor, note=items, at=now)
    return request


@transaction.atomic
def resubmit_dossier(*, actor: User, dossier: Dossier) -> Dossier:
    """The missing papers are supplied: back to the counter (reception phase), or back to
    processing with the time counted again from the complete resubmission (Decree 61/2018
    Art. 19)."""
    dossier = _locked(dossier)
    enforce(why_not_resubmit(actor, dossier))
    request = dossier.supplements.filter(fulfilled_at__isnull=True).get()
    if not request.components.exists():
        raise ValidationError({"components": _("Attach the papers asked for first.")})
    _require_complete(dossier)
    now = _now()
    request.fulfilled_at = now
    request.save(update_fields=["fulfilled_at"])
    if request.phase == SupplementPhase.RECEPTION:
        _move(dossier, DossierStatus.SUBMITTED)
        dossier.save()
        _record(dossier, HandOverAction.RESUBMITTED, actor=actor, at=now)
        notify(
            recipients=_officers(dossier.agency_id, Role.ONESTOP_OFFICER),
            kind=NotificationKind.NEW_ASSIGNMENT,
            title=_("Dossier %(code)s: papers supplied") % {"code": dossier.code},
            url=_dossier_url(dossier),
            actor=actor,
        )
        return dossier
    step = DossierStep.objects.active().filter(dossier=dossier).first()
    has_handler = step is not None and step.handler_id is not None
    _move(dossier, DossierStatus.PROCESSING if has_handler else DossierStatus.RECEIVED)
    start, due, warn = schedule(now, dossier.procedure.processing_days)
    dossier.clock_started_at, dossier.due_at, dossier.warn_at = start, due, warn
    dossier.first_due_at, dossier.warned_at = due, None
    dossier.save()
    if step is not None:
        step.started_at = now
        step.deadline_at = workdays.add_working_days_hours(start, step.days)
        step.save(update_fields=["started_at", "deadline_at"])
    _record(dossier, HandOverAction.RESUBMITTED, actor=actor, step=step, at=now)
    if step is not None:
        notify(
            recipients=[u for u in [step.handler] if u is not None],
            kind=NotificationKind.RETURNED,
            title=_("Dossier %(code)s: papers supplied") % {"code": dossier.code},
            url=_dossier_url(dossier),
            actor=actor,
        )
    return dossier
