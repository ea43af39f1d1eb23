"""Channels that carry a message to someone outside the platform's accounts, such as an
applicant (người nộp hồ sơ): e-mail now; SMS and Zalo plug in later as further `Channel`s,
registered under their name and switched on with LIENTHONG_APPLICANT_CHANNELS.

A channel knows which address of a `Contact` it uses and how to send one `OutgoingMessage`
there. Sending is durable and done once: `services.send_to_contact` writes one
`OutboundMessage` row per channel in the caller's transaction and queues its job; `deliver`
claims the row, sends, and records the time and the channel's message id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db.models import Q
from django.utils import timezone

from .mail import email_enabled
from .models import OutboundMessage

CLAIM_LEASE = timedelta(minutes=5)
DEFAULT_SMTP_TIMEOUT = 30


@dataclass(frozen=True)
class Contact:
    """Where someone can be reached; a channel uses the address it knows, or skips them."""

    name: str = ""
    email: str = ""
    phone: str = ""


class Channel(Protocol):
    name: str

    def address(self, contact: Contact) -> str:
        """The contact's address on this channel, or "" when they have none."""
        ...

    def send(self, message: OutboundMessage) -> str:
        """Send one message to `message.address`; returns the channel's id of what was sent.
        Raises on failure (the job is retried)."""
        ...


class EmailChannel:
    name = "email"

    def address(self, contact: Contact) -> str:
        return contact.email.strip()

    def message_id(self, message: OutboundMessage) -> str:
        _name, sender = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
        domain = sender.rpartition("@")[2] or str(DNS_NAME)
        return f"<outbound.{message.pk}.{int(message.created_at.timestamp())}@{domain}>"

    def send(self, message: OutboundMessage) -> str:
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_SMTP_TIMEOUT
        mail = EmailMessage(
            subject=" ".join(message.subject.split()),
            body=message.body,
            to=[message.address],
            connection=get_connection(timeout=timeout),
            headers={
                "Message-ID": self.message_id(message),
                "Auto-Submitted": "auto-generated",
                "X-Auto-Response-Suppress": "All",
            },
        )
        mail.send()
        return str(mail.extra_headers["Message-ID"])


_REGISTRY: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    _REGISTRY[channel.name] = channel


def channel(name: str) -> Channel:
    return _REGISTRY[name]


def enabled_channels() -> list[Channel]:
    """The channels switched on (LIENTHONG_APPLICANT_CHANNELS) and registered, in that order;
    e-mail only when the platform sends e-mail at all."""
    names = list(getattr(settings, "LIENTHONG_APPLICANT_CHANNELS", ("email",)))
    return [
        _REGISTRY[name]
        for name in names
        if name in _REGISTRY and (name != EmailChannel.name or email_enabled())
    ]


register_channel(EmailChannel())


class DeliveryInProgress(Exception):
    """Another run is sending this message right now; try again later."""


def deliver(message_id: int) -> str:
    """Send one outbound message unless it was sent already; says what happened. Raises on
    failure (and when another run holds the claim), so the job is retried."""
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "gone"
    if message.sent_at is not None:
        return "already sent"
    if message.channel not in _REGISTRY:
        return "no such channel"
    claimed_at = timezone.now()
    claimed = (
        OutboundMessage.objects.filter(pk=message.pk, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=claimed_at - CLAIM_LEASE))
        .update(claimed_at=claimed_at)
    )
    if not claimed:
        if OutboundMessage.objects.filter(pk=message.pk, sent_at__isnull=False).exists():
            return "already sent"
        raise DeliveryInProgress(f"outbound message {message.pk} is being sent by another run")
    try:
        external_id = _REGISTRY[message.channel].send(message)
    except BaseException:
        OutboundMessage.objects.filter(pk=message.pk, claimed_at=claimed_at).update(claimed_at=None)
        raise
    OutboundMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), external_id=external_id[:255], claimed_at=None
    )
    return "sent"
