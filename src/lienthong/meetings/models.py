"""Weekly work schedules (lịch công tác tuần), rooms, meetings and their participants, agenda,
replies and documents, and each user's private calendar token."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.models import TimeStampedModel
from lienthong.documents.models import Blob, Document
from lienthong.drafting.models import Draft

from .constants import (
    MeetingDraftKind,
    MeetingState,
    Reply,
    RoomKind,
    ScheduleState,
    VideoProvider,
)
from .querysets import MeetingQuerySet, ParticipantQuerySet, ScheduleEntryQuerySet, ScheduleQuerySet


class Schedule(TimeStampedModel):
    """The work schedule of an agency's leaders for one week (Monday to Sunday)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="schedules"
    )
    week_start = models.DateField(_("week starting (Monday)"))
    state = models.CharField(
        _("state"), max_length=16, choices=ScheduleState.choices, default=ScheduleState.DRAFT
    )
    office_unit = models.ForeignKey(
        Unit,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The office that keeps the schedule; its chief may approve it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(
        _("revision"), default=0, help_text=_("Raised by each change after publication.")
    )

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly work schedule")
        verbose_name_plural = _("weekly work schedules")
        ordering = ["agency", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "week_start"], name="schedule_one_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name or self.agency.name} — {self.week_start:%d/%m/%Y}"

    @property
    def week_end(self):  # type: ignore[no-untyped-def]
        return self.week_start + timedelta(days=6)

    def get_absolute_url(self) -> str:
        return reverse("meetings:schedule", args=[self.pk])


class ScheduleEntry(TimeStampedModel):
    """One line of the schedule: time, place, who chairs, who attends, who prepares, content."""

    schedule = models.ForeignKey(
        Schedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="entries"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chair_name = models.CharField(_("chaired by"), max_length=200)
    participants = models.TextField(_("participants"), blank=True)
    preparing_unit = models.CharField(_("preparing unit"), max_length=300, blank=True)
    content = models.TextField(_("content"))
    changed_after_publication = models.BooleanField(_("changed after publication"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    meeting = models.OneToOneField(
        "Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="schedule_entry",
    )

    objects = ScheduleEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("schedule entry")
        verbose_name_plural = _("schedule entries")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="schedule_entry_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%d/%m %H:%M} {self.content[:60]}"


class Room(TimeStampedModel):
    """A meeting room of an agency, or an on-line room (a standing video room)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField(_("seats"), default=0)
    equipment = models.CharField(_("equipment"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="room_name_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(TimeStampedModel):
    """A meeting called by an agency, in a room, on-line, or both."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=500)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    video_provider = models.CharField(
        _("video conference"), max_length=16, choices=VideoProvider.choices, blank=True
    )
    video_room = models.CharField(_("video room"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    recording_ready_at = models.DateTimeField(
        _("recording published at"),
        null=True,
        blank=True,
        help_text=_("When the video engine said the recording is ready."),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_online(self) -> bool:
        return bool(self.video_provider)


class Participant(TimeStampedModel):
    """Who is invited: an official by name, or an agency (its clerk or leader replies for it)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    required = models.BooleanField(_("required"), default=True)
    reply = models.CharField(
        _("reply"), max_length=16, choices=Reply.choices, default=Reply.PENDING
    )
    deputy_name = models.CharField(_("deputy"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    joined_at = models.DateTimeField(_("joined the video room at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left the video room at"), null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(agency__isnull=False),
                name="participant_user_or_agency",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="participant_user_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "agency"],
                condition=Q(user__isnull=True),
                name="participant_agency_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.agency)

    @property
    def is_connected(self) -> bool:
        return self.joined_at is not None and (
            self.left_at is None or self.left_at < self.joined_at
        )


class AgendaItem(models.Model):
    """A point of the agenda, with its document (paperless meeting)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    ordinal = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Shown only to the officials invited by name, the chair and the organisers."),
    )
    blob = models.ForeignKey(
        Blob,
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "ordinal"], name="agenda_item_ordinal"),
        ]

    def __str__(self) -> str:
        return f"{self.ordinal}. {self.title}"


class MeetingDraft(models.Model):
    """A document of the meeting drafted and issued through drafting: the invitation, the
    minutes, the conclusion notice."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="drafts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingDraftKind.choices)
    draft = models.OneToOneField(
        Draft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="meeting_link"
    )

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="meeting_draft_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.draft}"

    @property
    def document(self) -> Document | None:
        return self.draft.document


class VideoHook(models.Model):
    """A callback registered with a video engine (BigBlueButton's bbb-webhooks): where it posts
    join/leave events and the recording-ready (rap-publish-ended) event."""

    provider = models.CharField(_("video conference"), max_length=16, choices=VideoProvider.choices)
    callback_url = models.URLField(_("callback address"), max_length=500)
    hook_id = models.CharField(_("hook number on the engine"), max_length=64)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("video engine callback")
        verbose_name_plural = _("video engine callbacks")
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} #{self.hook_id}: {self.callback_url}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a user's private calendar feed address; replaced to revoke the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)
