"""The use cases of tasks (nhiệm vụ): give, report progress, ask for and decide extensions,
report done, evaluate, cancel; each one transaction, checked by the permissions' rules, written
to the task's timeline and to the audit chain. Reminders: `reminders.py`; the national system:
`national.py`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.audit import record_event
from lienthong.core.workdays import add_working_days, working_days_between
from lienthong.documents.constants import Direction
from lienthong.documents.models import Document
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from .constants import (
    ALLOWED_TRANSITIONS,
    MAX_TEXT,
    MAX_WORKING_DAYS,
    DeadlineKind,
    EntryKind,
    ExtensionState,
    Rating,
    SourceKind,
    TaskState,
)
from .models import ExtensionRequest, Task, TaskEntry
from .permissions import can_give, pending_extension, require_giver, require_owner

NOTICE_KIND = "TB"  # the abbreviation of a “Thông báo” (a meeting's conclusion notice)


# --- helpers ------------------------------------------------------------------------------------


def _text(value: str, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": limit}})
    return value


def _transition(task: Task, new_state: TaskState) -> None:
    if new_state not in ALLOWED_TRANSITIONS[task.state]:
        raise ValidationError(
            _("This task is “%(state)s” and cannot become “%(new)s”.")
            % {"state": TaskState(task.state).label, "new": TaskState(new_state).label}
        )
    task.state = new_state


def _locked(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("agency", "giver", "owner_agency", "owner_unit", "owner_user")
        .get(pk=task.pk)
    )


def _entry(
    task: Task,
    kind: EntryKind,
    *,
    actor: User | None,
    at: datetime,
    text: str = "",
    progress: int | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> TaskEntry:
    return TaskEntry.objects.create(
        task=task,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        at=at,
        text=text,
        progress=progress,
        data=data or {},
    )


def owner_recipients(task: Task) -> list[User]:
    """Who is told about a task in charge: the person, else the unit's leaders, else the
    agency's leaders."""
    if task.owner_user_id is not None:
        assert task.owner_user is not None
        return [task.owner_user]
    users = User.objects.filter(agency_id=task.owner_agency_id, is_active=True)
    if task.owner_unit_id is not None:
        users = users.filter(unit_id=task.owner_unit_id, role_grants__role=Role.UNIT_LEADER)
    else:
        users = users.filter(role_grants__role=Role.AGENCY_LEADER)
    return list(users.distinct())


def giver_recipients(task: Task) -> list[User]:
    return [task.giver] if task.giver is not None else []


def _notify(
    recipients: Sequence[User], kind: NotificationKind, title: str, task: Task, actor: Any
) -> None:
    if recipients:
        notification_services.notify(
            recipients=recipients,
            kind=kind,
            title=title % {"task": str(task)},
            url=task.get_absolute_url(),
            actor=actor,
        )


def resolve_deadline(
    *, deadline: date | None, working_days: int | None, start: date
) -> tuple[DeadlineKind, date, int | None]:
    """A deadline given as a date, or as N working days after `start` (the working-day calendar
    skips weekends, Tết and the other public holidays, and the administrators' overrides)."""
    if (deadline is None) == (working_days is None):
        raise ValidationError(
            {"deadline": _("Give the deadline as a date or as a number of working days.")}
        )
    if working_days is not None:
        if not 1 <= working_days <= MAX_WORKING_DAYS:
            raise ValidationError(
                {
                    "working_days": _("Between 1 and %(max)s working days.")
                    % {"max": MAX_WORKING_DAYS}
                }
            )
        return DeadlineKind.WORKING_DAYS, add_working_days(start, working_days), working_days
    assert deadline is not None
    if deadline < start:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    return DeadlineKind.DATE, deadline, None


def source_kind_of(document: Document) -> SourceKind:
    """An outgoing notice (a meeting's conclusion) or any other document's instruction."""
    if (
        document.direction == Direction.OUTGOING
        and document.document_type.abbreviation == NOTICE_KIND
    ):
        return SourceKind.CONCLUSION
    return SourceKind.DOCUMENT


