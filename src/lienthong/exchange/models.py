"""Deliveries of issued documents to the agencies of the platform they are addressed to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.documents.models import Document

from .constants import DeliveryStatus, RecallStatus


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def sent_by(self, agency_id: int) -> DeliveryQuerySet:
        return self.filter(outgoing__agency_id=agency_id)


class Delivery(models.Model):
    """One issued document on its way to one recipient agency. The recipient's own copy (an
    incoming Document) is created exactly once, by the `deliver` job."""

    outgoing = models.ForeignKey(
        Document,
        verbose_name=_("outgoing document"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        Agency, verbose_name=_("recipient agency"), on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.OneToOneField(
        Document,
        verbose_name=_("recipient's copy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery",
    )
    status = models.CharField(
        _("status"), max_length=2, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    recall_status = models.CharField(
        _("recall"),
        max_length=2,
        choices=RecallStatus.choices,
        default=RecallStatus.NONE,
        blank=True,
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["outgoing", "recipient__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["outgoing", "recipient"], name="delivery_once_per_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outgoing} → {self.recipient}"


class DeliveryEvent(models.Model):
    """Append-only history of a delivery: every status the recipient reported."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=2)
    occurred_at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status}"
