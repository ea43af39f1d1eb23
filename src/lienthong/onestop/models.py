"""Dossiers (hồ sơ thủ tục hành chính) of the one-stop shop: applicants, components, the
process steps a dossier goes through at units and agencies, every hand-over (Mẫu 05, 06),
supplement requests (Mẫu 02), apologies (Mẫu 04) and citizens' ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.catalogue.models import OneStopRules
from lienthong.core.models import TimeStampedModel

from .constants import (
    PORTAL_STATUS,
    PORTAL_STATUS_NAMES,
    ApplicantKind,
    Channel,
    DossierStatus,
    HandOverAction,
    Outcome,
    Satisfaction,
    StepState,
    SupplementPhase,
)
from .querysets import DigitisedPaperQuerySet, DossierQuerySet, HandOverQuerySet, StepQuerySet


class ApplicantProfile(TimeStampedModel):
    """A citizen's or business's account data: the user has no agency and no roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="applicant_profile",
    )
    kind = models.CharField(_("applicant kind"), max_length=10, choices=ApplicantKind.choices)
    id_number = models.CharField(
        _("ID number"),
        max_length=13,
        help_text=_("Citizen identity card number, or the tax code of a business."),
    )
    phone = models.CharField(_("telephone"), max_length=15)
    address = models.CharField(_("address"), max_length=300, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")

    def __str__(self) -> str:
        return str(self.user)


class DailyCounter(models.Model):
    """The last dossier ordinal a receiving agency gave on one day; locked to number."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily dossier counter")
        verbose_name_plural = _("daily dossier counters")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_number}"


class Dossier(TimeStampedModel):
    """Hồ sơ: one application for one procedure, from filing to the returned result."""

    code = models.CharField(_("dossier code"), max_length=40, null=True, blank=True, unique=True)
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=10, choices=ApplicantKind.choices
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("ID number"), max_length=13)
    applicant_phone = models.CharField(_("telephone"), max_length=15)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    subject = models.CharField(_("request"), max_length=500, blank=True)
    copies = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    by_post = models.BooleanField(_("result by post"), default=False)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The code of the `catalogue.OneStopRules` in force on the day of reception (on the day of
    # creation until then): the forms and deadlines of that set apply to the dossier.
    rules_version = models.CharField(_("one-stop rules"), max_length=4, default="2018")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clock_started_at = models.DateTimeField(_("time counted from"), null=True, blank=True)
    first_due_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_channel = models.CharField(
        _("returned"), max_length=10, choices=Channel.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    closing_reason = models.CharField(_("reason"), max_length=1000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fee_vnd = models.PositiveBigIntegerField(_("fee (VND)"), default=0)
    fee_paid_at = models.DateTimeField(_("fee paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    result_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("result document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result_file = models.ForeignKey(
        "documents.AttachmentVersion",
        verbose_name=_("electronic result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The result file as sealed by the issuing agency: what the applicant gets."),
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["agency", "status"], name="dossier_agency_status_idx"),
            models.Index(fields=["applicant", "-id"], name="dossier_applicant_idx"),
            # The leaders' dashboard: dossiers received in the window, by agency.
            models.Index(fields=["agency", "received_at"], name="dossier_agency_received_idx"),
            models.Index(
                fields=["warn_at"],
                condition=Q(warned_at__isnull=True),
                name="dossier_warn_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DossierStatus.DRAFT) | Q(code__isnull=False),
                name="dossier_code_once_submitted",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def portal_status(self) -> int | None:
        return PORTAL_STATUS[self.status]

    @property
    def portal_status_name(self) -> str:
        code = self.portal_status
        return PORTAL_STATUS_NAMES[code] if code else ""

    @cached_property
    def rules(self) -> OneStopRules:
        """The set of one-stop rules this dossier follows (see `rules_version`)."""
        return OneStopRules.objects.get(code=self.rules_version)

    @property
    def is_open(self) -> bool:
        return self.status in {
            DossierStatus.RECEIVED,
            DossierStatus.PROCESSING,
            DossierStatus.AWAITING_PAYMENT,
            DossierStatus.SUPPLEMENT_REQUESTED,
        }


class DigitisedPaper(models.Model):
    """Bản điện tử đã số hoá: the electronic copy of a paper an applicant handed in on paper at
    the counter (scanned there, Decree 107/2021/NĐ-CP), or of a result the agency issued, kept
    by the agency that holds it and offered again in the same applicant's later dossiers there
    (matched by the applicant's ID number and the kind of paper)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_id_number = models.CharField(_("applicant's ID number"), max_length=13)
    kind_key = models.CharField(
        _("kind of paper"),
        max_length=500,
        help_text=_("The paper's name without tone marks: papers of one kind share it."),
    )
    name = models.CharField(_("name"), max_length=500)
    blob = models.ForeignKey("documents.Blob", verbose_name=_("file"), on_delete=models.PROTECT)
    file_name = models.CharField(_("file name"), max_length=255)
    dpi = models.PositiveSmallIntegerField(_("resolution (dpi)"), null=True, blank=True)
    is_result = models.BooleanField(_("result of a dossier"), default=False)
    dossier = models.ForeignKey(
        "Dossier",
        verbose_name=_("digitised with dossier"),
        on_delete=models.PROTECT,
        related_name="digitised_papers",
    )
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("digitised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    digitised_at = models.DateTimeField(_("digitised at"))

    objects = DigitisedPaperQuerySet.as_manager()

    class Meta:
        verbose_name = _("digitised paper")
        verbose_name_plural = _("digitised papers")
        ordering = ["-digitised_at", "-id"]
        indexes = [
            models.Index(
                fields=["agency", "applicant_id_number", "kind_key"], name="digitised_applicant_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.file_name})"


class DossierComponent(models.Model):
    """One paper of a dossier as a stored file (uploaded on-line or scanned at the counter)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="components"
    )
    procedure_component = models.ForeignKey(
        "catalogue.ProcedureComponent",
        verbose_name=_("component of the procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=500)
    blob = models.ForeignKey("documents.Blob", verbose_name=_("file"), on_delete=models.PROTECT)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    supplement = models.ForeignKey(
        "SupplementRequest",
        verbose_name=_("supplied for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="components",
    )
    digitised = models.ForeignKey(
        DigitisedPaper,
        verbose_name=_("digitised copy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uses",
        help_text=_("Set for a paper scanned at the counter, or reused from an earlier dossier."),
    )

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_reused(self) -> bool:
        """Attached from an earlier dossier's digitised copy, not scanned again."""
        return self.digitised is not None and self.digitised.dossier_id != self.dossier_id


class DossierStep(models.Model):
    """One step of the procedure's process for this dossier, at a unit or an agency."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    role = models.CharField(_("role"), max_length=16)
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1)
    state = models.CharField(
        _("state"), max_length=10, choices=StepState.choices, default=StepState.WAITING
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposal = models.TextField(_("proposal"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["dossier", "order"]
        # The leaders' dashboard: steps started in the window, by the agency handling them.
        indexes = [models.Index(fields=["agency", "started_at"], name="step_agency_started_idx")]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def is_interagency(self) -> bool:
        return self.agency_id != self.dossier.agency_id


class Consultation(models.Model):
    """An opinion a handler asks of another unit (xin ý kiến), with its deadline and answer."""

    step = models.ForeignKey(
        DossierStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="consultations"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit asked"), on_delete=models.PROTECT)
    question = models.CharField(_("question"), max_length=2000)
    deadline_at = models.DateTimeField(_("deadline"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["step", "asked_at", "id"]

    def __str__(self) -> str:
        return self.question[:60]


class HandOver(models.Model):
    """Append-only history: every step of a dossier with its time, who gave and who took it
    (the rows of the control sheet, Mẫu 05, and the tracking book, Mẫu 06)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="history"
    )
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("action"), max_length=24, choices=HandOverAction.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_after = models.CharField(_("status"), max_length=24, choices=DossierStatus.choices)
    note = models.CharField(_("note"), max_length=2000, blank=True)
    to_applicant = models.BooleanField(
        _("sent to the applicant"),
        default=False,
        help_text=_(
            "The note is a message to the applicant (a supplement request, a refusal reason, "
            "an apology, or a note the officer chose to send); other notes stay internal."
        ),
    )

    objects = HandOverQuerySet.as_manager()

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at}"

    @property
    def applicant_note(self) -> str:
        """The note as the applicant may read it: only a message sent to them."""
        return self.note if self.to_applicant else ""

    @property
    def portal_status(self) -> int | None:
        return PORTAL_STATUS[self.status_after]

    @property
    def portal_status_name(self) -> str:
        code = self.portal_status
        return PORTAL_STATUS_NAMES[code] if code else ""


class SupplementRequest(models.Model):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02): at most once at reception and once
    during processing."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="supplements"
    )
    phase = models.CharField(_("phase"), max_length=10, choices=SupplementPhase.choices)
    items = models.TextField(_("what to supply"))
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    fulfilled_at = models.DateTimeField(_("supplied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "phase"], name="supplement_once_per_phase")
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.phase}"


class Apology(models.Model):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): at most one per dossier."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="apology"
    )
    reason = models.CharField(_("reason for the delay"), max_length=1000)
    old_due_at = models.DateTimeField(_("former appointment"))
    new_due_at = models.DateTimeField(_("new appointment"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")

    def __str__(self) -> str:
        return str(self.dossier)


class Rating(models.Model):
    """The applicant's satisfaction with how a dossier was handled (one per dossier)."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="rating"
    )
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), choices=Satisfaction.choices)
    staff_attitude = models.PositiveSmallIntegerField(
        _("staff attitude"), choices=Satisfaction.choices
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.satisfaction}"
