"""Drafts of outgoing documents (dự thảo), their versions, their review route and their
append-only history (Decree 30/2020, Điều 10 to 14)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.models import Agency, Unit
from lienthong.core.models import TimeStampedModel
from lienthong.documents.constants import Confidentiality, Urgency
from lienthong.documents.models import Blob, Document, DocumentType

from .constants import (
    DraftState,
    EventKind,
    SigningAuthority,
    StepDecision,
    StepKind,
    StepMode,
    StepStatus,
)
from .querysets import AppendOnlyError, DraftEventQuerySet, DraftQuerySet


class Draft(TimeStampedModel):
    """A dự thảo of an outgoing document, owned by an agency and its drafting unit."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="drafts"
    )
    drafting_unit = models.ForeignKey(
        Unit, verbose_name=_("drafting unit"), on_delete=models.PROTECT, related_name="drafts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="drafts_created",
    )
    state = models.CharField(
        _("state"), max_length=24, choices=DraftState.choices, default=DraftState.DRAFTING
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT
    )
    subject = models.CharField(_("subject (trích yếu)"), max_length=500)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=Confidentiality.choices, default=Confidentiality.NONE
    )
    recipient_agencies = models.ManyToManyField(
        Agency, verbose_name=_("recipient agencies"), blank=True, related_name="+"
    )
    external_recipients = models.CharField(_("other recipients"), max_length=1000, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="drafts_to_sign",
    )
    signing_authority = models.CharField(
        _("signing authority"),
        max_length=8,
        choices=SigningAuthority.choices,
        default=SigningAuthority.NONE,
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signs for (the head)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The head the signer signs for under KT., TUQ. or TL."),
    )
    round = models.PositiveSmallIntegerField(
        _("review round"), default=0, help_text=_("Counts the submissions for review.")
    )
    # Filled in when the signer approves: who signed, for whom, under which authority, which file.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_authority = models.CharField(
        _("authority signed under"), max_length=8, choices=SigningAuthority.choices, blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_version = models.ForeignKey(
        "DraftVersion",
        verbose_name=_("signed version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaces = models.ForeignKey(
        Document,
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement_drafts",
        help_text=_(
            "The issued document this draft corrects (văn bản thay thế): issuing the draft "
            "recalls it."
        ),
    )
    replies_to = models.ForeignKey(
        Document,
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_drafts",
        help_text=_("The incoming document this draft answers (văn bản trả lời)."),
    )
    issued_on_paper = models.BooleanField(
        _("issued on paper"),
        default=False,
        help_text=_(
            "Issued under the agency's paper policy: the electronic copy is not digitally "
            "signed; the paper copy is the valid one."
        ),
    )
    document = models.OneToOneField(
        Document,
        verbose_name=_("issued document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
    )

    objects = DraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["agency", "state", "-id"], name="draft_agency_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=DraftState.ISSUED, document__isnull=False)
                | (~Q(state=DraftState.ISSUED) & Q(document__isnull=True)),
                name="draft_issued_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(on_behalf_of=models.F("signer")),
                name="draft_signer_not_own_head",
            ),
        ]

    def __str__(self) -> str:
        return self.subject[:80]

    def get_absolute_url(self) -> str:
        return reverse("drafting:detail", kwargs={"pk": self.pk})

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality > Confidentiality.NONE

    @property
    def authority_prefix(self) -> str:
        return SigningAuthority(self.signing_authority).prefix


class DraftVersion(models.Model):
    """One uploaded file of a draft. Every upload is a new version; none is ever replaced."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    blob = models.ForeignKey(Blob, verbose_name=_("file"), on_delete=models.PROTECT)
    original_name = models.CharField(_("file name"), max_length=255)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.number}"


class ReviewStep(models.Model):
    """One step of a draft's route in one review round: the unit leader's review, a comment
    from another unit, or the signature. Steps of a round with the same `order` run at the
    same time (parallel comments); a higher order waits for the lower ones."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="steps"
    )
    round = models.PositiveSmallIntegerField(_("review round"))
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    mode = models.CharField(
        _("mode"), max_length=12, choices=StepMode.choices, default=StepMode.SEQUENTIAL
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Whose leader decides (review and comment steps)."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who decides (the signature step)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    request_note = models.CharField(_("request"), max_length=1000, blank=True)
    decision = models.CharField(
        _("decision"), max_length=12, choices=StepDecision.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["draft", "round", "order", "id"]
        indexes = [models.Index(fields=["draft", "round", "status"], name="step_draft_round_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=StepKind.SIGNATURE, assignee__isnull=False)
                | (~Q(kind=StepKind.SIGNATURE) & Q(unit__isnull=False)),
                name="step_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(status=StepStatus.DONE) | Q(decided_at__isnull=False),
                name="step_done_is_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id}/{self.round}.{self.order} {self.get_kind_display()}"


class DraftEvent(models.Model):
    """One line of a draft's history: who did what, on whose behalf, when, and why.
    Append-only: rows are never changed or deleted."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("when"))
    from_state = models.CharField(_("from"), max_length=24, choices=DraftState.choices)
    to_state = models.CharField(_("to"), max_length=24, choices=DraftState.choices)
    comment = models.TextField(_("comment"), blank=True)
    step = models.ForeignKey(
        ReviewStep,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.ForeignKey(
        DraftVersion,
        verbose_name=_("version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DraftEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("draft history entry")
        verbose_name_plural = _("draft history")
        ordering = ["draft", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.draft_id}: {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The history of a draft is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The history of a draft is append-only.")
