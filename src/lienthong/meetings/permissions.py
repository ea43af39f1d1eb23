"""The access chokepoint of schedules and meetings: a missing object and one the user may not
see give the same 404; `can_<verb>` predicates serve the views and the services alike."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role

from .constants import MeetingState, ScheduleState
from .models import AgendaItem, Meeting, Participant, Schedule
from .querysets import AGENCY_REPLY_ROLES, ORGANISER_ROLES


def _official(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def access_schedule(user: Any, pk: Any) -> Schedule:
    try:
        return Schedule.objects.visible_to(user).select_related("agency").get(pk=pk)
    except (Schedule.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_meeting(user: Any, pk: Any) -> Meeting:
    try:
        return (
            Meeting.objects.visible_to(user)
            .select_related("agency", "room", "chair", "created_by")
            .get(pk=pk)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


# --- Schedules -----------------------------------------------------------------------------------


def can_keep_schedule(user: Any, agency_id: int | None = None) -> bool:
    """The agency's schedule officer drafts and changes its schedules."""
    return (
        _official(user)
        and user.has_role(Role.SCHEDULE_OFFICER)
        and (agency_id is None or user.agency_id == agency_id)
    )


def can_edit_schedule(user: Any, schedule: Schedule) -> bool:
    return can_keep_schedule(user, schedule.agency_id) and schedule.state in (
        ScheduleState.DRAFT,
        ScheduleState.PUBLISHED,
    )


def can_approve_schedule(user: Any, schedule: Schedule) -> bool:
    """The agency's leader, or the chief of the office that keeps the schedule."""
    if not _official(user) or user.agency_id != schedule.agency_id:
        return False
    if schedule.state != ScheduleState.SUBMITTED:
        return False
    if user.has_role(Role.AGENCY_LEADER):
        return True
    return bool(
        user.has_role(Role.UNIT_LEADER)
        and schedule.office_unit_id
        and user.unit_id == schedule.office_unit_id
    )


# --- Rooms and meetings --------------------------------------------------------------------------


def can_book(user: Any) -> bool:
    return _official(user) and user.has_role(Role.SCHEDULE_OFFICER)


def can_organise(user: Any, meeting: Meeting) -> bool:
    """Change the meeting, its participants, agenda and documents: the organising agency's
    schedule officer, and the chair."""
    if not _official(user) or meeting.state == MeetingState.CANCELLED:
        return False
    return bool(user.pk == meeting.chair_id) or bool(
        user.agency_id == meeting.agency_id and user.has_role(Role.SCHEDULE_OFFICER)
    )


def can_reply(user: Any, participant: Participant) -> bool:
    """The invited official, or for an invited agency its clerk, leader or schedule officer."""
    if not _official(user) or participant.meeting.state != MeetingState.PLANNED:
        return False
    if participant.user_id is not None:
        return bool(participant.user_id == user.pk)
    return participant.agency_id == user.agency_id and any(
        user.has_role(role) for role in AGENCY_REPLY_ROLES
    )


def is_named_insider(user: Any, meeting: Meeting) -> bool:
    """Who sees confidential agenda items: the chair, the officials invited by name and the
    organising agency's schedule officers and leaders."""
    if not _official(user):
        return False
    if user.pk in (meeting.chair_id, meeting.created_by_id):
        return True
    if user.agency_id == meeting.agency_id and any(user.has_role(r) for r in ORGANISER_ROLES):
        return True
    return meeting.participants.filter(user_id=user.pk).exists()


def can_read_item(user: Any, item: AgendaItem) -> bool:
    """Agenda documents are for the meeting's people only; confidential ones for insiders."""
    if not Meeting.objects.visible_to(user).filter(pk=item.meeting_id).exists():
        return False
    return not item.confidential or is_named_insider(user, item.meeting)


def can_join_video(user: Any, meeting: Meeting) -> bool:
    return (
        meeting.is_online
        and meeting.state == MeetingState.PLANNED
        and Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()
    )


def can_manage_video(user: Any) -> bool:
    """Register the platform's callbacks with the video engine: an agency's administrator or
    schedule officer, or the system administrator."""
    return _official(user) and any(
        user.has_role(role)
        for role in (Role.AGENCY_ADMIN, Role.SCHEDULE_OFFICER, Role.SYSTEM_ADMIN)
    )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
