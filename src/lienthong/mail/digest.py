"""The daily digest (bản tin hằng ngày): one mail a day with the day's work for each official
who chose it, instead of one mail per notification (docs/email.md, "Daily digest").

Who gets what: an active official with an e-mail address and the digest on gets, once a day at
LIENTHONG_MAIL_DIGEST_HOUR (local time), the notifications of the kinds they had by e-mail
created since their last digest (at most the last 24 hours before the first), how many are still
unread, and for a clerk how many mails wait for registration in the agency. A day with nothing
to say sends nothing. Every mail carries an opt-out link (and RFC 8058 one-click
List-Unsubscribe)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.notifications import services as notifications
from lienthong.notifications.mail import absolute_url, email_enabled, language_of
from lienthong.notifications.models import Notification, NotificationPreference

from . import tls
from .models import DigestSubscription, IncomingMail, MailStatus

logger = logging.getLogger(__name__)

_SALT = "lienthong.mail.digest.opt-out"
MAX_ITEMS = 50


def can_subscribe(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.agency_id and user.email)


def is_subscribed(user: Any) -> bool:
    return DigestSubscription.objects.filter(user_id=user.pk, enabled=True).exists()


@transaction.atomic
def subscribe(*, actor: User) -> DigestSubscription:
    """Turn the digest on: the kinds the user now has by e-mail go into the digest and their
    per-event mail stops."""
    if not can_subscribe(actor):
        raise PermissionDenied(_("An official with an e-mail address may have a daily digest."))
    subscription, _created = DigestSubscription.objects.select_for_update().get_or_create(
        user=actor, defaults={"enabled": False}
    )
    if subscription.enabled:
        return subscription
    choices = NotificationPreference.objects.email_choices(actor)
    kinds = sorted(kind for kind, email in choices.items() if email)
    notifications.set_email_preferences(user=actor, choices=dict.fromkeys(kinds, False))
    subscription.enabled, subscription.kinds = True, kinds
    subscription.save(update_fields=["enabled", "kinds", "updated_at"])
    record_event(action="mail.digest_on", actor=actor, obj=subscription, data={"kinds": kinds})
    return subscription


@transaction.atomic
def unsubscribe(*, user: User, via: str = "page") -> bool:
    """Turn the digest off: the kinds it carried come back one mail per notification. Returns
    whether it was on."""
    subscription = (
        DigestSubscription.objects.select_for_update().filter(user=user, enabled=True).first()
    )
    if subscription is None:
        return False
    notifications.set_email_preferences(user=user, choices=dict.fromkeys(subscription.kinds, True))
    subscription.enabled = False
    subscription.save(update_fields=["enabled", "updated_at"])
    record_event(action="mail.digest_off", actor=user, obj=subscription, data={"via": via})
    return True


def opt_out_token(user: User) -> str:
    return signing.dumps(user.pk, salt=_SALT, compress=True)


def user_of_token(token: str) -> User | None:
    """The user an opt-out link names (links do not expire: an old digest must still stop the
    next), or None for a forged or damaged one."""
    try:
        pk = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def opt_out_url(user: User) -> str:
    return absolute_url(reverse("mail:digest-opt-out", args=[opt_out_token(user)]))


def content(subscription: DigestSubscription, until: datetime) -> dict[str, Any] | None:
    """What the user's digest says for the period ending at `until`, or None when nothing."""
    user = subscription.user
    since = subscription.last_sent_at or until - timedelta(days=1)
    items = list(
        Notification.objects.filter(
            recipient=user,
            kind__in=subscription.kinds,
            created_at__gt=since,
            created_at__lte=until,
        )
        .select_related("actor")
        .order_by("created_at")[: MAX_ITEMS + 1]
    )
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    waiting = 0
    if user.has_role(Role.CLERK) and user.agency_id:
        waiting = IncomingMail.objects.filter(
            agency_id=user.agency_id, status=MailStatus.PENDING
        ).count()
    if not items and not waiting:
        return None
    return {
        "recipient_name": user.full_name or user.get_username(),
        "items": [
            {
                "kind": n.get_kind_display(),
                "title": n.title,
                "at": timezone.localtime(n.created_at),
                "link": absolute_url(n.url),
            }
            for n in items[:MAX_ITEMS]
        ],
        "more": len(items) > MAX_ITEMS,
        "unread": unread,
        "waiting_mail": waiting,
        "inbox_link": absolute_url(reverse("mail:inbox")),
        "notifications_link": absolute_url(reverse("notifications:list")),
        "opt_out_link": opt_out_url(user),
    }


def compose(subscription: DigestSubscription, day: date, context: dict[str, Any]) -> EmailMessage:
    user = subscription.user
    with translation.override(language_of(user)):
        subject = _("Your work for %(day)s") % {"day": day.strftime("%d/%m/%Y")}
        body = render_to_string("mail/email/digest.txt", {**context, "day": day})
    opt_out = context["opt_out_link"]
    return EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "List-Unsubscribe": f"<{opt_out}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send(subscription_id: int, day: date) -> str:
    """Send one user's digest for `day`, once: the day is claimed first (a second run finds it
    taken); a failure to send releases it and raises, so the job retries."""
    now = timezone.now()
    subscription = DigestSubscription.objects.select_related("user").get(pk=subscription_id)
    user = subscription.user
    if not (subscription.enabled and email_enabled() and user.is_active and user.email):
        return "not wanted"
    previous = (subscription.last_sent_on, subscription.last_sent_at)
    claimed = (
        DigestSubscription.objects.filter(pk=subscription.pk, enabled=True)
        .exclude(last_sent_on__gte=day)
        .update(last_sent_on=day, last_sent_at=now)
    )
    if not claimed:
        return "already sent"
    context = content(subscription, now)
    if context is None:
        return "nothing to say"
    message = compose(subscription, day, context)
    message.connection = tls.smtp_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", 30) or 30)
    try:
        message.send()
    except BaseException:
        DigestSubscription.objects.filter(pk=subscription.pk, last_sent_at=now).update(
            last_sent_on=previous[0], last_sent_at=previous[1]
        )
        raise
    return "sent"


def claim_due(now: datetime | None = None) -> list[tuple[int, date]]:
    """The digests whose time has come (after the digest hour, not yet queued for today),
    marked as queued so the next minute's run does not queue them again."""
    local = timezone.localtime(now or timezone.now())
    hour = int(getattr(settings, "LIENTHONG_MAIL_DIGEST_HOUR", 17))
    if local.hour < hour:
        return []
    today = local.date()
    due = (
        DigestSubscription.objects.filter(enabled=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(queued_on__gte=today)
    )
    claimed = []
    for pk in due.values_list("pk", flat=True):
        if (
            DigestSubscription.objects.filter(pk=pk)
            .exclude(queued_on__gte=today)
            .update(queued_on=today)
        ):
            claimed.append((pk, today))
    return claimed
