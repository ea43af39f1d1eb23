"""States, decisions and signing authorities of drafts (dự thảo), and the transition table
of the drafting workflow (Decree 30/2020, Điều 10 to 14)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftState(models.TextChoices):
    DRAFTING = "drafting", _("Being drafted")
    IN_REVIEW = "in_review", _("In review by the unit leader")
    AWAITING_COMMENTS = "awaiting_comments", _("Awaiting comments from other units")
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved, awaiting issue")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AWAITING_SIGNATURE_CONFIRMATION = (
        "awaiting_confirmation",
        _("Awaiting confirmation of the digital signature"),
    )


# The explicit transition table: from each state, the states a service may move a draft to.
# Staying in the same state (a unit leader's approval, one of several comments) is not a
# transition and is not listed.
TRANSITIONS: dict[str, frozenset[str]] = {
    DraftState.DRAFTING: frozenset({DraftState.IN_REVIEW, DraftState.WITHDRAWN}),
    DraftState.IN_REVIEW: frozenset(
        {
            DraftState.AWAITING_COMMENTS,
            DraftState.AWAITING_SIGNATURE,
            DraftState.RETURNED,
            DraftState.WITHDRAWN,
        }
    ),
    DraftState.AWAITING_COMMENTS: frozenset({DraftState.IN_REVIEW, DraftState.WITHDRAWN}),
    DraftState.AWAITING_SIGNATURE: frozenset(
        {DraftState.APPROVED, DraftState.RETURNED, DraftState.WITHDRAWN}
    ),
    DraftState.RETURNED: frozenset({DraftState.IN_REVIEW, DraftState.WITHDRAWN}),
    # Signing an approved draft the signer approved without signing (Ký số) keeps it APPROVED.
    DraftState.APPROVED: frozenset({DraftState.ISSUED, DraftState.WITHDRAWN}),
    DraftState.ISSUED: frozenset(),
    DraftState.WITHDRAWN: frozenset(),
}
# Remote signing (ký số từ xa): the signer asked for the signature and confirms it on the phone;
# signed, the draft is approved; refused, not confirmed in time or cancelled, it goes back to
# the state it was signed from (`drafting.services.start_remote_signing` and what follows).
TRANSITIONS[DraftState.AWAITING_SIGNATURE] |= {DraftState.AWAITING_SIGNATURE_CONFIRMATION}
TRANSITIONS[DraftState.AWAITING_SIGNATURE_CONFIRMATION] = frozenset(
    {DraftState.APPROVED, DraftState.AWAITING_SIGNATURE, DraftState.WITHDRAWN}
)

# States in which the drafter may change the draft's particulars and upload versions.
EDITABLE_STATES = frozenset({DraftState.DRAFTING, DraftState.RETURNED})
FINAL_STATES = frozenset({DraftState.ISSUED, DraftState.WITHDRAWN})


class SigningAuthority(models.TextChoices):
    """Quyền hạn ký (Decree 30/2020, Điều 13 and Phụ lục I, ô 7a)."""

    NONE = "none", _("The head signs in their own name")
    TM = "TM", _("TM. — on behalf of the collective")
    Q = "Q", _("Q. — acting head")
    KT = "KT", _("KT. — a deputy signs for the head")
    TUQ = "TUQ", _("TUQ. — by written, time-limited authorisation of the head")
    TL = "TL", _("TL. — by order of the head")

    @property
    def prefix(self) -> str:
        return "" if self is SigningAuthority.NONE else f"{self.value}."


# Authorities that sign for a named head (who must be given as `on_behalf_of`).
FOR_HEAD_AUTHORITIES = frozenset({SigningAuthority.KT, SigningAuthority.TUQ, SigningAuthority.TL})
# Authorities under which a delegate of the designated signer may sign in their place (the
# signer signs as the head). TUQ cannot be delegated again; KT. and TL. are standing
# assignments of the head, not the signer's to pass on.
SUBSTITUTABLE_AUTHORITIES = frozenset(
    {SigningAuthority.NONE, SigningAuthority.TM, SigningAuthority.Q}
)


class StepKind(models.TextChoices):
    UNIT_REVIEW = "unit_review", _("Review by the drafting unit's leader")
    COMMENT = "comment", _("Comments from another unit")
    SIGNATURE = "signature", _("Signature")


class StepMode(models.TextChoices):
    """How the comment steps of one request run: all at once, or one unit after another."""

    SEQUENTIAL = "sequential", _("One after another")
    PARALLEL = "parallel", _("At the same time")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for its turn")
    ACTIVE = "active", _("Awaiting a decision")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STEP_STATUSES = frozenset({StepStatus.WAITING, StepStatus.ACTIVE})


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")


class StepDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    COMMENTED = "commented", _("Commented")
    SIGNED = "signed", _("Approved for signature")


class EventKind(models.TextChoices):
    """What happened to a draft: one row each in its append-only history."""

    CREATED = "created", _("Created")
    UPDATED = "updated", _("Particulars changed")
    VERSION_UPLOADED = "version_uploaded", _("New version uploaded")
    SUBMITTED = "submitted", _("Submitted for review")
    REVIEW_APPROVED = "review_approved", _("Approved by the unit leader")
    RETURNED = "returned", _("Returned for revision")
    COMMENTS_REQUESTED = "comments_requested", _("Comments requested")
    COMMENTED = "commented", _("Comment given")
    SENT_TO_SIGNER = "sent_to_signer", _("Sent to the signer")
    SIGNED = "signed", _("Approved by the signer")
    DIGITALLY_SIGNED = "digitally_signed", _("Digitally signed by the signer")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ISSUED = "issued", _("Issued")
    REMOTE_SIGNING_STARTED = "remote_signing_started", _("Remote signature requested")
    REMOTE_SIGNING_ENDED = "remote_signing_ended", _("Remote signature not given")


class DraftAction(models.TextChoices):
    """What a user may do with a draft; the pages and the API show the allowed ones."""

    EDIT = "edit", _("Edit the particulars")
    UPLOAD = "upload", _("Upload a new version")
    SUBMIT = "submit", _("Submit for review")
    REVIEW = "review", _("Approve or return")
    REQUEST_COMMENTS = "request_comments", _("Ask other units for comments")
    COMMENT = "comment", _("Give a comment")
    SEND_TO_SIGNER = "send_to_signer", _("Send to the signer")
    SIGN = "sign", _("Sign off or return")
    SIGN_DIGITALLY = "sign_digitally", _("Digitally sign (Ký số)")
    WITHDRAW = "withdraw", _("Withdraw")
    ISSUE = "issue", _("Issue")
