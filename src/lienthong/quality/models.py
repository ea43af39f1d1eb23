"""The agency's quality management system (ISO 9001) as data: the standard's version with its
clauses and review inputs, scope, policy, objectives bound to indicators, processes and the
records they keep, internal audits with findings and actions, management reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.core.models import TimeStampedModel

from .constants import ActionKind, ActionStatus, AuditStatus, FindingKind, Indicator


class StandardVersion(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=100)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    preventive_action = models.BooleanField(_("has preventive action"))
    review_clause = models.CharField(_("management-review inputs clause"), max_length=10)

    class Meta:
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class Clause(models.Model):
    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(_("clause"), max_length=10)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["version", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="clause_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ReviewInput(models.Model):
    """An input the management review must consider (5.6.2 or 9.3.2), and which figures of
    the platform feed it (`source`, see constants.SOURCES)."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="inputs")
    code = models.CharField(_("item"), max_length=4)
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("computed from"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("review input")
        verbose_name_plural = _("review inputs")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"{self.code}) {self.title}"


class QualitySystem(TimeStampedModel):
    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        StandardVersion, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.TextField(_("scope"))
    policy = models.TextField(_("quality policy"))
    manual_reference = models.CharField(_("quality manual"), max_length=200, blank=True)
    announced_on = models.DateField(_("announced conformity on"), null=True, blank=True)

    class Meta:
        verbose_name = _("quality system")
        verbose_name_plural = _("quality systems")

    def __str__(self) -> str:
        return f"{self.agency} — {self.version}"


class Objective(models.Model):
    system = models.ForeignKey(QualitySystem, on_delete=models.CASCADE, related_name="objectives")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("objective"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    target = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.title


class ScopedProcedure(models.Model):
    """A procedure in the system's scope: its process is the catalogue's internal steps."""

    system = models.ForeignKey(QualitySystem, on_delete=models.CASCADE, related_name="procedures")
    procedure = models.ForeignKey("catalogue.Procedure", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("procedure in scope")
        verbose_name_plural = _("procedures in scope")
        constraints = [
            models.UniqueConstraint(fields=["system", "procedure"], name="procedure_once_in_scope")
        ]

    def __str__(self) -> str:
        return str(self.procedure_id)


class ProcessDocument(models.Model):
    """Another documented process (quy trình): code, version, approval and effective dates."""

    system = models.ForeignKey(QualitySystem, on_delete=models.CASCADE, related_name="processes")
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    approved_on = models.DateField(_("approved on"))
    effective_on = models.DateField(_("effective on"))
    records = models.TextField(
        _("records kept"), blank=True, help_text=_("One per line: record — retention.")
    )

    class Meta:
        verbose_name = _("documented process")
        verbose_name_plural = _("documented processes")
        ordering = ["code", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code", "revision"], name="process_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.revision})"


class Audit(TimeStampedModel):
    system = models.ForeignKey(QualitySystem, on_delete=models.PROTECT, related_name="audits")
    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("planned on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    scope = models.CharField(_("units and processes audited"), max_length=500)
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )

    class Meta:
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")
        ordering = ["-planned_on"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="checklist")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="+")
    question = models.CharField(_("question"), max_length=500)
    conforms = models.BooleanField(_("conforms"), null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.question


class Finding(TimeStampedModel):
    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=FindingKind.choices)
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.clause.number}"


class Action(TimeStampedModel):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(_("kind"), max_length=10, choices=ActionKind.choices)
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="quality_actions",
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification of effectiveness"), blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


class ManagementReview(TimeStampedModel):
    system = models.ForeignKey(QualitySystem, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("held on"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    inputs = models.JSONField(_("inputs (computed when recorded)"), default=list)
    decisions = models.TextField(_("decisions"))

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.system.agency} {self.held_on:%d/%m/%Y}"
