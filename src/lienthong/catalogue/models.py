"""The catalogue of administrative procedures (thủ tục hành chính): sectors (lĩnh vực),
procedures, their dossier components (thành phần hồ sơ), downloadable forms (mẫu đơn, tờ khai)
and internal process steps (quy trình nội bộ), including steps at other agencies (liên thông).

Field meanings follow the national database of administrative procedures (Decree 63/2010,
Circular 02/2017/TT-VPCP) and Decrees 43/2011, 61/2018, 42/2022; see docs/glossary.md."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.models import TimeStampedModel
from lienthong.documents.models import Blob
from lienthong.documents.search import fold, plain

from .constants import CopyKind, GovernmentLevel, Level2022, RulesVersion, StepRole
from .querysets import ProcedureQuerySet, SectorQuerySet

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
    rules_version = models.CharField(
        _("one-stop rules"),
        max_length=4,
        choices=RulesVersion.choices,
        default=RulesVersion.V2018,
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Derived search text (name, code, sector, agency): folded (no tone marks) and plain.
    search_text = models.TextField(editable=False, default="")
    name_plain = models.CharField(editable=False, max_length=500, default="")

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["name", "id"]
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

    @property
    def fee_grouped(self) -> str:
        """The fee with the Vietnamese thousands separator: 200.000."""
        return f"{self.fee_vnd:,}".replace(",", ".")

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
