"""Report forms as data (chế độ báo cáo), their versions and indicators, the periods opened for
collection, each agency's report and its values.

A form's indicators belong to a version; a period is opened on the version current at the time
and every report of the period keeps pointing at it, so changing a form (which makes a new
version) never rewrites a report already filled in or submitted."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.core.models import TimeStampedModel

from .constants import Aggregation, IndicatorType, Periodicity, ReportStatus
from .expressions import CODE_PATTERN
from .periods import DECREE_09_CUTOFF_DAY
from .querysets import AgencyReportQuerySet, ReportFormQuerySet


class ReportForm(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    periodicity = models.CharField(_("periodicity"), max_length=16, choices=Periodicity.choices)
    cutoff_day = models.PositiveSmallIntegerField(
        _("cut-off day"),
        default=DECREE_09_CUTOFF_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "Figures are counted from this day of the month before the period to the day before "
            "it in the period's last month (Decree 09/2019 Art. 12: 15). 1 means calendar periods."
        ),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("days to submit after the cut-off"),
        default=5,
        validators=[MaxValueValidator(90)],
    )
    aggregator = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="aggregated_report_forms",
        verbose_name=_("aggregating agency"),
    )
    reporting_agencies = models.ManyToManyField(
        Agency, related_name="report_forms", verbose_name=_("reporting agencies")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    submitted_as_document = models.BooleanField(
        _("submitted as a signed document"),
        default=False,
        help_text=_(
            "Each agency's report is also sent as an official document: its PDF goes through "
            "drafting, is signed by the agency leader, sealed on issue and delivered to the "
            "aggregating agency's incoming documents."
        ),
    )

    objects = ReportFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> FormVersion | None:
        return self.versions.order_by("-number").first()


class FormVersion(models.Model):
    form = models.ForeignKey(
        ReportForm, on_delete=models.CASCADE, related_name="versions", verbose_name=_("form")
    )
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The order in which derived indicators are computed (checked when the version was saved).
    formula_order = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="reports_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form.code} v{self.number}"


class Indicator(models.Model):
    version = models.ForeignKey(
        FormVersion, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("version")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=32, validators=[RegexValidator(CODE_PATTERN)])
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=IndicatorType.choices)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(
        _("minimum"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    choices = models.TextField(_("choices (one per line)"), blank=True)
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=16, choices=Aggregation.choices, default=Aggregation.SUM
    )
    source = models.CharField(
        _("pre-filled from"),
        max_length=64,
        blank=True,
        help_text=_("The platform's figure this indicator is pre-filled with (a source's key)."),
    )
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="reports_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ReportingPeriod(models.Model):
    form = models.ForeignKey(
        ReportForm, on_delete=models.PROTECT, related_name="periods", verbose_name=_("form")
    )
    version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="periods", verbose_name=_("version")
    )
    label = models.CharField(_("period"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number in the year"), default=1)
    starts_on = models.DateField(_("figures from"))
    ends_on = models.DateField(_("figures to"))
    deadline = models.DateField(_("deadline"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "starts_on", "ends_on"], name="reports_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form.name} — {self.label}"


class AgencyReport(models.Model):
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="reports", verbose_name=_("period")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="periodic_reports", verbose_name=_("agency")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("accepted or returned at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    # The outgoing document (dự thảo, then the issued document) that carries the report, when
    # its form is submitted as a signed document; the last one when it was submitted again.
    document_draft = models.ForeignKey(
        "drafting.Draft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report document"),
    )
    # When the issued report document was delivered to the aggregating agency: from then on
    # the report counts (status submitted); a late arrival makes the report late.
    document_arrived_at = models.DateTimeField(
        _("signed document arrived at"), null=True, blank=True
    )

    objects = AgencyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "agency"], name="reports_one_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.period} — {self.agency}"


class ReportValue(models.Model):
    report = models.ForeignKey(
        AgencyReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    number = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True)
    text = models.CharField(_("text"), max_length=1000, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The figure the platform proposed (pre-fill), kept beside a corrected one.
    prefilled = models.DecimalField(
        _("pre-filled value"), max_digits=20, decimal_places=4, null=True
    )

    class Meta:
        verbose_name = _("report value")
        verbose_name_plural = _("report values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="reports_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}={self.number if self.number is not None else self.text}"


class NationalSubmission(models.Model):
    """An accepted report sent to the national reporting information system (Hệ thống thông tin
    báo cáo Chính phủ): the payload exactly as sent, kept as evidence, and what came back."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        ACCEPTED = "accepted", _("Received by the national system")
        REFUSED = "refused", _("Refused by the national system")

    report = models.ForeignKey(
        AgencyReport,
        on_delete=models.PROTECT,
        related_name="national_submissions",
        verbose_name=_("report"),
    )
    payload = models.JSONField(_("payload sent"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    receipt = models.CharField(_("national receipt number"), max_length=64, blank=True)
    answer = models.JSONField(_("answer"), default=dict, blank=True)
    error = models.CharField(_("reason"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("submission to the national system")
        verbose_name_plural = _("submissions to the national system")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} → {self.receipt or self.get_state_display()}"
