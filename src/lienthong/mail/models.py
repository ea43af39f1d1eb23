"""Official e-mail: the agency's mailboxes polled over IMAP, the rules deciding which mail
becomes an incoming document, the mail received (pending until the clerk registers it), and the
e-mail recipients of outgoing documents with their delivery status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.core import sealing
from lienthong.core.models import TimeStampedModel
from lienthong.documents.models import Blob, Document
from lienthong.drafting.models import Draft


class Security(models.TextChoices):
    SSL = "ssl", _("IMAPS (TLS from the start, port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("No encryption (loopback or a trusted network only)")


class Mailbox(TimeStampedModel):
    """One IMAP mailbox of an agency (usually the clerk's official address)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="mailboxes"
    )
    address = models.EmailField(_("address"))
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=200)
    sealed_secret = models.BinaryField(
        _("sealed password"),
        default=b"",
        editable=False,
        help_text=_("The mailbox's password, sealed under the key-encryption key."),
    )
    folder = models.CharField(_("folder read"), max_length=200, default="INBOX")
    processed_folder = models.CharField(
        _("folder for processed mail"),
        max_length=200,
        blank=True,
        help_text=_("Empty: processed mail stays where it is, flagged. Mail is never deleted."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last read"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_poll_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["agency", "address"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "address"], name="mailbox_unique_address"),
        ]

    def __str__(self) -> str:
        return self.address

    def set_secret(self, plain: str) -> None:
        """Seal the password (core.sealing, as the signing keys): the database and its backups
        never hold it in clear."""
        self.sealed_secret = sealing.seal(plain.encode()) if plain else b""

    def secret(self) -> str:
        """The password in clear, for logging in only; raises core.sealing.SealBroken when no
        configured key-encryption key opens it."""
        if not self.sealed_secret:
            return ""
        return sealing.unseal(bytes(self.sealed_secret)).decode()

    @property
    def has_secret(self) -> bool:
        return bool(self.sealed_secret)


class RuleAction(models.TextChoices):
    ACCEPT = "accept", _("Becomes an incoming document")
    IGNORE = "ignore", _("Ignored (left in the mailbox)")


class IntakeRule(models.Model):
    """Which mail becomes an incoming document. The rules of an agency are tried in order; the
    first whose every filled-in condition matches decides. Without any rule, every mail is
    taken."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="mail_rules"
    )
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text=_("Empty: the rule applies to every mailbox of the agency."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=10)
    sender_pattern = models.CharField(
        _("sender"),
        max_length=200,
        blank=True,
        help_text=_("A pattern of addresses, e.g. *@camau.gov.vn; empty: any sender."),
    )
    subject_contains = models.CharField(
        _("subject contains"), max_length=200, blank=True, help_text=_("Empty: any subject.")
    )
    attachment_types = models.CharField(
        _("attachment types"),
        max_length=200,
        blank=True,
        help_text=_(
            "File extensions separated by commas, e.g. pdf,docx; the mail must carry one. "
            "Empty: any."
        ),
    )
    action = models.CharField(
        _("action"), max_length=10, choices=RuleAction.choices, default=RuleAction.ACCEPT
    )

    class Meta:
        verbose_name = _("intake rule")
        verbose_name_plural = _("intake rules")
        ordering = ["agency", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}: {self.get_action_display()}"


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the clerk")
    REGISTERED = "registered", _("Registered")
    DISMISSED = "dismissed", _("Dismissed")
    BOUNCE = "bounce", _("Delivery report")


class IncomingMail(TimeStampedModel):
    """A message taken from a mailbox: kept whole as .eml, with its attachments checked as
    uploads are. One row per message and agency however many times or mailboxes it came from."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="incoming_mail"
    )
    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="messages"
    )
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    sender = models.CharField(_("sender address"), max_length=320, blank=True)
    sender_name = models.CharField(_("sender"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    eml_name = models.CharField(_("stored message"), max_length=200)
    eml_size = models.PositiveBigIntegerField(_("message size"))
    spf = models.CharField(_("SPF"), max_length=20, blank=True)
    dkim = models.CharField(_("DKIM"), max_length=20, blank=True)
    dmarc = models.CharField(_("DMARC"), max_length=20, blank=True)
    dkim_verified = models.BooleanField(_("DKIM verified here"), null=True, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    document = models.OneToOneField(
        Document,
        verbose_name=_("registered as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mail",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail received")
        verbose_name_plural = _("mail received")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "message_id"],
                condition=~Q(message_id=""),
                name="incomingmail_unique_message_id",
            ),
            models.UniqueConstraint(
                fields=["agency", "content_hash"], name="incomingmail_unique_content"
            ),
        ]

    def __str__(self) -> str:
        return self.subject[:80] or self.message_id

    def get_absolute_url(self) -> str:
        return reverse("mail:incoming_detail", kwargs={"pk": self.pk})

    @property
    def authentication_failed(self) -> bool:
        failed = {"fail", "softfail", "permerror", "none"}
        return (
            self.spf in failed
            or self.dkim in failed
            or self.dmarc in {"fail", "permerror"}
            or self.dkim_verified is False
        )


class MailAttachment(models.Model):
    mail = models.ForeignKey(
        IncomingMail,
        verbose_name=_("mail"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("declared type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    inline = models.BooleanField(_("inline"), default=False)
    blob = models.ForeignKey(
        Blob, verbose_name=_("file"), null=True, blank=True, on_delete=models.PROTECT
    )
    refused = models.CharField(_("refused because"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mail attachment")
        verbose_name_plural = _("mail attachments")
        ordering = ["mail", "id"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    DRAFT = "draft", _("Not issued yet")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")


class EmailRecipient(TimeStampedModel):
    """Someone outside the platform and the axis who gets an outgoing document by e-mail."""

    draft = models.ForeignKey(
        Draft,
        verbose_name=_("draft"),
        on_delete=models.CASCADE,
        related_name="email_recipients",
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="email_recipients",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.EmailField(_("e-mail address"))
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency in the directory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.DRAFT
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    message_id = models.CharField(_("Message-ID sent"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail recipient")
        verbose_name_plural = _("e-mail recipients")
        ordering = ["draft", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "address"], name="emailrecipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


class DigestSubscription(TimeStampedModel):
    """A user's choice of one mail a day with the day's work instead of one mail per
    notification. While on, the per-event mail of the kinds in `kinds` is off (in the
    notifications' preferences); turning the digest off puts them back."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mail_digest",
    )
    enabled = models.BooleanField(_("daily digest"), default=True)
    kinds = models.JSONField(_("kinds of notification in the digest"), default=list, blank=True)
    queued_on = models.DateField(_("last digest queued for"), null=True, blank=True)
    last_sent_on = models.DateField(_("last digest for"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")

    def __str__(self) -> str:
        return str(self.user)
