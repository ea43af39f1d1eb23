"""The catalogue of administrative procedures (thủ tục hành chính): sectors (lĩnh vực),
procedures, their dossier components (thành phần hồ sơ), downloadable forms (mẫu đơn, tờ khai)
and internal process steps (quy trình nội bộ), including steps at other agencies (liên thông).

Field meanings follow the national database of administrative procedures (Decree 63/2010,
Circular 02/2017/TT-VPCP) and Decrees 43/2011, 61/2018, 42/2022; see docs/glossary.md."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.collation import vietnamese_sort_key
from lienthong.core.models import TimeStampedModel
from lienthong.documents.models import Blob
from lienthong.documents.search import fold, plain

from .constants import RULE_FORMS, CopyKind, GovernmentLevel, Level2022, StepRole
from .querysets import OneStopRulesQuerySet, ProcedureQuerySet, SectorQuerySet

_WORD = re.compile(r"[0-9a-z]+")


class Sector(models.Model):
    """Lĩnh vực: the field a procedure belongs to (Báo chí, Xuất bản, Viễn thông...)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    ordinal = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["ordinal", "name"]

    def __str__(self) -> str:
        return self.name


class ResultKind(models.Model):
    """Loại kết quả: what a procedure gives the applicant — Giấy phép, Giấy chứng nhận, Giấy xác
    nhận, Văn bản chấp thuận, Quyết định… Catalogue data an administrator extends; a licence is
    not one of Decree 30/2020's administrative document types and is not forced into one. The
    result is registered and numbered under its kind (`services.result_document_type`)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=10,
        blank=True,
        help_text=_("Used in the result's number and symbol, e.g. GP for Giấy phép."),
    )
    ordinal = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("result kind")
        verbose_name_plural = _("result kinds")
        ordering = ["ordinal", "name"]

    def __str__(self) -> str:
        return self.name


class OneStopRules(models.Model):
    """Quy định một cửa: one set of the one-stop rules (a decree and its guiding circular) in
    force from a date. A new decree adds a row; a row is never rewritten, so a dossier keeps
    the rules in force on the day it was received (`Dossier.rules_version` holds the code):
    which forms it gets and their numbers, how long a supplement may still be asked for.

    Dates before the earliest row (the 2012-era demo predates Decree 61/2018) follow the
    earliest row: the platform models no older rules."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    decree = models.CharField(_("decree"), max_length=100)
    circular = models.CharField(_("guiding circular"), max_length=100)
    effective_from = models.DateField(_("in force from"), unique=True)
    supplement_days = models.PositiveSmallIntegerField(
        _("supplement request window (working days)"),
        help_text=_("Working days after reception in which processing may ask for supplements."),
    )
    forms = models.JSONField(
        _("forms"),
        help_text=_("Each form's number and title: {kind: {number, title}}."),
    )

    objects = OneStopRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("one-stop rules")
        verbose_name_plural = _("one-stop rules")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.decree}, {self.circular}"

    def form_number(self, kind: str) -> str:
        return str(self.forms[kind]["number"])

    def form_title(self, kind: str) -> str:
        return str(self.forms[kind]["title"])

    def clean(self) -> None:
        forms = self.forms if isinstance(self.forms, dict) else {}
        missing = [k for k in RULE_FORMS if not isinstance(forms.get(k), dict)]
        if missing:
            raise ValidationError({"forms": _("Forms missing: %(k)s.") % {"k": ", ".join(missing)}})


