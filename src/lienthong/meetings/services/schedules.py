"""Weekly work schedules: drafted by the office, submitted, approved (and so published) by the
chief of office or the agency's leader; a change after publication is marked and notified."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from ..constants import ScheduleState
from ..models import Schedule, ScheduleEntry
from ..permissions import can_approve_schedule, can_edit_schedule, can_keep_schedule, require

ENTRY_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "chair",
    "chair_name",
    "participants",
    "preparing_unit",
    "content",
)


def week_start_of(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def _lock(schedule: Schedule) -> Schedule:
    return (
        Schedule.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=schedule.pk)
    )


@transaction.atomic
def create_schedule(*, actor: User, week_start: date) -> Schedule:
    """Start the schedule of the actor's agency for the week starting on a Monday."""
    require(can_keep_schedule(actor), _("Only the agency's schedule officer keeps schedules."))
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": [_("A week starts on a Monday.")]})
    agency_id = actor.agency_id
    assert agency_id is not None  # can_keep_schedule
    if Schedule.objects.filter(agency_id=agency_id, week_start=week_start).exists():
        raise ValidationError(
            {"week_start": [_("The schedule of this week already exists.")]}, code="exists"
        )
    schedule = Schedule.objects.create(
        agency_id=agency_id, week_start=week_start, office_unit=actor.unit, created_by=actor
    )
    record_event(action="meetings.schedule_created", actor=actor, obj=schedule)
    return schedule


def _clean_entry(schedule: Schedule, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, datetime) or not isinstance(ends, datetime):
        errors["starts_at"] = [_("Give when the entry starts and ends.")]
    elif ends <= starts:
        errors["ends_at"] = [_("The end must come after the start.")]
    else:
        day = timezone.localtime(starts).date()
        if not schedule.week_start <= day <= schedule.week_start + timedelta(days=6):
            errors["starts_at"] = [
                _("The entry must fall in the week of %(start)s to %(end)s.")
                % {
                    "start": schedule.week_start.strftime("%d/%m/%Y"),
                    "end": (schedule.week_start + timedelta(days=6)).strftime("%d/%m/%Y"),
                }
            ]
    chair = values.get("chair")
    if chair is not None and chair.agency_id != schedule.agency_id:
        errors["chair"] = [_("The chair is an official of the agency.")]
    if not values.get("chair_name") and chair is not None:
        values["chair_name"] = chair.full_name
    for name, label, limit in (
        ("place", _("The place"), 300),
        ("chair_name", _("Who chairs"), 200),
        ("content", _("The content"), 2000),
    ):
        text = str(values.get(name) or "").strip()
        if not text:
            errors[name] = [_("%(what)s is required.") % {"what": label}]
        elif len(text) > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
        values[name] = text
    for name in ("participants", "preparing_unit"):
        values[name] = str(values.get(name) or "").strip()
        if len(values[name]) > 2000:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": 2000}]
    if errors:
        raise ValidationError(errors)
    return values


def _changed_after_publication(
    schedule: Schedule, entry: ScheduleEntry, *, actor: User, what: str
) -> None:
    """Mark the entry, raise the schedule's revision, tell the people concerned."""
    entry.changed_after_publication = True
    entry.save(update_fields=["changed_after_publication", "updated_at"])
    schedule.revision += 1
    schedule.save(update_fields=["revision", "updated_at"])
    leaders = User.objects.filter(
        agency_id=schedule.agency_id, is_active=True, role_grants__role=Role.AGENCY_LEADER
    )
    recipients = {user.pk for user in leaders}
    if entry.chair_id:
        recipients.add(entry.chair_id)
    if entry.meeting is not None:
        recipients.update(
            entry.meeting.participants.filter(user__isnull=False).values_list("user_id", flat=True)
        )
    notify(
        recipients=recipients,
        kind=NotificationKind.DUE_SOON,
        title=_("The work schedule of %(week)s changed: %(what)s")
        % {"week": schedule.week_start.strftime("%d/%m/%Y"), "what": what},
        url=schedule.get_absolute_url(),
        actor=actor,
    )


@transaction.atomic
def add_entry(*, actor: User, schedule: Schedule, **values: Any) -> ScheduleEntry:
    schedule = _lock(schedule)
    require(can_edit_schedule(actor, schedule), _("You may not change this schedule."))
    unknown = set(values) - set(ENTRY_FIELDS) - {"meeting"}
    if unknown:
        raise TypeError(f"unknown schedule entry fields: {sorted(unknown)}")
    entry = ScheduleEntry.objects.create(schedule=schedule, **_clean_entry(schedule, values))
    record_event(
        action="meetings.schedule_entry_added",
        actor=actor,
        obj=entry,
        data={"schedule": schedule.pk, "after_publication": schedule.state == "published"},
    )
    if schedule.state == ScheduleState.PUBLISHED:
        _changed_after_publication(
            schedule, entry, actor=actor, what=_("added: %(entry)s") % {"entry": entry}
        )
    return entry


