"""The signer's decision (ký duyệt) and the digital signature of the approved version (ký số):
approving or returning, with or without signing, and the issuing policy that decides whether
a signature is required."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.documents.models import Blob
from lienthong.exchange.axis_services import addressees_of
from lienthong.notifications.constants import NotificationKind
from lienthong.signatures import services as signatures

from ..constants import (
    Decision,
    DraftAction,
    DraftState,
    EventKind,
    SigningAuthority,
    StepDecision,
    StepKind,
    StepStatus,
)
from ..models import Draft, DraftVersion, ReviewStep
from ..permissions import require
from ._common import (
    _add_version,
    _approve,
    _close_open_steps,
    _decide,
    _decision,
    _forget_files,
    _latest_version,
    _lock,
    _move,
    _notify,
    _record,
    _require_comment,
    _return_to_drafter,
    _store_bytes,
    _with_upload,
)


def sign_off(
    *,
    actor: User,
    draft: Draft,
    decision: Decision | str,
    comment: str = "",
    upload: IO[bytes] | None = None,
    file_name: str = "",
    signing_secret: str | None = None,
) -> Draft:
    """The signer approves the draft for issue, or returns it with comments. A signer who
    edits uploads the edited file with the decision: it becomes a new version (and, on
    approval, the version that is issued). Only the designated signer may sign — or, when the
    signer signs as the head, whom they authorised for the period (TUQ.); a TUQ. signature
    needs the head's authorisation in force at the moment of signing."""
    current = Draft.objects.select_related("agency").get(pk=draft.pk)
    require(actor, current, DraftAction.SIGN)  # before storing anything
    chosen = _decision(decision)
    text = comment.strip()
    if chosen == Decision.RETURN:
        text = _require_comment(comment, _("Say what has to be revised."))
    else:
        _check_approval_signing(current, actor=actor, secret=signing_secret)

    def work(blob: Blob | None) -> Draft:
        locked = _lock(draft)
        acting = require(actor, locked, DraftAction.SIGN)
        step = ReviewStep.objects.filter(
            draft=locked, round=locked.round, kind=StepKind.SIGNATURE, status=StepStatus.ACTIVE
        ).first()
        version = None
        if blob is not None:
            version = _add_version(
                locked, blob=blob, name=file_name, actor=actor, note=_("Edited by the signer")
            )
            _record(
                locked,
                kind=EventKind.VERSION_UPLOADED,
                acting=acting,
                from_state=locked.state,
                comment=version.note,
                version=version,
                data={"sha256": blob.sha256, "name": version.original_name},
            )
        if chosen == Decision.RETURN:
            if step is not None:
                _decide(step, acting=acting, decision=StepDecision.RETURNED, comment=text)
            before = _move(locked, DraftState.RETURNED)
            _close_open_steps(locked)
            locked.save(update_fields=["state", "updated_at"])
            _record(
                locked,
                kind=EventKind.RETURNED,
                acting=acting,
                from_state=before,
                comment=text,
                step=step,
            )
            _return_to_drafter(locked, acting=acting)
            return locked
        final = _latest_version(locked)
        if final is None:
            raise ValidationError(_("The draft has no file to approve."), code="no_file")
        if signing_secret:
            final = _sign_version(
                locked, final, actor=actor, secret=signing_secret, created=created
            )
        _approve(
            locked,
            acting=acting,
            step=step,
            final=final,
            comment=text,
            data={"digital": bool(signing_secret)},
        )
        return locked

    created: list[str] = []
    try:
        return _with_upload(upload, file_name, work)
    except BaseException:
        _forget_files(created)
        raise


def signing_required(draft: Draft) -> bool:
    """Whether the issued document must carry the signer's and the agency's digital signatures:
    always when LIENTHONG_REQUIRE_DIGITAL_SIGNATURE is on; otherwise when it is delivered
    electronically to another agency, on the platform or over the national document axis,
    unless the agency's policy says it also issues on paper (Agency.issues_on_paper)."""
    if settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE:
        return True
    if draft.agency.issues_on_paper:
        return False
    return draft.recipient_agencies.exists() or bool(addressees_of(draft))


def approval_needs_signature(draft: Draft, *, actor: User) -> bool:
    """Approving = signing: for a signer with a signing certificate on file, and for every
    signer when LIENTHONG_REQUIRE_DIGITAL_SIGNATURE is on."""
    return bool(
        settings.LIENTHONG_REQUIRE_DIGITAL_SIGNATURE or signatures.has_personal_credential(actor)
    )


