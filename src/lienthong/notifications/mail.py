"""Writing and sending the e-mail of a notification.

Sending is idempotent: the notification records when its mail was sent and under which
Message-ID, and a delivery first claims the notification for a few minutes, so a job run again
(a retry, a job put back after its worker died, a duplicate) never sends a second mail. The one
window SMTP cannot close is a crash between the server accepting the mail and the database
recording it; the mail then goes again, with the same Message-ID, by which mail systems
recognise a duplicate.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Notification, NotificationPreference

# How long a delivery in progress keeps others off the notification. Longer than an SMTP
# exchange can take (see EMAIL_TIMEOUT), shorter than the wait before a job is retried late.
CLAIM_LEASE = timedelta(minutes=5)
DEFAULT_SMTP_TIMEOUT = 30  # seconds; Django's own default is to wait for ever


class DeliveryInProgress(Exception):
    """Another run is sending this notification's mail right now; try again later."""


def email_enabled() -> bool:
    """Whether the platform sends e-mail at all (off where no mail server is reachable)."""
    return bool(getattr(settings, "LIENTHONG_EMAIL_ENABLED", True))


def site_url() -> str:
    """The platform's public address, for links in e-mail (which has no request)."""
    return str(getattr(settings, "LIENTHONG_SITE_URL", "http://localhost:8000")).rstrip("/")


def absolute_url(path: str) -> str:
    return f"{site_url()}{path}" if path else ""


def language_of(user: Any) -> str:
    """The language a user reads their mail in: the administration's, Vietnamese (accounts
    have no language of their own)."""
    return str(settings.LANGUAGE_CODE)


def message_id(notification: Notification) -> str:
    """The same Message-ID for every attempt at the same notification."""
    _name, address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
    domain = address.rpartition("@")[2] or str(DNS_NAME)
    stamp = int(notification.created_at.timestamp())
    return f"<notification.{notification.pk}.{stamp}@{domain}>"


def compose(notification: Notification, connection: Any = None) -> EmailMessage:
    recipient = notification.recipient
    with translation.override(language_of(recipient)):
        kind_label = str(notification.get_kind_display())
        context = {
            "recipient_name": recipient.full_name or recipient.get_username(),
            "kind_label": kind_label,
            "title": notification.title,
            "actor_name": str(notification.actor) if notification.actor else "",
            "created_at": notification.created_at,
            "link": absolute_url(notification.url),
            "preferences_link": absolute_url(reverse("notifications:preferences")),
        }
        body = render_to_string("notifications/email/notification.txt", context)
    subject = " ".join(f"{kind_label}: {notification.title}".split())
    return EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        connection=connection,
        headers={
            "Message-ID": message_id(notification),
            # An automatic message: out-of-office replies and the like should not answer it.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )


def wants_email(notification: Notification) -> bool:
    """Whether the mail should (still) go: e-mail on, an active recipient with an address who
    wants this kind by e-mail (checked again at sending time: they may have changed their mind)."""
    recipient = notification.recipient
    if not email_enabled():
        return False
    if not recipient.is_active or not recipient.email:
        return False
    return recipient.pk in NotificationPreference.objects.wanting_email(
        notification.kind, [recipient.pk]
    )


def deliver(notification_id: int) -> str:
    """Send the mail of one notification unless it was sent already; says what happened.
    Raises on SMTP and network errors (and when another run holds the claim), so the job is
    retried later."""
    notification = (
        Notification.objects.select_related("recipient", "actor").filter(pk=notification_id).first()
    )
    if notification is None:
        return "gone"
    if notification.email_sent_at is not None:
        return "already sent"
    if not wants_email(notification):
        return "not wanted"
    claimed_at = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification.pk, email_sent_at__isnull=True)
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=claimed_at - CLAIM_LEASE))
        .update(email_claimed_at=claimed_at)
    )
    if not claimed:
        if Notification.objects.filter(pk=notification.pk, email_sent_at__isnull=False).exists():
            return "already sent"
        raise DeliveryInProgress(f"notification {notification.pk} is being sent by another run")
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_SMTP_TIMEOUT
    message = compose(notification, connection=get_connection(timeout=timeout))
    try:
        message.send()
    except BaseException:
        Notification.objects.filter(pk=notification.pk, email_claimed_at=claimed_at).update(
            email_claimed_at=None
        )
        raise
    Notification.objects.filter(pk=notification.pk).update(
        email_sent_at=timezone.now(),
        email_message_id=message.extra_headers["Message-ID"],
        email_claimed_at=None,
    )
    return "sent"
