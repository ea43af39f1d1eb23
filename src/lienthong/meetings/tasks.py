"""Background jobs of meetings: the .ics invitation (or reminder) by e-mail. Idempotent enough:
sending the same calendar invitation twice updates the same event (same UID) in the
recipient's calendar."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

from lienthong.accounts.models import User
from lienthong.core.jobs import retrying

from . import ical
from .models import Meeting


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=8, base_delay=30.0)
def send_invitation_email(meeting_id: int, user_id: int, reminder: bool = False) -> str:
    """E-mail a meeting's .ics to one official (the invitation, or the reminder)."""
    meeting = Meeting.objects.select_related("room", "chair").get(pk=meeting_id)
    user = User.objects.get(pk=user_id)
    if (
        not user.email
        or not user.is_active
        or not getattr(settings, "LIENTHONG_EMAIL_ENABLED", True)
    ):
        return "no address"
    site = str(getattr(settings, "LIENTHONG_SITE_URL", "http://localhost:8000")).rstrip("/")
    url = site + reverse("meetings:detail", args=[meeting.pk])
    prefix = "Nhắc lịch họp" if reminder else "Mời họp"
    message = EmailMessage(
        subject=f"{prefix}: {meeting.title}",
        body=f"{meeting.title}\n{url}\n",
        to=[user.email],
    )
    message.attach(
        "moi-hop.ics", ical.invitation(meeting, url=url), "text/calendar; method=REQUEST"
    )
    message.send()
    return "sent"