@transaction.atomic
def update_entry(*, actor: User, entry: ScheduleEntry, **changes: Any) -> ScheduleEntry:
    schedule = _lock(entry.schedule)
    require(can_edit_schedule(actor, schedule), _("You may not change this schedule."))
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown schedule entry fields: {sorted(unknown)}")
    values = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    before = {k: str(v) for k, v in values.items()}
    values.update(changes)
    values = _clean_entry(schedule, values)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.save()
    changed = {k: str(v) for k, v in values.items() if str(v) != before[k]}
    record_event(action="meetings.schedule_entry_changed", actor=actor, obj=entry, data=changed)
    if schedule.state == ScheduleState.PUBLISHED and changed:
        _changed_after_publication(
            schedule, entry, actor=actor, what=_("changed: %(entry)s") % {"entry": entry}
        )
    return entry


@transaction.atomic
def cancel_entry(*, actor: User, entry: ScheduleEntry) -> ScheduleEntry:
    schedule = _lock(entry.schedule)
    require(can_edit_schedule(actor, schedule), _("You may not change this schedule."))
    if schedule.state != ScheduleState.PUBLISHED:
        record_event(action="meetings.schedule_entry_removed", actor=actor, obj=entry)
        entry.delete()
        return entry
    entry.cancelled = True
    entry.save(update_fields=["cancelled", "updated_at"])
    record_event(action="meetings.schedule_entry_cancelled", actor=actor, obj=entry)
    _changed_after_publication(
        schedule, entry, actor=actor, what=_("cancelled: %(entry)s") % {"entry": entry}
    )
    return entry


@transaction.atomic
def submit_schedule(*, actor: User, schedule: Schedule) -> Schedule:
    schedule = _lock(schedule)
    require(
        can_keep_schedule(actor, schedule.agency_id) and schedule.state == ScheduleState.DRAFT,
        _("Only a schedule being drafted is submitted, by the agency's schedule officer."),
    )
    if not schedule.entries.exists():
        raise ValidationError(_("Add at least one entry before submitting the schedule."))
    schedule.state = ScheduleState.SUBMITTED
    schedule.save(update_fields=["state", "updated_at"])
    record_event(action="meetings.schedule_submitted", actor=actor, obj=schedule)
    approvers = User.objects.filter(agency_id=schedule.agency_id, is_active=True).filter(
        role_grants__role=Role.AGENCY_LEADER
    )
    office_heads = User.objects.filter(
        unit_id=schedule.office_unit_id, is_active=True, role_grants__role=Role.UNIT_LEADER
    )
    notify(
        recipients=[*approvers, *office_heads],
        kind=NotificationKind.DRAFT_AWAITING_REVIEW,
        title=_("Work schedule awaiting approval: week of %(week)s")
        % {"week": schedule.week_start.strftime("%d/%m/%Y")},
        url=schedule.get_absolute_url(),
        actor=actor,
    )
    return schedule


@transaction.atomic
def approve_schedule(*, actor: User, schedule: Schedule) -> Schedule:
    """Approving publishes the schedule (on its page, the portal and the calendar feeds)."""
    schedule = _lock(schedule)
    require(can_approve_schedule(actor, schedule), _("You may not approve this schedule."))
    schedule.state = ScheduleState.PUBLISHED
    schedule.approved_by = actor
    schedule.published_at = timezone.now()
    schedule.save(update_fields=["state", "approved_by", "published_at", "updated_at"])
    record_event(action="meetings.schedule_published", actor=actor, obj=schedule)
    return schedule


@transaction.atomic
def return_schedule(*, actor: User, schedule: Schedule, comment: str) -> Schedule:
    schedule = _lock(schedule)
    require(can_approve_schedule(actor, schedule), _("You may not approve this schedule."))
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": [_("Say what must be changed.")]})
    schedule.state = ScheduleState.DRAFT
    schedule.save(update_fields=["state", "updated_at"])
    record_event(
        action="meetings.schedule_returned", actor=actor, obj=schedule, data={"comment": comment}
    )
    notify(
        recipients=[schedule.created_by],
        kind=NotificationKind.RETURNED,
        title=_("Work schedule returned: %(comment)s") % {"comment": comment[:200]},
        url=schedule.get_absolute_url(),
        actor=actor,
    )
    return schedule
