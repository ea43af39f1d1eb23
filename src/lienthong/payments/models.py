"""On-line payments of fees (thanh toán trực tuyến phí, lệ phí) through a payment gateway.

A `Payment` is written by `services.start_payment` and changed only by `services.
handle_notification` when the gateway tells its outcome. Every authentic notification that
changed or was refused for a payment is kept, unchanged, as a `PaymentNotification`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import (
    DESCRIPTION_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    RETURN_URL_MAX_LENGTH,
    NotificationChannel,
    PaymentStatus,
)
from .querysets import PaymentQuerySet


class Payment(models.Model):
    """One attempt to pay an amount for a reference (e.g. a dossier code). A reference may have
    several attempts (one cancelled, the next one paid) but never two succeeded ones."""

    reference = models.CharField(
        _("reference"),
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_("What is paid for, e.g. the dossier code."),
    )
    txn_ref = models.CharField(
        _("transaction reference"),
        max_length=32,
        unique=True,
        help_text=_("The reference of this attempt sent to the gateway (vnp_TxnRef)."),
    )
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    provider = models.CharField(_("provider"), max_length=32)
    provider_transaction_id = models.CharField(
        _("provider's transaction number"), max_length=64, blank=True
    )
    response_code = models.CharField(_("gateway response code"), max_length=8, blank=True)
    bank_code = models.CharField(_("bank"), max_length=32, blank=True)
    return_url = models.CharField(
        _("return address"),
        max_length=RETURN_URL_MAX_LENGTH,
        help_text=_("The page inside the platform the payer goes back to afterwards."),
    )
    redirect_url = models.TextField(_("address of the gateway's pay page"))
    expires_at = models.DateTimeField(_("pay before"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at (gateway)"), null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_vnd__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
            # The gateway's transaction number is unique per provider: one transaction can
            # never be booked on two payments.
            models.UniqueConstraint(
                fields=["provider", "provider_transaction_id"],
                condition=~models.Q(provider_transaction_id=""),
                name="payment_provider_transaction_unique",
            ),
            # A reference is paid at most once.
            models.UniqueConstraint(
                fields=["reference"],
                condition=models.Q(status=PaymentStatus.SUCCEEDED),
                name="payment_reference_paid_once",
            ),
        ]
        indexes = [models.Index(fields=["reference", "status"], name="payment_reference_idx")]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("payments:detail", args=[self.txn_ref])

    @property
    def is_pending(self) -> bool:
        return self.status == PaymentStatus.PENDING

    @property
    def is_expired(self) -> bool:
        return self.is_pending and timezone.now() >= self.expires_at


class PaymentNotification(models.Model):
    """An authentic (correctly signed) notification from the gateway that was applied to a
    payment or refused for it. Append-only: written once, never changed. A notification sent
    again (a replay or a retry of the gateway) has the same digest and is not kept twice."""

    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    provider = models.CharField(_("provider"), max_length=32)
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    digest = models.CharField(
        _("SHA-256 of the parameters"),
        max_length=64,
        unique=True,
        help_text=_("The same notification received again has the same digest."),
    )
    params = models.JSONField(_("parameters"))
    answer_code = models.CharField(_("answer code"), max_length=8)
    outcome = models.CharField(_("outcome"), max_length=255)
    remote_addr = models.GenericIPAddressField(_("sender's address"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.channel} {self.answer_code}"
