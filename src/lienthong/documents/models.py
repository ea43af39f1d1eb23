"""Official documents (văn bản đến / đi), their types, registers, numbers and attachments.

Field names follow the data standard of Decree 30/2020 Phụ lục VI (edXML names in comments)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.models import TimeStampedModel

from .constants import (
    Confidentiality,
    Direction,
    DocumentStatus,
    NumberStatus,
    ProcessingStatus,
    RegisterKind,
    Urgency,
)
from .querysets import DocumentQuerySet, KeptUploadQuerySet, RegisterQuerySet


class DocumentType(models.Model):
    """Loại văn bản hành chính (Decree 30/2020, Phụ lục III): data an administrator edits."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=10,
        blank=True,
        help_text=_("Empty for types without one (công văn, thư công)."),
    )
    ordinal = models.PositiveSmallIntegerField(_("order"), default=0)
    is_copy_kind = models.BooleanField(_("copy kind (SY, SL, TrS)"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["ordinal", "name"]

    def __str__(self) -> str:
        return self.name


class Register(TimeStampedModel):
    """Sổ văn bản of one agency for one calendar year (Vietnam time).

    An outgoing register with no document type is the agency's shared sequence for every
    administrative type; one with a type numbers that type alone."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="registers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=32, choices=RegisterKind.choices)
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("document type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: one shared sequence for every type."),
    )
    name = models.CharField(_("name"), max_length=200)
    last_number = models.PositiveIntegerField(_("last number"), default=0)
    is_closed = models.BooleanField(_("closed"), default=False)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["agency", "-year", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind", "document_type"],
                name="register_unique_per_type",
            ),
            models.UniqueConstraint(
                fields=["agency", "year", "kind"],
                condition=Q(document_type__isnull=True),
                name="register_unique_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Document(TimeStampedModel):
    """One official document as registered by one agency (incoming or outgoing)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="documents"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    status = models.CharField(_("status"), max_length=16, choices=DocumentStatus.choices)
    register = models.ForeignKey(
        Register, verbose_name=_("register"), null=True, blank=True, on_delete=models.PROTECT
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT
    )
    # Số và ký hiệu: CodeNumber (String 11) and CodeNotation (String 30).
    code_number = models.CharField(_("number"), max_length=11, blank=True)
    code_notation = models.CharField(_("symbol"), max_length=30, blank=True)
    register_number = models.PositiveIntegerField(
        _("number in our register"), null=True, blank=True
    )
    issued_date = models.DateField(_("document date"), null=True, blank=True)  # IssuedDate
    issuer_name = models.CharField(_("issuing agency"), max_length=200)  # OrganName
    issuer_code = models.CharField(_("issuing agency code"), max_length=20, blank=True)  # OrganId
    issuer_agency = models.ForeignKey(
        Agency,
        verbose_name=_("issuing agency on the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("subject (trích yếu)"), max_length=500)  # Subject
    signer_name = models.CharField(_("signer"), max_length=50, blank=True)  # SignerInfo/FullName
    signer_position = models.CharField(_("signer's position"), max_length=100, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=Confidentiality.choices, default=Confidentiality.NONE
    )
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)  # PageAmount
    due_date = models.DateField(_("due date"), null=True, blank=True)  # DueDate
    description = models.CharField(_("notes"), max_length=500, blank=True)  # Description
    # Incoming only: ArrivalNumber, ArrivalDate, ToPlaces.
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)
    arrival_date = models.DateTimeField(_("arrival date"), null=True, blank=True)
    to_places = models.CharField(_("units or people receiving it"), max_length=1000, blank=True)
    # Outgoing only: recipients, IssuedAmount, drafting unit.
    recipient_agencies = models.ManyToManyField(
        Agency, verbose_name=_("recipient agencies"), blank=True, related_name="+"
    )
    external_recipients = models.CharField(_("other recipients"), max_length=1000, blank=True)
    copies = models.PositiveSmallIntegerField(_("number of copies"), null=True, blank=True)
    drafting_unit = models.ForeignKey(
        Unit, verbose_name=_("drafting unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a document delivered by the platform and not yet registered."),
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-id"]
        indexes = [
            # The status rides along (PostgreSQL): the leader's tray walks an agency's incoming
            # documents newest first for the registered ones without a lead, and reads the
            # status from the index instead of the table (at ten million documents its count
            # went from 115-170 to 46 ms).
            models.Index(
                fields=["agency", "direction", "-id"],
                include=["status"],
                name="doc_agency_dir_idx",
            ),
            # Newest first within an agency, whatever the direction: the walk of a search.
            models.Index(fields=["agency", "-id"], name="doc_agency_newest_idx"),
            models.Index(
                fields=["agency", "direction", "code_number", "code_notation"],
                name="doc_number_dir_idx",
            ),
            # The leaders' statistics and dashboard count by arrival or issue date within the
            # agencies in scope (a week, a month, a year): a range of the index, not the
            # agencies' whole archive (docs/reports.md, "Statistics at scale").
            # The status and the type ride along (PostgreSQL), so that a year's counts by month
            # or by type are read from the index alone: at ten million documents, fetching each
            # counted row's status from the table read 160,000 blocks for one agency's year.
            models.Index(
                fields=["agency", "direction", "arrival_date"],
                include=["status", "document_type"],
                name="doc_agency_arrival_idx",
            ),
            models.Index(
                fields=["agency", "direction", "issued_date"],
                include=["status", "document_type"],
                name="doc_agency_issued_idx",
            ),
            # The clerk's trays (received documents to register, outgoing ones to issue) list
            # the few documents still waiting. Without this index a tray is found by reading
            # the agency's whole archive, newest first, for the rare row not yet registered:
            # 1.7 s at ten million documents (docs/performance.md, "Ten million documents").
            models.Index(
                fields=["agency", "direction", "status", "-id"],
                # Two equalities, not IN: PostgreSQL prints an IN list back in a form that reads
                # differently once re-created, and the generator re-creates the index from it.
                condition=Q(status=DocumentStatus.RECEIVED) | Q(status=DocumentStatus.DRAFT),
                name="doc_waiting_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "arrival_number"],
                condition=Q(arrival_number__isnull=False),
                name="doc_arrival_number_unique",
            ),
            models.UniqueConstraint(
                fields=["register", "register_number"],
                condition=Q(register_number__isnull=False),
                name="doc_register_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_and_symbol or '—'} {self.subject[:60]}"

    @property
    def number_and_symbol(self) -> str:
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality > Confidentiality.NONE

    @property
    def is_final(self) -> bool:
        """Final once issued or received: its files are not replaced (only signed, by an
        incremental update); a correction is a replacement document (văn bản thay thế)."""
        return self.direction == Direction.INCOMING or self.status in {
            DocumentStatus.ISSUED,
            DocumentStatus.RECALLED,
        }


class NumberAllocation(models.Model):
    """Every number a register has handed out: reserved, used by a document, or released."""

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="allocations"
    )
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=10, choices=NumberStatus.choices)
    document = models.ForeignKey(
        Document, verbose_name=_("document"), null=True, blank=True, on_delete=models.PROTECT
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField(_("at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("number allocation")
        verbose_name_plural = _("number allocations")
        ordering = ["register", "number", "allocated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number"],
                condition=~Q(status=NumberStatus.RELEASED),
                name="allocation_one_active_per_number",
            ),
        ]
        indexes = [
            # Released numbers are few; finding the lowest one to hand out again must not read
            # every allocation of a big register.
            models.Index(
                fields=["register", "number"],
                condition=Q(status=NumberStatus.RELEASED),
                name="allocation_released_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.register}: {self.number} ({self.get_status_display()})"


class Blob(models.Model):
    """A stored file, addressed by the SHA-256 of its content (stored once however often used)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    storage_name = models.CharField(_("storage name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256


class Attachment(TimeStampedModel):
    """A file of a document; replacing it adds a version, the old ones are kept."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> AttachmentVersion | None:
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.version) if versions else None


class AttachmentVersion(models.Model):
    attachment = models.ForeignKey(
        Attachment, verbose_name=_("attachment"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    blob = models.ForeignKey(Blob, verbose_name=_("file"), on_delete=models.PROTECT)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    text = models.TextField(_("extracted text"), blank=True)
    text_status = models.CharField(
        _("text extraction"),
        max_length=12,
        choices=ProcessingStatus.choices,
        default=ProcessingStatus.PENDING,
    )
    ocr_used = models.BooleanField(_("text recognised by OCR"), default=False)
    text_error = models.CharField(_("text extraction error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("attachment version")
        verbose_name_plural = _("attachment versions")
        ordering = ["attachment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["attachment", "version"], name="attachment_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.version}"


class SearchEntry(models.Model):
    """The search index row of a document: its searchable text, folded (no tone marks, đ→d)
    for matching and lower-cased with tone marks for ranking exact matches first. Written by a
    background job, so registration never waits for indexing."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    folded = models.TextField()
    plain = models.TextField()
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")

    def __str__(self) -> str:
        return str(self.document_id)


class KeptUpload(models.Model):
    """A file a clerk uploaded to a form that was shown again (“fill in from the file”, or an
    error), kept for that clerk's next submission of the form. The form carries only `token`, a
    random secret bound to the user who uploaded the file, usable once and until `expires_at`:
    a content hash is never accepted to name a stored file."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    blob = models.ForeignKey(Blob, verbose_name=_("file"), on_delete=models.PROTECT)
    name = models.CharField(_("file name"), max_length=255)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = KeptUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("kept upload")
        verbose_name_plural = _("kept uploads")

    def __str__(self) -> str:
        return self.name