def _check_owner(
    actor: User,
    *,
    owner_agency: Agency,
    owner_unit: Unit | None,
    owner_user: User | None,
) -> None:
    if not owner_agency.is_active:
        raise ValidationError({"owner_agency": _("This agency is not active.")})
    if owner_unit is not None and (
        owner_unit.agency_id != owner_agency.pk or not owner_unit.is_active
    ):
        raise ValidationError({"owner_unit": _("Choose an active unit of the agency in charge.")})
    if owner_user is not None:
        if owner_user.agency_id != owner_agency.pk or not owner_user.is_active:
            raise ValidationError(
                {"owner_user": _("Choose an active official of the agency in charge.")}
            )
        if owner_unit is not None and owner_user.unit_id != owner_unit.pk:
            raise ValidationError({"owner_user": _("This person is not in the unit in charge.")})
    if actor.has_role(Role.AGENCY_LEADER):
        return
    # A unit's leader gives tasks to the unit's people only.
    if owner_agency.pk != actor.agency_id or (
        (owner_unit is None or owner_unit.pk != actor.unit_id)
        and (owner_user is None or owner_user.unit_id != actor.unit_id)
    ):
        raise ValidationError(
            {"owner_unit": _("A unit's leader gives tasks to the unit and its people only.")}
        )


# --- use cases ----------------------------------------------------------------------------------


@transaction.atomic
def give_task(
    *,
    actor: User,
    title: str,
    owner_agency: Agency,
    owner_unit: Unit | None = None,
    owner_user: User | None = None,
    description: str = "",
    supporting_agencies: Iterable[Agency] = (),
    supporting_units: Iterable[Unit] = (),
    source_document: Document | None = None,
    source_label: str = "",
    deadline: date | None = None,
    working_days: int | None = None,
) -> Task:
    """A leader gives a task to an agency, a unit or a person, with a deadline."""
    if not can_give(actor):
        raise PermissionDenied(_("Only leaders give tasks."))
    now = timezone.now()
    today = timezone.localdate(now)
    title = _text(title, "title", required=True, limit=500)
    description = _text(description, "description", required=False)
    source_label = _text(source_label, "source_label", required=False, limit=300)
    _check_owner(actor, owner_agency=owner_agency, owner_unit=owner_unit, owner_user=owner_user)
    supporting_agencies = [a for a in supporting_agencies if a.pk != owner_agency.pk]
    supporting_units = [u for u in supporting_units if u.pk != getattr(owner_unit, "pk", None)]
    if any(not a.is_active for a in supporting_agencies):
        raise ValidationError({"supporting_agencies": _("This agency is not active.")})
    allowed_agencies = {actor.agency_id, owner_agency.pk}
    if any(u.agency_id not in allowed_agencies or not u.is_active for u in supporting_units):
        raise ValidationError(
            {
                "supporting_units": _(
                    "Supporting units are active units of your agency or of the agency in charge."
                )
            }
        )
    source_kind = SourceKind.DIRECT
    if source_document is not None:
        if not Document.objects.visible_to(actor).filter(pk=source_document.pk).exists():
            raise ValidationError({"source_document": _("You cannot see this document.")})
        source_kind = source_kind_of(source_document)
    kind, due, days = resolve_deadline(deadline=deadline, working_days=working_days, start=today)
    assert actor.agency is not None
    task = Task.objects.create(
        agency=actor.agency,
        title=title,
        description=description,
        giver=actor,
        owner_agency=owner_agency,
        owner_unit=owner_unit,
        owner_user=owner_user,
        source_kind=source_kind,
        source_document=source_document,
        source_label=source_label,
        deadline_kind=kind,
        start_date=today,
        working_days=days,
        deadline=due,
        original_deadline=due,
        given_at=now,
    )
    task.supporting_agencies.set(supporting_agencies)
    task.supporting_units.set(supporting_units)
    _entry(
        task,
        EntryKind.GIVEN,
        actor=actor,
        at=now,
        text=description,
        data={"deadline": due.isoformat()},
    )
    record_event(
        action="task.given",
        actor=actor,
        obj=task,
        data={
            "owner_agency": owner_agency.pk,
            "owner_unit": getattr(owner_unit, "pk", None),
            "owner_user": getattr(owner_user, "pk", None),
            "deadline": due.isoformat(),
            "deadline_kind": kind,
            "source_document": getattr(source_document, "pk", None),
        },
    )
    _notify(
        owner_recipients(task),
        NotificationKind.NEW_ASSIGNMENT,
        _("New task: %(task)s"),
        task,
        actor,
    )
    return task