class Procedure(TimeStampedModel):
    """One administrative procedure as the competent agency settles it."""

    national_code = models.CharField(
        _("national code"),
        max_length=40,
        unique=True,
        help_text=_("Code in the national database of administrative procedures, e.g. T-CMU-…"),
    )
    name = models.CharField(_("name"), max_length=500)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("The agency that receives the dossier and returns the result."),
    )
    government_level = models.CharField(
        _("level of government"),
        max_length=16,
        choices=GovernmentLevel.choices,
        default=GovernmentLevel.PROVINCE,
    )
    level_2011 = models.PositiveSmallIntegerField(
        _("online service level (Decree 43/2011)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    level_2022 = models.CharField(
        _("online public service (Decree 42/2022)"),
        max_length=8,
        choices=Level2022.choices,
        default=Level2022.NONE,
        blank=True,
    )
    applicant = models.CharField(
        _("who files it"), max_length=300, blank=True, help_text=_("Đối tượng thực hiện.")
    )
    method = models.TextField(
        _("how to file"),
        blank=True,
        help_text=_("Cách thức thực hiện: at the counter, by post, on-line."),
    )
    requirements = models.TextField(
        _("requirements and conditions"), blank=True, help_text=_("Yêu cầu, điều kiện.")
    )
    legal_basis = models.TextField(_("legal basis"), help_text=_("Căn cứ pháp lý, one per line."))
    fee_vnd = models.PositiveBigIntegerField(
        _("fee (VND)"), default=0, help_text=_("Phí, lệ phí in đồng; 0 when free.")
    )
    fee_note = models.CharField(_("fee note"), max_length=500, blank=True)
    processing_days = models.DecimalField(
        _("processing time (working days)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    result_name = models.CharField(
        _("result"), max_length=300, help_text=_("Kết quả: the licence, certificate or decision.")
    )
    result_kind = models.ForeignKey(
        ResultKind,
        verbose_name=_("result kind"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("Giấy phép, Giấy chứng nhận…: the kind the result is registered under."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Derived search text (name, code, sector, agency): folded (no tone marks) and plain.
    search_text = models.TextField(editable=False, default="")
    name_plain = models.CharField(editable=False, max_length=500, default="")
    # Vietnamese alphabetical order of the name (core.collation): lists sort by it, never by
    # code points, the same on SQLite and PostgreSQL.
    name_sort = models.TextField(editable=False, default="")

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["name_sort", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level_2011__gte=1) & Q(level_2011__lte=4),
                name="procedure_level_2011_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(processing_days__gt=0), name="procedure_processing_time_positive"
            ),
        ]
        indexes = [models.Index(fields=["is_published", "sector"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:procedure", args=[self.pk])

    def refresh_search_text(self) -> None:
        """Recompute the derived search columns (called by the services before saving)."""
        parts = [self.name, self.national_code]
        if self.sector_id:
            parts.append(self.sector.name)
        if self.agency_id:
            parts.append(self.agency.name)
        # Words separated by single spaces, with a leading one: a query word matches the start
        # of a word (" in" finds “in ấn”, not “tin”).
        self.search_text = " " + " ".join(_WORD.findall(fold(" ".join(parts))))
        self.name_plain = plain(self.name)[:500]
        self.name_sort = vietnamese_sort_key(self.name)

    @property
    def is_free(self) -> bool:
        return self.fee_vnd == 0

    @property
    def needs_payment_online(self) -> bool:
        """A level-4 procedure with a fee takes the fee on-line when filed."""
        return self.level_2011 == 4 and self.fee_vnd > 0


class ProcedureForm(TimeStampedModel):
    """A downloadable form (mẫu đơn, tờ khai) of a procedure, its file a stored Blob."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="forms"
    )
    code = models.CharField(
        _("form code"), max_length=50, blank=True, help_text=_("E.g. “Mẫu số 01”.")
    )
    name = models.CharField(_("name"), max_length=300)
    blob = models.ForeignKey(Blob, verbose_name=_("file"), on_delete=models.PROTECT)
    file_name = models.CharField(_("file name"), max_length=200)
    ordinal = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("procedure form")
        verbose_name_plural = _("procedure forms")
        ordering = ["procedure", "ordinal", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("catalogue:form-download", args=[self.procedure_id, self.pk])


class ProcedureComponent(models.Model):
    """Thành phần hồ sơ: one paper the applicant supplies, original or copy, how many."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=500)
    copy_kind = models.CharField(
        _("original or copy"), max_length=16, choices=CopyKind.choices, default=CopyKind.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(
        _("number of copies"), default=1, validators=[MinValueValidator(1)]
    )
    required = models.BooleanField(_("required"), default=True)
    form = models.ForeignKey(
        ProcedureForm,
        verbose_name=_("form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="components",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "order"], name="component_order_unique_in_procedure"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="component_quantity_min_1"),
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureStep(models.Model):
    """One step of the internal process, at a unit of an agency, with its share of the time."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=16, choices=StepRole.choices)
    days = models.DecimalField(
        _("working days"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "order"], name="step_order_unique_in_procedure"
            ),
            models.CheckConstraint(condition=Q(days__gte=0), name="step_days_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def is_interagency(self) -> bool:
        """A step at an agency other than the procedure's own (liên thông)."""
        return self.agency_id != self.procedure.agency_id
