"""State-changing use cases of the quality system: planning and closing internal audits,
findings keyed to the standard's clauses, corrective (and, under ISO 9001:2008, preventive)
actions with their owner, deadline and verification of effectiveness, management reviews."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event

from .constants import ActionKind, ActionStatus, AuditStatus, FindingKind
from .models import (
    Action,
    Audit,
    ChecklistItem,
    Clause,
    Finding,
    ManagementReview,
    QualitySystem,
)
from .permissions import can_complete, can_read, require_can_keep
from .reviews import compute_inputs


def _check_clause(system: QualitySystem, clause: Clause | None) -> None:
    if clause is None or clause.version_id != system.version_id:
        raise ValidationError(
            {"clause": [_("Choose a clause of %(version)s.") % {"version": system.version}]}
        )


@transaction.atomic
def plan_audit(
    *,
    actor: User,
    system: QualitySystem,
    title: str,
    planned_on: date,
    scope: str,
    checklist: Iterable[tuple[Clause, str]] = (),
) -> Audit:
    require_can_keep(actor, system)
    if not title.strip() or not scope.strip():
        raise ValidationError(_("Give the audit's title and what it covers."))
    audit = Audit.objects.create(
        system=system,
        title=title.strip()[:200],
        planned_on=planned_on,
        scope=scope.strip()[:500],
        lead_auditor=actor,
    )
    for clause, question in checklist:
        _check_clause(system, clause)
        ChecklistItem.objects.create(audit=audit, clause=clause, question=question.strip()[:500])
    record_event(action="quality.audit_planned", actor=actor, obj=audit, data={"title": title})
    return audit


@transaction.atomic
def record_finding(
    *,
    actor: User,
    audit: Audit,
    clause: Clause | None,
    kind: str,
    description: str,
    found_on: date | None = None,
) -> Finding:
    """The auditor records a nonconformity or an observation against a clause; the audit is
    done (on `found_on`, today by default) once it has a finding."""
    audit = (
        Audit.objects.select_for_update(of=("self",))
        .select_related("system__version")
        .get(pk=audit.pk)
    )
    require_can_keep(actor, audit.system)
    _check_clause(audit.system, clause)
    assert clause is not None
    if kind not in FindingKind.values:
        raise ValidationError({"kind": [_("Choose nonconformity or observation.")]})
    if not description.strip():
        raise ValidationError({"description": [_("Describe what was found.")]})
    finding = Finding.objects.create(
        audit=audit, clause=clause, kind=kind, description=description.strip(), recorded_by=actor
    )
    if audit.status == AuditStatus.PLANNED:
        audit.status = AuditStatus.DONE
        audit.done_on = found_on or timezone.localdate()
        audit.save(update_fields=["status", "done_on", "updated_at"])
    record_event(
        action="quality.finding_recorded",
        actor=actor,
        obj=finding,
        data={"kind": kind, "clause": clause.number, "audit": audit.pk},
    )
    return finding


@transaction.atomic
def open_action(
    *,
    actor: User,
    finding: Finding,
    kind: str,
    description: str,
    owner: User | None,
    deadline: date | None,
) -> Action:
    system = finding.audit.system
    require_can_keep(actor, system)
    errors: dict[str, list[str]] = {}
    if kind not in ActionKind.values:
        errors["kind"] = [_("Choose the kind of action.")]
    elif kind == ActionKind.PREVENTIVE and not system.version.preventive_action:
        errors["kind"] = [
            _("%(version)s has no preventive action: address risks instead (clause 6.1).")
            % {"version": system.version}
        ]
    if not description.strip():
        errors["description"] = [_("Describe the action.")]
    if owner is None or owner.agency_id != system.agency_id or not owner.is_active:
        errors["owner"] = [_("Choose an active official of your agency.")]
    if deadline is None or deadline < finding.audit.planned_on:
        errors["deadline"] = [_("The deadline cannot be before the audit.")]
    if errors:
        raise ValidationError(errors)
    assert owner is not None and deadline is not None
    action = Action.objects.create(
        finding=finding, kind=kind, description=description.strip(), owner=owner, deadline=deadline
    )
    record_event(
        action="quality.action_opened",
        actor=actor,
        obj=action,
        data={"kind": kind, "owner": owner.username, "deadline": deadline.isoformat()},
    )
    return action


@transaction.atomic
def complete_action(*, actor: User, action: Action, note: str) -> Action:
    """The owner reports the action done; the quality officer then verifies it."""
    action = Action.objects.select_for_update(of=("self",)).get(pk=action.pk)
    if not can_complete(actor, action):
        raise PermissionDenied(_("Only the action's owner reports it done."))
    if action.status not in (ActionStatus.OPEN, ActionStatus.REOPENED):
        raise ValidationError(_("This action is not open."))
    if not note.strip():
        raise ValidationError({"note": [_("Say what was done.")]})
    action.status = ActionStatus.DONE
    action.done_at = timezone.now()
    action.done_note = note.strip()
    action.save(update_fields=["status", "done_at", "done_note", "updated_at"])
    record_event(action="quality.action_done", actor=actor, obj=action, data={})
    return action


@transaction.atomic
def verify_action(*, actor: User, action: Action, effective: bool, note: str) -> Action:
    """The quality officer verifies effectiveness: closed, or reopened for another try."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("finding__audit__system")
        .get(pk=action.pk)
    )
    require_can_keep(actor, action.finding.audit.system)
    if action.status != ActionStatus.DONE:
        raise ValidationError(_("Only an action reported done can be verified."))
    if not note.strip():
        raise ValidationError({"note": [_("Record how effectiveness was verified.")]})
    action.status = ActionStatus.CLOSED if effective else ActionStatus.REOPENED
    action.verified_by = actor
    action.verified_at = timezone.now()
    action.verification_note = note.strip()
    action.save(
        update_fields=["status", "verified_by", "verified_at", "verification_note", "updated_at"]
    )
    record_event(
        action="quality.action_verified", actor=actor, obj=action, data={"effective": effective}
    )
    return action


@transaction.atomic
def record_review(
    *,
    actor: User,
    system: QualitySystem,
    held_on: date,
    period_start: date,
    period_end: date,
    decisions: str,
) -> ManagementReview:
    """Record a management review: its inputs are computed now and kept with it."""
    if not can_read(actor, system):
        raise PermissionDenied(_("Only the agency's leaders and quality officer record reviews."))
    if period_end < period_start:
        raise ValidationError({"period_end": [_("The period cannot end before it starts.")]})
    if not decisions.strip():
        raise ValidationError({"decisions": [_("Record the review's decisions.")]})
    review = ManagementReview.objects.create(
        system=system,
        held_on=held_on,
        period_start=period_start,
        period_end=period_end,
        chair=actor,
        inputs=compute_inputs(system, period_start, period_end),
        decisions=decisions.strip(),
    )
    record_event(
        action="quality.review_recorded",
        actor=actor,
        obj=review,
        data={"period": [period_start.isoformat(), period_end.isoformat()]},
    )
    return review
