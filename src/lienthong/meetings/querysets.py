"""Reads of schedules and meetings: who sees what lives here (and in permissions.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from lienthong.accounts.constants import Role

from .constants import MeetingState, Reply, ScheduleState

if TYPE_CHECKING:
    from .models import Meeting, Participant, Schedule, ScheduleEntry  # noqa: F401

# Who organises meetings and keeps schedules in an agency, and who replies for an agency.
ORGANISER_ROLES = (Role.SCHEDULE_OFFICER, Role.AGENCY_LEADER)
AGENCY_REPLY_ROLES = (Role.CLERK, Role.AGENCY_LEADER, Role.SCHEDULE_OFFICER)


def _official(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def published(self) -> ScheduleQuerySet:
        return self.filter(state=ScheduleState.PUBLISHED)

    def visible_to(self, user: Any) -> ScheduleQuerySet:
        """Published schedules to every official; an agency's drafts to its own officials."""
        if not _official(user):
            return self.none()
        return self.filter(Q(state=ScheduleState.PUBLISHED) | Q(agency_id=user.agency_id))


class ScheduleEntryQuerySet(models.QuerySet["ScheduleEntry"]):
    def published(self) -> ScheduleEntryQuerySet:
        return self.filter(schedule__state=ScheduleState.PUBLISHED)

    def between(self, start: datetime, end: datetime) -> ScheduleEntryQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def of_week(self, agency_id: int, week_start: date) -> ScheduleEntryQuerySet:
        return self.filter(schedule__agency_id=agency_id, schedule__week_start=week_start)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def active(self) -> MeetingQuerySet:
        return self.exclude(state=MeetingState.CANCELLED)

    def overlapping(self, start: datetime, end: datetime) -> MeetingQuerySet:
        return self.active().filter(starts_at__lt=end, ends_at__gt=start)

    def visible_to(self, user: Any) -> MeetingQuerySet:
        """The organising agency's schedule officers and leaders, the chair, the officials
        invited by name, and the clerk, leader and schedule officer of an invited agency."""
        Participant = apps.get_model("meetings", "Participant")
        if not _official(user):
            return self.none()
        invited = Q(user_id=user.pk)
        if any(user.has_role(role) for role in AGENCY_REPLY_ROLES):
            invited |= Q(agency_id=user.agency_id, user__isnull=True)
        seen = (
            Q(chair_id=user.pk)
            | Q(created_by_id=user.pk)
            | Q(Exists(Participant.objects.filter(invited, meeting_id=OuterRef("pk"))))
        )
        if any(user.has_role(role) for role in ORGANISER_ROLES):
            seen |= Q(agency_id=user.agency_id)
        return self.filter(seen)

    def of_user(self, user: Any) -> MeetingQuerySet:
        """The meetings a user chairs or is invited to by name (their own calendar)."""
        Participant = apps.get_model("meetings", "Participant")
        named = Participant.objects.filter(meeting_id=OuterRef("pk"), user_id=user.pk).exclude(
            reply=Reply.DECLINE
        )
        return self.active().filter(Q(chair_id=user.pk) | Exists(named))


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def required(self) -> ParticipantQuerySet:
        return self.filter(required=True)

    def connected(self) -> ParticipantQuerySet:
        return self.filter(joined_at__isnull=False).filter(
            Q(left_at__isnull=True) | Q(left_at__lt=models.F("joined_at"))
        )