@transaction.atomic
def report_progress(*, actor: User, task: Task, progress: int, note: str) -> TaskEntry:
    """The owner reports how far the task has come (báo cáo tiến độ)."""
    task = _locked(task)
    require_owner(actor, task)
    if task.state != TaskState.IN_PROGRESS:
        raise ValidationError(_("Only a task in progress takes progress reports."))
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError({"progress": _("A percentage between 0 and 100.")})
    note = _text(note, "note", required=True)
    now = timezone.now()
    task.progress = progress
    task.save(update_fields=["progress"])
    entry = _entry(task, EntryKind.PROGRESS, actor=actor, at=now, text=note, progress=progress)
    record_event(
        action="task.progress_reported", actor=actor, obj=task, data={"progress": progress}
    )
    _queue_national_report(task, entry)
    return entry


@transaction.atomic
def request_extension(
    *,
    actor: User,
    task: Task,
    reason: str,
    requested_deadline: date | None = None,
    extra_working_days: int | None = None,
) -> ExtensionRequest:
    """The owner asks the giver for a later deadline (a date, or for a task given in working
    days, a number of further working days)."""
    task = _locked(task)
    require_owner(actor, task)
    if task.state != TaskState.IN_PROGRESS or task.giver_id is None:
        raise ValidationError(_("An extension is asked for a task in progress given here."))
    if pending_extension(task) is not None:
        raise ValidationError(_("An extension request already awaits the giver's decision."))
    reason = _text(reason, "reason", required=True)
    if (requested_deadline is None) == (extra_working_days is None):
        raise ValidationError(
            {"requested_deadline": _("Give the new deadline as a date or as working days.")}
        )
    if extra_working_days is not None:
        if not 1 <= extra_working_days <= MAX_WORKING_DAYS:
            raise ValidationError(
                {
                    "extra_working_days": _("Between 1 and %(max)s working days.")
                    % {"max": MAX_WORKING_DAYS}
                }
            )
        requested_deadline = add_working_days(task.deadline, extra_working_days)
    assert requested_deadline is not None
    if requested_deadline <= task.deadline:
        raise ValidationError(
            {"requested_deadline": _("The new deadline must be later than the current one.")}
        )
    now = timezone.now()
    request = ExtensionRequest.objects.create(
        task=task,
        requested_by=actor,
        requested_at=now,
        reason=reason,
        requested_deadline=requested_deadline,
        previous_deadline=task.deadline,
    )
    _entry(
        task,
        EntryKind.EXTENSION_REQUESTED,
        actor=actor,
        at=now,
        text=reason,
        data={"requested_deadline": requested_deadline.isoformat(), "extension": request.pk},
    )
    record_event(
        action="task.extension_requested",
        actor=actor,
        obj=task,
        data={"extension": request.pk, "requested_deadline": requested_deadline.isoformat()},
    )
    _notify(
        giver_recipients(task),
        NotificationKind.NEW_ASSIGNMENT,
        _("Extension asked for: %(task)s"),
        task,
        actor,
    )
    return request


@transaction.atomic
def decide_extension(
    *,
    actor: User,
    task: Task,
    approve: bool,
    note: str = "",
    granted_deadline: date | None = None,
) -> ExtensionRequest:
    """The giver approves (the deadline asked for, or another later one) or refuses; the old
    deadline stays on the request, the timeline and the audit chain."""
    task = _locked(task)
    require_giver(actor, task)
    request = pending_extension(task)
    if request is None or task.state != TaskState.IN_PROGRESS:
        raise ValidationError(_("No extension request awaits a decision."))
    note = _text(note, "note", required=not approve)
    now = timezone.now()
    request.decided_by, request.decided_at, request.decision_note = actor, now, note
    if approve:
        new = granted_deadline or request.requested_deadline
        if new <= task.deadline:
            raise ValidationError(
                {"granted_deadline": _("The new deadline must be later than the current one.")}
            )
        request.state, request.granted_deadline = ExtensionState.APPROVED, new
        old = task.deadline
        task.deadline = new
        fields = ["deadline"]
        if task.deadline_kind == DeadlineKind.WORKING_DAYS:
            task.working_days = working_days_between(task.start_date, new)
            fields.append("working_days")
        task.save(update_fields=fields)
        kind = EntryKind.EXTENSION_APPROVED
        data = {
            "extension": request.pk,
            "old_deadline": old.isoformat(),
            "new_deadline": new.isoformat(),
        }
        title = _("Extension approved: %(task)s")
    else:
        request.state = ExtensionState.REFUSED
        kind = EntryKind.EXTENSION_REFUSED
        data = {"extension": request.pk, "deadline": task.deadline.isoformat()}
        title = _("Extension refused: %(task)s")
    request.save(
        update_fields=["state", "granted_deadline", "decided_by", "decided_at", "decision_note"]
    )
    _entry(task, kind, actor=actor, at=now, text=note, data=data)
    if approve:
        record_event(action="task.extension_approved", actor=actor, obj=task, data=data)
    else:
        record_event(action="task.extension_refused", actor=actor, obj=task, data=data)
    _notify([request.requested_by], NotificationKind.RETURNED, title, task, actor)
    return request


