"""The appointment (hẹn trả): its computation, the outcome against it, the apology and new
date (Mẫu 04) and the late warning one working day before it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core import workdays
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from ..constants import (
    WARNING_HOURS,
    DossierStatus,
    HandOverAction,
    Outcome,
)
from ..models import (
    Apology,
    Dossier,
    DossierStep,
)
from ..permissions import enforce, why_not_apologise
from ._common import _clean_text, _dossier_url, _locked, _now, _officers, _record, _step_leaders


def schedule(received_at: datetime, days: Decimal) -> tuple[datetime, datetime, datetime]:
    """(clock start, appointment, warning moment) for a dossier received at `received_at`
    with `days` working days to settle it."""
    start = workdays.clock_start(received_at)
    due = workdays.add_working_days_hours(start, days)
    warn = max(start, workdays.subtract_working_hours(due, WARNING_HOURS))
    return start, due, warn


def outcome_of(finished_at: datetime, due_at: datetime) -> Outcome:
    """Trước hạn / đúng hạn / quá hạn: early when finished before the appointment day, on time
    on that day up to the appointed time, late after it."""
    if finished_at > due_at:
        return Outcome.LATE
    if timezone.localtime(finished_at).date() < timezone.localtime(due_at).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


@transaction.atomic
def apologise(*, actor: User, dossier: Dossier, reason: str, new_due_at: datetime) -> Apology:
    """Phiếu xin lỗi và hẹn lại (Mẫu 04): the leader of an agency on the route gives a new
    appointment, once."""
    dossier = _locked(dossier)
    enforce(why_not_apologise(actor, dossier))
    agency_id = actor.agency_id
    assert agency_id is not None  # a leader of an agency on the route
    reason = _clean_text(reason, "reason", 1000)
    assert dossier.due_at is not None
    if new_due_at <= dossier.due_at:
        raise ValidationError({"new_due_at": _("The new date must be after the current one.")})
    now = _now()
    apology = Apology.objects.create(
        dossier=dossier,
        reason=reason,
        old_due_at=dossier.due_at,
        new_due_at=new_due_at,
        agency_id=agency_id,
        signed_by=actor,
        created_at=now,
    )
    dossier.due_at = new_due_at
    dossier.warn_at = max(now, workdays.subtract_working_hours(new_due_at, WARNING_HOURS))
    dossier.warned_at = None
    dossier.save()
    _record(dossier, HandOverAction.APOLOGISED, actor=actor, note=reason, at=now)
    notify(
        recipients=_officers(dossier.agency_id, Role.ONESTOP_OFFICER),
        kind=NotificationKind.OVERDUE,
        title=_("Dossier %(code)s: new appointment") % {"code": dossier.code},
        url=_dossier_url(dossier),
        actor=actor,
    )
    return apology


def warn_due_soon(now: datetime | None = None) -> int:
    """One working day before the appointment, tell the officers in charge (the current step's
    handler and leaders, and the counter) once. Run every minute by the scheduler."""
    now = now or _now()
    warned = 0
    ids = list(
        Dossier.objects.filter(
            warn_at__lte=now,
            warned_at__isnull=True,
            status__in=[DossierStatus.RECEIVED, DossierStatus.PROCESSING],
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        with transaction.atomic():
            dossier = (
                Dossier.objects.select_for_update().filter(pk=pk, warned_at__isnull=True).first()
            )
            if dossier is None:
                continue
            dossier.warned_at = now
            dossier.save(update_fields=["warned_at"])
            recipients: list[Any] = list(_officers(dossier.agency_id, Role.ONESTOP_OFFICER))
            for step in DossierStep.objects.active().filter(dossier=dossier):
                recipients.append(step.handler_id)
                recipients += _step_leaders(step)
            assert dossier.due_at is not None
            _record(dossier, HandOverAction.WARNED, actor=None, at=now)
            notify(
                recipients=recipients,
                kind=NotificationKind.DUE_SOON,
                title=_("Dossier %(code)s is due %(due)s")
                % {
                    "code": dossier.code,
                    "due": timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
                },
                url=_dossier_url(dossier),
            )
            warned += 1
    return warned
