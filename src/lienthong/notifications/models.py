"""Notifications (thông báo) shown in the platform and, if the user wants, sent by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import TITLE_MAX_LENGTH, URL_MAX_LENGTH, NotificationKind
from .querysets import NotificationPreferenceQuerySet, NotificationQuerySet


class Notification(models.Model):
    """One notice to one user. Created by `services.notify`, never edited except to mark it
    read and to record its e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    url = models.CharField(
        _("link"),
        max_length=URL_MAX_LENGTH,
        blank=True,
        help_text=_("A path inside the platform, e.g. /van-ban/12/."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # E-mail delivery, so that running the job again never sends twice.
    email_claimed_at = models.DateTimeField(_("e-mail being sent since"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    email_message_id = models.CharField(_("e-mail Message-ID"), max_length=255, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            # The list page: a user's notifications, newest first.
            models.Index(fields=["recipient", "-id"], name="notification_user_newest_idx"),
            # The bell and the unread filter: a small partial index of unread rows only.
            models.Index(
                fields=["recipient", "-id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_user_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice of e-mail for one kind of notification. Without a row the default of
    `constants.EMAIL_BY_DEFAULT` applies. In-app notifications are always on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    email = models.BooleanField(_("by e-mail"))

    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


class OutboundMessage(models.Model):
    """One message to someone outside the platform's accounts (an applicant's e-mail address;
    later a telephone for SMS or Zalo), sent once by a background job (`channels.deliver`)."""

    channel = models.CharField(_("channel"), max_length=16)
    address = models.CharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"))
    topic = models.CharField(
        _("about"),
        max_length=100,
        blank=True,
        help_text=_("What it is about, e.g. a dossier code."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    external_id = models.CharField(_("message id"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-id"]
        indexes = [models.Index(fields=["topic", "-id"], name="outbound_topic_idx")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.subject}"