def _check_approval_signing(draft: Draft, *, actor: User, secret: str | None) -> None:
    """Before anything is stored: a signer with a certificate signs as he approves; a signer
    without one approves unsigned only when the document may be issued unsigned; a signer
    whose certificate a remote signing service holds approves through it."""
    if signatures.remote_personal_credential(actor) is not None:
        raise ValidationError(
            _(
                "Your signing certificate is held by the remote signing service: approve by "
                "signing with it (Ký số từ xa) and confirm on your phone."
            ),
            code="remote_credential",
        )
    if approval_needs_signature(draft, actor=actor):
        if not secret:
            raise ValidationError(
                {
                    "signing_secret": [
                        _(
                            "Approving is signing: enter the passphrase or PIN of your signing "
                            "certificate."
                        )
                    ]
                }
            )
    elif not secret and signing_required(draft):
        raise ValidationError(
            _(
                "You need a digital signing certificate to approve this draft: it is delivered "
                "electronically to other agencies, so it must carry your digital signature. Ask "
                "your agency's administrator to register your signing certificate."
            ),
            code="no_credential",
        )


def _sign_version(
    draft: Draft, final: DraftVersion, *, actor: User, secret: str, created: list[str]
) -> DraftVersion:
    """Ký số phê duyệt: the final PDF gets the signer's personal PAdES signature and becomes a
    new version of the draft (returned). A wrong passphrase or PIN raises ValidationError."""
    if final.blob.content_type != "application/pdf":
        raise ValidationError(
            _("Only a PDF can be signed digitally: upload the final version as PDF."),
            code="not_pdf",
        )
    with default_storage.open(final.blob.storage_name, "rb") as stored:
        data = stored.read()
    signed = signatures.sign_personal(
        actor=actor, data=data, secret=secret, position=signature_line(draft)
    )
    blob = _store_bytes(signed, final.original_name, created)
    return _add_version(
        draft, blob=blob, name=final.original_name, actor=actor, note=_("Digitally signed")
    )


def sign_draft(*, actor: User, draft: Draft, secret: str) -> Draft:
    """Ký số: who approved a draft without signing it signs its approved version now, with the
    certificate on file and its passphrase or PIN. The signed PDF becomes a new version and the
    one that is issued; the draft stays approved, awaiting issue. (The signing step of the
    signer; another way of signing — a remote service — sits beside this one.)"""
    created: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(draft)
            acting = require(actor, locked, DraftAction.SIGN_DIGITALLY)
            if not secret:
                raise ValidationError(
                    {
                        "signing_secret": [
                            _("Enter the passphrase or PIN of your signing certificate.")
                        ]
                    }
                )
            final = locked.signed_version
            if final is None:  # pragma: no cover - an approved draft has its signed version
                raise ValidationError(_("The draft has no file to sign."), code="no_file")
            signed = _sign_version(locked, final, actor=actor, secret=secret, created=created)
            locked.signed_version = signed
            locked.save(update_fields=["signed_version", "updated_at"])
            _record(
                locked,
                kind=EventKind.DIGITALLY_SIGNED,
                acting=acting,
                from_state=locked.state,
                version=signed,
                data={"sha256": signed.blob.sha256, "replaces_version": final.number},
            )
            clerks = User.objects.active().filter(agency_id=locked.agency_id).with_role(Role.CLERK)
            _notify(
                clerks,
                kind=NotificationKind.DRAFT_AWAITING_REVIEW,
                title=_("Draft digitally signed, awaiting issue: %(subject)s")
                % {"subject": locked.subject},
                draft=locked,
                actor=actor,
            )
            return locked
    except BaseException:
        _forget_files(created)
        raise


def signature_line(draft: Draft) -> str:
    """Quyền hạn and chức vụ of the signature (ô 7a), e.g. “KT. Giám đốc, Phó Giám đốc”."""
    signer = draft.signed_by or draft.signer
    own = signer.position.name if signer.position else ""
    authority = SigningAuthority(draft.signed_authority or draft.signing_authority)
    head = draft.signed_on_behalf_of if draft.signed_by else draft.on_behalf_of
    if authority == SigningAuthority.NONE:
        return own
    if authority == SigningAuthority.TM:
        for_whom = draft.agency.short_name or draft.agency.name
    elif authority == SigningAuthority.Q:
        return f"Q. {own}".strip()
    else:
        for_whom = head.position.name if head and head.position else (str(head) if head else "")
    return ", ".join(part for part in (f"{authority.prefix} {for_whom}".strip(), own) if part)
