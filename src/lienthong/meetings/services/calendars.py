"""Private calendar feeds (a revocable token in the address) and meeting reminders."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.services import notify

from ..constants import MeetingState
from ..models import CalendarToken, Meeting, new_calendar_token
from ..tasks import send_invitation_email

REMINDER_BATCH = 200


@transaction.atomic
def rotate_calendar_token(*, actor: User) -> CalendarToken:
    """Give the user a new private feed address; the old one stops working at once."""
    token, created = CalendarToken.objects.select_for_update(of=("self",)).get_or_create(user=actor)
    if not created:
        token.token = new_calendar_token()
        token.save(update_fields=["token", "created_at"])
    record_event(action="meetings.calendar_token_rotated", actor=actor, obj=token)
    return token


def remind_upcoming() -> int:
    """The periodic entry point: tell the chair and the officials invited by name (in the
    platform and by e-mail with the .ics) of each meeting starting within the reminder lead
    time, once. Idempotent: a meeting reminded is marked in the same transaction."""
    lead = timedelta(minutes=int(getattr(settings, "LIENTHONG_MEETING_REMINDER_MINUTES", 60)))
    now = timezone.now()
    count = 0
    due = Meeting.objects.filter(
        state=MeetingState.PLANNED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + lead,
    ).order_by("starts_at")[:REMINDER_BATCH]
    for meeting_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting_id)
            if meeting.reminded_at is not None:
                continue
            meeting.reminded_at = now
            meeting.save(update_fields=["reminded_at"])
            users = [
                meeting.chair_id,
                *meeting.participants.filter(user__isnull=False)
                .exclude(reply="decline")
                .values_list("user_id", flat=True),
            ]
            notify(
                recipients=users,
                kind=NotificationKind.DUE_SOON,
                title=_("Reminder: meeting at %(when)s: %(title)s")
                % {
                    "when": timezone.localtime(meeting.starts_at).strftime("%H:%M %d/%m/%Y"),
                    "title": meeting.title,
                },
                url=meeting.get_absolute_url(),
                email=False,
            )
            for user_id in users:
                send_invitation_email.enqueue(meeting.pk, user_id, True)  # with the .ics
            count += 1
    return count
