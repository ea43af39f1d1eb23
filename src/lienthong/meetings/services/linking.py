"""The link between a schedule entry and its meeting, both ways: book the meeting of an entry
of the week's schedule, or put a booked meeting into the week's schedule."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event

from ..models import Meeting, Schedule, ScheduleEntry
from ..permissions import can_book, can_edit_schedule, can_keep_schedule, can_organise, require
from .meetings import book_meeting
from .schedules import add_entry, create_schedule, week_start_of


@transaction.atomic
def book_from_entry(*, actor: User, entry: ScheduleEntry, **booking: Any) -> Meeting:
    """Book the meeting of a schedule entry (same refusals as `book_meeting`); the entry then
    links to the meeting and the meeting page to the entry."""
    entry = (
        ScheduleEntry.objects.select_for_update(of=("self",))
        .select_related("schedule")
        .get(pk=entry.pk)
    )
    require(
        can_book(actor) and entry.schedule.agency_id == actor.agency_id,
        _("Only the agency's schedule officer books meetings."),
    )
    if entry.cancelled:
        raise ValidationError(_("This entry is cancelled."), code="cancelled")
    if entry.meeting_id is not None:
        raise ValidationError(_("This entry already has its meeting."), code="exists")
    meeting = book_meeting(actor=actor, **booking)
    entry.meeting = meeting
    entry.save(update_fields=["meeting", "updated_at"])
    record_event(
        action="meetings.entry_linked",
        actor=actor,
        obj=entry,
        data={"meeting": meeting.pk, "schedule": entry.schedule_id},
    )
    return meeting


def _place(meeting: Meeting) -> str:
    parts = [meeting.room.name] if meeting.room else []
    if meeting.is_online:
        parts.append(_("on-line (%(engine)s)") % {"engine": meeting.get_video_provider_display()})
    return "; ".join(parts)


@transaction.atomic
def put_in_schedule(*, actor: User, meeting: Meeting) -> ScheduleEntry:
    """Add the meeting to its agency's schedule of that week (started if there is none yet):
    an entry with its time, place, chair, participants and title, linked to the meeting. A
    published schedule marks it as a change after publication and tells the people concerned."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require(
        can_organise(actor, meeting) and can_keep_schedule(actor, meeting.agency_id),
        _("Only the agency's schedule officer keeps schedules."),
    )
    if ScheduleEntry.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("The meeting is in the schedule already."), code="exists")
    monday = week_start_of(timezone.localtime(meeting.starts_at).date())
    schedule = Schedule.objects.filter(agency_id=meeting.agency_id, week_start=monday).first()
    if schedule is None:
        schedule = create_schedule(actor=actor, week_start=monday)
    if not can_edit_schedule(actor, schedule):
        raise ValidationError(
            _("The schedule of that week awaits approval: it cannot be changed now."),
            code="submitted",
        )
    who = [str(p) for p in meeting.participants.select_related("user", "agency")]
    return add_entry(
        actor=actor,
        schedule=schedule,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=_place(meeting)[:300],
        chair=meeting.chair,
        chair_name="",
        participants=", ".join(who)[:2000],
        preparing_unit=(actor.unit.name if actor.unit else "")[:300],
        content=meeting.title,
        meeting=meeting,
    )
