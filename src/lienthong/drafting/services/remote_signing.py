"""Remote signing (ký số từ xa) of a draft by its signer.

A signer whose certificate is held by a remote signing service (VNPT SmartCA, Viettel MySign)
approves by signing there: `start_remote_signing` sends the hash of the final PDF to the
service and the draft waits in “awaiting confirmation”; the signer confirms on the phone and
the signatures app (callback or poll) hands the signed PDF to `_remote_signed`, which approves
the draft as `sign_off` does. A refusal, a timeout or a cancellation (`_remote_ended`) puts the
draft back where it was signed from, so it can be signed again."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.signatures import services as signatures

from ..constants import DraftAction, DraftState, EventKind, StepKind, StepStatus
from ..models import Draft, DraftEvent, ReviewStep
from ..permissions import Acting, authorise, require
from ._common import (
    _add_version,
    _approve,
    _forget_files,
    _latest_version,
    _lock,
    _move,
    _record,
    _store_bytes,
)
from .signing import signature_line

REMOTE_PURPOSE = "drafting.draft"


def _remote_started_event(draft: Draft) -> DraftEvent | None:
    return (
        DraftEvent.objects.filter(draft=draft, kind=EventKind.REMOTE_SIGNING_STARTED)
        .order_by("-occurred_at", "-id")
        .first()
    )


def start_remote_signing(*, actor: User, draft: Draft, comment: str = "") -> Draft:
    """Ký số từ xa: the signer approves the latest version by signing it with their remote
    signing service. Only the hash leaves; the draft waits for the confirmation on the phone."""
    with transaction.atomic():
        locked = _lock(draft)
        acting = require(actor, locked, DraftAction.SIGN)
        final = _latest_version(locked)
        if final is None:
            raise ValidationError(_("The draft has no file to approve."), code="no_file")
        if final.blob.content_type != "application/pdf":
            raise ValidationError(
                _("Only a PDF can be signed digitally: upload the final version as PDF."),
                code="not_pdf",
            )
        with default_storage.open(final.blob.storage_name, "rb") as stored:
            data = stored.read()
        pending = signatures.start_remote_personal_signature(
            actor=actor,
            data=data,
            purpose=REMOTE_PURPOSE,
            object_id=locked.pk,
            position=signature_line(locked),
            description=_("Sign the draft: %(subject)s") % {"subject": locked.subject[:200]},
            file_name=final.original_name,
        )
        before = _move(locked, DraftState.AWAITING_SIGNATURE_CONFIRMATION)
        locked.save(update_fields=["state", "updated_at"])
        _record(
            locked,
            kind=EventKind.REMOTE_SIGNING_STARTED,
            acting=acting,
            from_state=before,
            comment=comment.strip()[:5000],
            version=final,
            data={"provider": pending.provider, "transaction": pending.transaction_id},
        )
    return locked


def _remote_signed(pending: Any, data: bytes) -> None:
    """The signer confirmed: the signed PDF becomes the signed version and the draft is
    approved (in the transaction that settles the remote signature)."""
    locked = Draft.objects.select_for_update().get(pk=pending.object_id)
    if locked.state != DraftState.AWAITING_SIGNATURE_CONFIRMATION:
        raise ValidationError(_("The draft no longer awaits this signature."), code="state")
    actor = pending.requested_by
    acting = authorise(actor, locked, DraftAction.SIGN)
    started = _remote_started_event(locked)
    text = started.comment if started else ""
    created: list[str] = []
    try:
        blob = _store_bytes(data, pending.file_name or "du-thao.pdf", created)
        final = _add_version(
            locked,
            blob=blob,
            name=pending.file_name or "du-thao.pdf",
            actor=actor,
            note=_("Digitally signed (remote signing service)"),
        )
        step = ReviewStep.objects.filter(
            draft=locked, round=locked.round, kind=StepKind.SIGNATURE, status=StepStatus.ACTIVE
        ).first()
        _approve(
            locked,
            acting=acting,
            step=step,
            final=final,
            comment=text,
            data={"digital": True, "remote": pending.transaction_id},
        )
    except BaseException:
        _forget_files(created)
        raise


def _remote_ended(pending: Any) -> None:
    """No signature (refused, not confirmed in time, failed or cancelled): the draft goes back
    to the state it was signed from, and can be signed again."""
    locked = Draft.objects.select_for_update().get(pk=pending.object_id)
    if locked.state != DraftState.AWAITING_SIGNATURE_CONFIRMATION:
        return
    started = _remote_started_event(locked)
    previous = DraftState(started.from_state) if started else DraftState.AWAITING_SIGNATURE
    before = _move(locked, previous)
    locked.save(update_fields=["state", "updated_at"])
    _record(
        locked,
        kind=EventKind.REMOTE_SIGNING_ENDED,
        acting=Acting(pending.requested_by),
        from_state=before,
        comment=str(pending.get_status_display()),
        data={"status": pending.status, "transaction": pending.transaction_id},
    )


def refresh_remote_signing(*, actor: User, draft: Draft) -> Draft:
    """Ask the remote signing service now how the draft's pending signature stands (what the
    periodic poll does), for the signer waiting on the draft's page."""
    authorise(actor, draft, DraftAction.SIGN)
    pending = signatures.pending_remote_signature(REMOTE_PURPOSE, draft.pk)
    if pending is not None:
        signatures.settle_remote_signature(signature_id=pending.pk)
    return Draft.objects.get(pk=draft.pk)


@transaction.atomic
def abandon_remote_signing(*, actor: User, draft: Draft) -> Draft:
    """The signer stops waiting for the confirmation: the draft can be signed again (a
    confirmation arriving later is ignored)."""
    locked = _lock(draft)
    authorise(actor, locked, DraftAction.SIGN)
    pending = signatures.pending_remote_signature(REMOTE_PURPOSE, locked.pk)
    if locked.state != DraftState.AWAITING_SIGNATURE_CONFIRMATION or pending is None:
        raise ValidationError(_("No remote signature is awaited on this draft."), code="state")
    signatures.abandon_remote_signature(actor=actor, signature=pending)
    return Draft.objects.get(pk=locked.pk)


def register_remote_signing() -> None:
    """Called by the app's ready(): what the signatures app does with a draft's signature."""
    signatures.register_remote_handler(REMOTE_PURPOSE, signed=_remote_signed, ended=_remote_ended)
