"""Work files (hồ sơ công việc) and the yearly file catalogue (danh mục hồ sơ) of an agency,
Decree 30/2020 Điều 28-31 and Phụ lục V; field names follow the data standard of Phụ lục VI
part III (edXML-style names in comments)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.models import TimeStampedModel
from lienthong.documents.models import Document

from .constants import DEFAULT_LANGUAGE, CaseFileStatus, CatalogNumbering, Rights
from .querysets import (
    CaseFileItemQuerySet,
    CaseFileQuerySet,
    FileCatalogQuerySet,
    RetentionRuleQuerySet,
)


class RetentionPeriod(models.Model):
    """Thời hạn bảo quản: one band of the retention table (Vĩnh viễn, 70 năm, … 5 năm).
    Data an administrator edits; the bands in force come from TT 10/2022/TT-BNV."""

    name = models.CharField(
        _("name"), max_length=30, unique=True, help_text=_("As printed, e.g. “20 năm”.")
    )  # Maintenance (String 30)
    years = models.PositiveSmallIntegerField(
        _("years"), null=True, blank=True, help_text=_("Empty: kept permanently (vĩnh viễn).")
    )
    applies_to = models.TextField(
        _("kinds of files"), blank=True, help_text=_("What kinds of files are kept this long.")
    )
    ordinal = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["ordinal", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_permanent(self) -> bool:
        return self.years is None

    @property
    def must_be_deposited(self) -> bool:
        """Files kept five years or more are deposited in the agency archive (Điều 31)."""
        return self.years is None or self.years >= 5


class RetentionRule(models.Model):
    """One row of the retention table (bảng thời hạn bảo quản): a kind of file (nhóm hồ sơ)
    and how long it is kept, under a legal basis, from a date. A new circular adds new rows
    with their own dates instead of changing old ones."""

    code = models.CharField(
        _("code"), max_length=30, help_text=_("The row's number in the retention table.")
    )
    name = models.CharField(_("kind of file"), max_length=500)
    period = models.ForeignKey(
        RetentionPeriod,
        verbose_name=_("retention period"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_verified = models.BooleanField(
        _("checked against the legal text"),
        default=False,
        help_text=_("Unticked while the row comes from a secondary source and awaits checking."),
    )

    objects = RetentionRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention table")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="retention_rule_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="retention_rule_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}: {self.period}"


class FileCatalog(TimeStampedModel):
    """Danh mục hồ sơ: the files an agency plans to make in a year, under large headings
    (its units, numbered I, II, III…) and approved by the head at the start of the year."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="file_catalogs"
    )
    year = models.PositiveSmallIntegerField(_("year"))  # FileCatalog (Number 4)
    numbering = models.CharField(
        _("numbering of files"),
        max_length=16,
        choices=CatalogNumbering.choices,
        default=CatalogNumbering.PER_HEADING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = FileCatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("file catalogue")
        verbose_name_plural = _("file catalogues")
        ordering = ["agency", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="file_catalog_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name or self.agency.name} — {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("records:catalog") + f"?nam={self.year}"


class CatalogEntry(TimeStampedModel):
    """A file planned in the catalogue: số và ký hiệu, title, retention, who makes it."""

    catalog = models.ForeignKey(
        FileCatalog, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="entries"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit (large heading)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    heading = models.CharField(
        _("small heading"), max_length=200, blank=True, help_text=_("Đề mục nhỏ, if any.")
    )
    ordinal = models.PositiveSmallIntegerField(_("number"))
    notation = models.CharField(_("number and symbol"), max_length=20)  # FileNotation
    title = models.CharField(_("title"), max_length=500)
    retention = models.ForeignKey(
        RetentionPeriod, verbose_name=_("retention period"), on_delete=models.PROTECT
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("file creator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Người lập hồ sơ."),
    )
    note = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["catalog", "unit__name", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "notation"], name="catalog_entry_notation_unique"
            ),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="catalog_entry_ordinal_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.notation} {self.title[:60]}"


class CaseFile(TimeStampedModel):
    """Hồ sơ: the documents of one piece of work, collected while it is open and closed when
    the work is done. Its code (FileCode) is the agency's identifier, the year and its number
    and symbol joined by dots: 000.00.05.H12.2026.05.VP."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="case_files"
    )  # OrganId
    year = models.PositiveSmallIntegerField(_("year"))  # FileCatalog (Number 4)
    notation = models.CharField(_("number and symbol"), max_length=20)  # FileNotation
    catalog_entry = models.ForeignKey(
        CatalogEntry,
        verbose_name=_("catalogue entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_files",
    )
    title = models.CharField(_("title"), max_length=500)  # Title
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("file creator"),
        on_delete=models.PROTECT,
        related_name="case_files",
        help_text=_("Người lập hồ sơ."),
    )  # Creator
    retention = models.ForeignKey(
        RetentionPeriod, verbose_name=_("retention period"), on_delete=models.PROTECT
    )  # Maintenance
    rights = models.CharField(
        _("access rights"), max_length=16, choices=Rights.choices, default=Rights.PUBLIC
    )  # Rights
    language = models.CharField(_("language"), max_length=50, default=DEFAULT_LANGUAGE)  # Language
    description = models.CharField(_("notes"), max_length=500, blank=True)  # Description
    status = models.CharField(
        _("status"), max_length=10, choices=CaseFileStatus.choices, default=CaseFileStatus.OPEN
    )
    # Computed from the documents: on every change and, definitively, when the file is closed.
    start_date = models.DateField(_("start date"), null=True, blank=True)  # StartDate
    end_date = models.DateField(_("end date"), null=True, blank=True)  # EndDate
    doc_total = models.PositiveSmallIntegerField(_("documents"), default=0)  # DocTotal
    page_total = models.PositiveIntegerField(_("pages"), default=0)  # PageTotal
    last_ordinal = models.PositiveSmallIntegerField(
        _("last document number"), default=0, help_text=_("The last DocOrdinal handed out.")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CaseFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("work file")
        verbose_name_plural = _("work files")
        ordering = ["-year", "notation"]
        indexes = [
            models.Index(fields=["agency", "status", "creator"], name="case_file_mine_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "notation"], name="case_file_code_unique"
            ),
            models.UniqueConstraint(
                fields=["catalog_entry"],
                condition=Q(catalog_entry__isnull=False),
                name="case_file_one_per_entry",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseFileStatus.values), name="case_file_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="case_file_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notation} {self.title[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("records:detail", kwargs={"pk": self.pk})

    @property
    def file_code(self) -> str:
        """Mã hồ sơ (FileCode): OrganId.FileCatalog.FileNotation."""
        return f"{self.agency.code}.{self.year}.{self.notation}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseFileStatus.OPEN


class CaseFileItem(models.Model):
    """A document in a file, with its number in the file (DocOrdinal). One document may be
    in several files. Numbers are handed out in order of addition, without gaps, and never
    change: a document taken out keeps its row (and its number) with who, when and why."""

    case_file = models.ForeignKey(
        CaseFile, verbose_name=_("work file"), on_delete=models.PROTECT, related_name="items"
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="case_file_items",
    )
    ordinal = models.PositiveSmallIntegerField(_("number in the file"))  # DocOrdinal
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    objects = CaseFileItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("document in a file")
        verbose_name_plural = _("documents in files")
        ordering = ["case_file", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_file", "ordinal"], name="case_file_item_ordinal_unique"
            ),
            models.UniqueConstraint(
                fields=["case_file", "document"],
                condition=Q(removed_at__isnull=True),
                name="case_file_item_document_once",
            ),
            models.CheckConstraint(
                condition=Q(ordinal__gte=1), name="case_file_item_ordinal_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_file.notation} #{self.ordinal:02d}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