@transaction.atomic
def complete_task(
    *, actor: User, task: Task, report: str, reply_document: Document | None = None
) -> Task:
    """The owner reports the task done, with a report and optionally the reply document."""
    task = _locked(task)
    require_owner(actor, task)
    report = _text(report, "report", required=True)
    if reply_document is not None and not (
        Document.objects.visible_to(actor).filter(pk=reply_document.pk).exists()
    ):
        raise ValidationError({"reply_document": _("You cannot see this document.")})
    _transition(task, TaskState.COMPLETED)
    now = timezone.now()
    task.completed_at, task.completed_on = now, timezone.localdate(now)
    task.completion_report, task.reply_document = report, reply_document
    task.progress = 100
    if task.giver_id is None:  # a national task: evaluated by the Government Office, not here
        task.state = TaskState.EVALUATED
    task.save(
        update_fields=[
            "state",
            "completed_at",
            "completed_on",
            "completion_report",
            "reply_document",
            "progress",
        ]
    )
    data = {
        "reply_document": getattr(reply_document, "pk", None),
        "late": task.completed_on > task.deadline,
    }
    entry = _entry(
        task, EntryKind.COMPLETED, actor=actor, at=now, text=report, progress=100, data=data
    )
    record_event(action="task.completed", actor=actor, obj=task, data=data)
    _notify(
        giver_recipients(task),
        NotificationKind.ASSIGNMENT_COMPLETED,
        _("Task reported done: %(task)s"),
        task,
        actor,
    )
    _queue_national_report(task, entry)
    return task


@transaction.atomic
def evaluate_task(
    *, actor: User, task: Task, accepted: bool, rating: str = "", remarks: str = ""
) -> Task:
    """The giver evaluates a task reported done (đánh giá), or sends it back to work."""
    task = _locked(task)
    require_giver(actor, task)
    remarks = _text(remarks, "remarks", required=not accepted)
    now = timezone.now()
    if accepted:
        if rating not in Rating.values:
            raise ValidationError({"rating": _("Choose an evaluation.")})
        _transition(task, TaskState.EVALUATED)
        task.rating, task.evaluation, task.evaluated_at = rating, remarks, now
        task.save(update_fields=["state", "rating", "evaluation", "evaluated_at"])
        _entry(
            task, EntryKind.EVALUATED, actor=actor, at=now, text=remarks, data={"rating": rating}
        )
        record_event(action="task.evaluated", actor=actor, obj=task, data={"rating": rating})
    else:
        _transition(task, TaskState.IN_PROGRESS)
        task.completed_at = task.completed_on = None
        task.save(update_fields=["state", "completed_at", "completed_on"])
        _entry(task, EntryKind.REOPENED, actor=actor, at=now, text=remarks)
        record_event(action="task.reopened", actor=actor, obj=task, data={})
        _notify(
            owner_recipients(task),
            NotificationKind.RETURNED,
            _("Completion not accepted: %(task)s"),
            task,
            actor,
        )
    return task


@transaction.atomic
def cancel_task(*, actor: User, task: Task, reason: str) -> Task:
    """The giver withdraws a task no longer needed."""
    task = _locked(task)
    require_giver(actor, task)
    reason = _text(reason, "reason", required=True)
    _transition(task, TaskState.CANCELLED)
    task.save(update_fields=["state"])
    now = timezone.now()
    _entry(task, EntryKind.CANCELLED, actor=actor, at=now, text=reason)
    record_event(action="task.cancelled", actor=actor, obj=task, data={})
    _notify(
        owner_recipients(task),
        NotificationKind.RETURNED,
        _("Task cancelled: %(task)s"),
        task,
        actor,
    )
    return task


def _queue_national_report(task: Task, entry: TaskEntry) -> None:
    """A task received from the national system reports its progress back (a job, enqueued in
    this transaction)."""
    if task.national_id:
        from .jobs import report_to_national_system  # noqa: PLC0415 - jobs import services

        report_to_national_system.enqueue(entry.pk)


__all__ = [
    "cancel_task",
    "complete_task",
    "decide_extension",
    "evaluate_task",
    "give_task",
    "report_progress",
    "request_extension",
    "resolve_deadline",
]
