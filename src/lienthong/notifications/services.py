"""Notifying users, in the platform and by e-mail. Other apps call `notify`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lienthong.core.audit import record_event

from .channels import Contact, enabled_channels
from .constants import TITLE_MAX_LENGTH, URL_MAX_LENGTH, NotificationKind
from .mail import email_enabled
from .models import Notification, NotificationPreference, OutboundMessage
from .tasks import send_notification_email, send_outbound_message


def _recipient_ids(recipients: Iterable[Any]) -> set[int]:
    ids: set[int] = set()
    for recipient in recipients:
        if recipient is None:
            continue
        pk = recipient if isinstance(recipient, int) else getattr(recipient, "pk", None)
        if pk is None:
            raise ValueError(f"not a user: {recipient!r}")
        ids.add(int(pk))
    return ids


def _clean_url(url: str) -> str:
    """A path inside the platform, or nothing. Absolute or protocol-relative addresses are
    refused: a notification (and its e-mail) must only ever lead into the platform."""
    url = (url or "").strip()
    if url and (
        not url.startswith("/")
        or url.startswith(("//", "/\\"))
        or any(c.isspace() or not c.isprintable() for c in url)
    ):
        raise ValueError(f"a notification links to a path inside the platform, not {url!r}")
    if len(url) > URL_MAX_LENGTH:
        raise ValueError(f"a notification's link is at most {URL_MAX_LENGTH} characters")
    return url


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: NotificationKind | str,
    title: str,
    url: str = "",
    actor: Any = None,
    email: bool = True,
) -> list[Notification]:
    """Tell each recipient about something (in their notification list, and by e-mail if they
    chose so for this kind). Called inside the caller's transaction; the e-mail jobs are rows
    of that same transaction, so they exist if and only if the change does.

    `recipients` are users (or their ids); inactive accounts and the actor (nobody is told of
    their own action) are left out, and each user is notified once. `url` is a path inside the
    platform such as `/van-ban/12/`. `email=False` when the caller sends the mail itself
    through a channel (`send_to_contact`). Returns the notifications created."""
    kind = NotificationKind(kind)
    title = " ".join(str(title).split())[:TITLE_MAX_LENGTH]  # one line: it is the mail subject
    if not title:
        raise ValueError("a notification needs a title")
    url = _clean_url(url)
    ids = _recipient_ids(recipients)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    if actor_id is not None:
        ids.discard(actor_id)
    if not ids:
        return []
    users = list(
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .order_by("pk")
        .values_list("pk", "email")
    )
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                title=title,
                url=url,
                actor_id=actor_id,
                created_at=now,
            )
            for user_id, _email in users
        ]
    )
    if email and email_enabled():
        with_address = [user_id for user_id, email in users if email]
        wanting = NotificationPreference.objects.wanting_email(kind, with_address)
        for notification in created:
            if notification.recipient_id in wanting:
                send_notification_email.enqueue(notification.pk)
    return created


@transaction.atomic
def mark_read(*, user: Any, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (found through `access_notification`)."""
    if notification.recipient_id != user.pk:
        raise ValueError("a user marks only their own notifications")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, user: Any, up_to: int | None = None) -> int:
    """Mark the user's unread notifications read; with `up_to`, only those up to that id
    (what the user had in front of them, not what arrived since). Returns how many."""
    unread = Notification.objects.for_user(user).unread()
    if up_to is not None:
        unread = unread.filter(id__lte=up_to)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def set_email_preferences(*, user: Any, choices: Mapping[str, bool]) -> dict[str, bool]:
    """Record the user's choice of e-mail for the given kinds (the others keep theirs).
    Returns the choices for every kind."""
    cleaned = {NotificationKind(kind).value: bool(email) for kind, email in choices.items()}
    before = NotificationPreference.objects.email_choices(user)
    changed = {kind: email for kind, email in cleaned.items() if before[kind] != email}
    if cleaned:
        NotificationPreference.objects.bulk_create(
            [
                NotificationPreference(user_id=user.pk, kind=kind, email=email)
                for kind, email in cleaned.items()
            ],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["email"],
        )
    if changed:
        record_event(
            action="notifications.email_preferences_changed",
            actor=user,
            data={"email": changed},
        )
    return {**before, **cleaned}


@transaction.atomic
def send_to_contact(
    *, contact: Contact, subject: str, body: str, topic: str = ""
) -> list[OutboundMessage]:
    """Send a message to someone by every channel switched on for which they have an address
    (e-mail now; SMS, Zalo later). Called inside the caller's transaction: the rows and their
    jobs exist if and only if the change that prompted them does. Returns the messages."""
    subject = " ".join(str(subject).split())[:TITLE_MAX_LENGTH]
    if not subject:
        raise ValueError("a message needs a subject")
    created = []
    for channel in enabled_channels():
        address = channel.address(contact)
        if not address:
            continue
        message = OutboundMessage.objects.create(
            channel=channel.name,
            address=address[:254],
            subject=subject,
            body=body,
            topic=topic[:100],
        )
        send_outbound_message.enqueue(message.pk)
        created.append(message)
    return created
