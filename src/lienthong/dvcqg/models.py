"""The national public-service portal (Cổng DVCQG): procedures' national codes, the outbox of
dossier status pushes, and the dossiers pulled from the portal (docs/dvcqg.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency
from lienthong.catalogue.models import Procedure
from lienthong.core.models import TimeStampedModel
from lienthong.onestop.constants import PORTAL_STATUS_NAMES
from lienthong.onestop.models import Dossier

from .constants import PROCEDURE_CODE_RE, PushKind, PushState
from .querysets import StatusPushQuerySet

procedure_code_validator = RegexValidator(
    PROCEDURE_CODE_RE, _("A national procedure code looks like 1.001234 or 2.000635.")
)


class NationalProcedureCode(TimeStampedModel):
    """The procedure's code in the national database of administrative procedures (mã TTHC)."""

    procedure = models.OneToOneField(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="dvcqg_code",
    )
    code = models.CharField(
        _("national procedure code"),
        max_length=8,
        validators=[procedure_code_validator],
        help_text=_("Mã TTHC on the national database, e.g. 1.001234."),
    )
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Unticked when the code is illustrative (demo data), not checked."),
    )
    national_name = models.CharField(_("name on the national database"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked on the portal at"), null=True, blank=True)

    class Meta:
        verbose_name = _("national procedure code")
        verbose_name_plural = _("national procedure codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.procedure}"


class StatusPush(TimeStampedModel):
    """One status change of a dossier to push to the portal (the outbox): written in the
    transaction of the change, sent in order per dossier by a job, kept once acknowledged."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="dvcqg_pushes"
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=PushKind.choices, default=PushKind.STATUS
    )
    status_code = models.PositiveSmallIntegerField(_("national status"))
    local_status = models.CharField(_("status"), max_length=24)
    changed_at = models.DateTimeField(_("changed at"))
    payload = models.JSONField(_("payload"), default=dict)
    state = models.CharField(
        _("sync state"), max_length=12, choices=PushState.choices, default=PushState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("reason"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    duplicate = models.BooleanField(_("already known to the portal"), default=False)

    objects = StatusPushQuerySet.as_manager()

    class Meta:
        verbose_name = _("status push")
        verbose_name_plural = _("status pushes")
        ordering = ["dossier", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "sequence"], name="dvcqg_push_unique_sequence"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="dvcqg_push_due_idx")]

    @property
    def status_name(self) -> str:
        return PORTAL_STATUS_NAMES.get(self.status_code, "")

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.sequence} → {self.status_code} ({self.state})"


class NationalDossier(TimeStampedModel):
    """A dossier filed on the national portal and pulled into the counter's queue: the
    portal's tracking code is kept beside ours; a dossier pulled twice is one dossier."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="dvcqg_link"
    )
    tracking_code = models.CharField(_("national tracking code"), max_length=40, unique=True)
    payload = models.JSONField(_("payload"), default=dict)
    pulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pulled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier from the national portal")
        verbose_name_plural = _("dossiers from the national portal")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.tracking_code


class PullRun(models.Model):
    """One pull of new dossiers for an agency (by the job or an officer's button)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    already = models.PositiveIntegerField(_("already pulled"), default=0)
    refused = models.JSONField(_("refused"), default=list)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("pull")
        verbose_name_plural = _("pulls")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.started_at:%Y-%m-%d %H:%M}"
