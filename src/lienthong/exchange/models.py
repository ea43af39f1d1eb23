"""Deliveries of issued documents to the agencies of the platform they are addressed to."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.documents.models import Document

from .constants import (
    AxisTransport,
    BusinessType,
    DeliveryStatus,
    PackageDirection,
    PackageKind,
    PackageOutcome,
    RecallStatus,
    RequestAnswer,
)


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


# --- The national document axis ------------------------------------------------------------------


class AxisAgency(models.Model):
    """An agency reachable over the national document axis (its directory, synchronised)."""

    code = models.CharField(_("electronic identifier code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent_code = models.CharField(_("parent agency code"), max_length=20, blank=True)
    code102 = models.CharField(_("QCVN 102 code"), max_length=20, blank=True)
    is_active = models.BooleanField(_("listed by the axis"), default=True)
    synced_at = models.DateTimeField(_("synchronised at"))

    class Meta:
        verbose_name = _("agency on the axis")
        verbose_name_plural = _("agencies on the axis")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class AxisDeliveryQuerySet(models.QuerySet["AxisDelivery"]):
    def of_document(self, document_id: int) -> AxisDeliveryQuerySet:
        return self.filter(outgoing_id=document_id).select_related("recipient")


class AxisDelivery(models.Model):
    """One package (new, revocation, update or replacement) of an issued document to one agency
    on the axis, and what the recipient reported back."""

    outgoing = models.ForeignKey(
        Document,
        verbose_name=_("outgoing document"),
        on_delete=models.PROTECT,
        related_name="axis_deliveries",
    )
    recipient = models.ForeignKey(
        AxisAgency, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    business_type = models.PositiveSmallIntegerField(
        _("kind of package"), choices=BusinessType.choices, default=BusinessType.NEW
    )
    transport = models.CharField(
        _("axis"), max_length=8, choices=AxisTransport.choices, default=AxisTransport.QUEUED
    )
    status = models.CharField(
        _("status"), max_length=2, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    recall_status = models.CharField(
        _("recall"), max_length=2, choices=RecallStatus.choices, blank=True, default=""
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    axis_doc_id = models.CharField(_("id at the axis"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AxisDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery over the axis")
        verbose_name_plural = _("deliveries over the axis")
        ordering = ["outgoing", "recipient__name", "business_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["outgoing", "recipient", "business_type"],
                name="axis_delivery_once_per_recipient_and_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outgoing} → {self.recipient.code}"


class AxisDeliveryEvent(models.Model):
    """Append-only history of an axis delivery: every status the recipient reported."""

    delivery = models.ForeignKey(
        AxisDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("axis delivery event")
        verbose_name_plural = _("axis delivery events")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status}"


class AxisReceiptQuerySet(models.QuerySet["AxisReceipt"]):
    def pending_requests(self) -> AxisReceiptQuerySet:
        """Revocations, updates and replacements waiting for our clerk's answer."""
        return self.filter(answer=RequestAnswer.PENDING)

    def of_agency(self, agency_id: int | None) -> AxisReceiptQuerySet:
        return self.filter(agency_id=agency_id) if agency_id else self.none()


class AxisReceipt(models.Model):
    """A document received over the axis by one of our agencies: exactly one per (DocumentId,
    kind of package, recipient agency); a second arrival is acknowledged and recorded as a
    duplicate package, never as a second document."""

    document_key = models.CharField(_("edXML DocumentId"), max_length=200)
    business_type = models.PositiveSmallIntegerField(
        _("kind of package"), choices=BusinessType.choices
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("recipient agency"), on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.ForeignKey(
        Document,
        verbose_name=_("our copy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="axis_receipts",
    )
    sender_code = models.CharField(_("sender code"), max_length=20)
    sender_name = models.CharField(_("sender"), max_length=200)
    issued_date = models.DateField(_("document date"), null=True, blank=True)
    code = models.CharField(_("number and symbol"), max_length=60, blank=True)
    signature = models.CharField(_("package signature"), max_length=20)
    signer_subject = models.CharField(_("signed by"), max_length=500, blank=True)
    last_status = models.CharField(_("last status sent"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # A revocation, update or replacement is a request our clerk answers (15 / 16), never
    # applied silently: "pending" until answered.
    answer = models.CharField(
        _("answer"), max_length=8, choices=RequestAnswer.choices, blank=True, default=""
    )
    answer_reason = models.CharField(_("reason given"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    proposed = models.JSONField(_("what the sender asks"), default=dict, blank=True)
    target = models.ForeignKey(
        Document,
        verbose_name=_("copy concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AxisReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("document received over the axis")
        verbose_name_plural = _("documents received over the axis")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_key", "business_type", "agency"],
                name="axis_receipt_once_per_document_kind_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_key} ({self.get_business_type_display()})"

    @property
    def proposed_due_date(self) -> date | None:
        """The due date an update asks for (kept as ISO text in `proposed`), as a date."""
        return parse_date(str(self.proposed.get("due_date") or ""))


class AxisPackage(models.Model):
    """Evidence: every package sent or received over the axis, byte for byte as it travelled,
    with its hash, its signature, its route (TraceHeaderList) and what became of it."""

    direction = models.CharField(_("direction"), max_length=8, choices=PackageDirection.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=PackageKind.choices)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="axis_packages",
    )
    delivery = models.ForeignKey(
        AxisDelivery,
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="packages",
    )
    document_key = models.CharField(_("edXML DocumentId"), max_length=200, blank=True)
    business_type = models.PositiveSmallIntegerField(
        _("kind of package"), choices=BusinessType.choices, null=True, blank=True
    )
    status_code = models.CharField(_("status code"), max_length=2, blank=True)
    from_code = models.CharField(_("from"), max_length=20, blank=True)
    to_code = models.CharField(_("to"), max_length=20, blank=True)
    axis_doc_id = models.CharField(_("id at the axis"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    raw = models.BinaryField(_("package (edXML)"))
    signature = models.CharField(_("signature"), max_length=20)
    signer_subject = models.CharField(_("signed by"), max_length=500, blank=True)
    signer_fingerprint = models.CharField(_("certificate fingerprint"), max_length=64, blank=True)
    trace = models.JSONField(_("route (TraceHeaderList)"), default=list, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=PackageOutcome.choices, default=PackageOutcome.ACCEPTED
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("package on the axis")
        verbose_name_plural = _("packages on the axis")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["direction", "axis_doc_id"], name="axis_package_axis_id")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.kind} {self.document_key}"

    @property
    def file_name(self) -> str:
        return f"goi-tin-{self.pk}-{self.direction}.edxml"


class AxisAddressee(models.Model):
    """An agency on the axis chosen as a recipient of something not yet issued (a draft, in
    the drafting app's recipient picker), named by content type and id so that this app needs
    nothing of the apps above it. Issuing sends the document over the axis to these agencies."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of object"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    agency = models.ForeignKey(
        AxisAgency, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("recipient on the axis")
        verbose_name_plural = _("recipients on the axis")
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "agency"], name="axis_addressee_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → {self.agency.code}"
