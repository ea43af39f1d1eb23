"""The use cases of official e-mail: reading mailboxes, taking a message in, registering or
dismissing it, and e-mail recipients of outgoing documents."""

from __future__ import annotations

import fnmatch
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.mailbox import BaseMailBox

from lienthong.accounts.models import Agency, User
from lienthong.core import sealing
from lienthong.core.audit import record_event
from lienthong.documents import services as documents
from lienthong.documents.models import DocumentType
from lienthong.documents.uploads import check_upload, store_blob
from lienthong.drafting.models import Draft

from . import parsing, tls
from .models import (
    DeliveryStatus,
    EmailRecipient,
    IncomingMail,
    IntakeRule,
    MailAttachment,
    Mailbox,
    MailStatus,
    RuleAction,
    Security,
)
from .permissions import can_edit_recipients, can_handle_mail, can_manage_mailboxes

logger = logging.getLogger(__name__)

# The IMAP keyword set on every message intake has dealt with (taken, duplicate or ignored):
# the next poll skips it. Mail is never deleted.
PROCESSED_KEYWORD = "LienthongProcessed"
# A mailbox that fails is tried again after 1, 2, 4... minutes, at most every hour.
MAX_BACKOFF = timedelta(hours=1)


# --- Reading mailboxes -------------------------------------------------------------------------


@dataclass
class PollResult:
    taken: list[IncomingMail] = field(default_factory=list)
    duplicates: int = 0
    ignored: int = 0
    bounces: int = 0


def _connect(mailbox: Mailbox, timeout: float) -> BaseMailBox:
    if mailbox.security == Security.SSL:
        return MailBox(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=tls.client_context()
        )
    if mailbox.security == Security.STARTTLS:
        return MailBoxStartTls(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=tls.client_context()
        )
    return MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)


def poll_mailbox(*, mailbox: Mailbox, timeout: float = 30.0) -> PollResult:
    """Read the new messages of one mailbox: each is taken in (its own transaction), then
    flagged as processed or moved to the processed folder; nothing is deleted. A failure to
    reach the mailbox is recorded on it (shown to the administrator) and the next attempt
    scheduled with back-off; the error is raised again for the job's log."""
    result = PollResult()
    try:
        with _connect(mailbox, timeout).login(
            mailbox.username, mailbox.secret(), initial_folder=mailbox.folder
        ) as box:
            criteria = AND(no_keyword=PROCESSED_KEYWORD)
            for uid in box.uids(criteria):
                outcome = take_message(mailbox=mailbox, raw=_fetch_raw(box, uid))
                if isinstance(outcome, IncomingMail):
                    if outcome.status == MailStatus.BOUNCE:
                        result.bounces += 1
                    else:
                        result.taken.append(outcome)
                elif outcome == "duplicate":
                    result.duplicates += 1
                else:
                    result.ignored += 1
                box.flag(uid, PROCESSED_KEYWORD, True)
                if mailbox.processed_folder and outcome != "ignored":
                    if not box.folder.exists(mailbox.processed_folder):
                        box.folder.create(mailbox.processed_folder)
                    box.move(uid, mailbox.processed_folder)
    except Exception as exc:
        _record_failure(mailbox, exc)
        raise
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), failures=0, last_error="", next_poll_at=None
    )
    return result


def _fetch_raw(box: BaseMailBox, uid: str) -> bytes:
    """The message exactly as stored (what the .eml keeps and DKIM verifies), without setting
    \\Seen (BODY.PEEK)."""
    status, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        raise OSError(f"IMAP FETCH {uid} failed: {data!r}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    raise OSError(f"IMAP FETCH {uid} returned no message")


def _record_failure(mailbox: Mailbox, exc: Exception) -> None:
    failures = mailbox.failures + 1
    delay = min(timedelta(minutes=2 ** min(failures - 1, 10)), MAX_BACKOFF)
    now = timezone.now()
    if isinstance(exc, sealing.SealBroken):
        message = _(
            "The stored password cannot be opened with the configured key-encryption key; "
            "enter the mailbox's password again."
        )
    else:
        message = tls.describe(exc)[:500]
    Mailbox.objects.filter(pk=mailbox.pk).update(
        failures=failures, last_error=message, last_error_at=now, next_poll_at=now + delay
    )
    mailbox.failures, mailbox.last_error = failures, message
    logger.warning("mailbox %s failed (%s in a row): %s", mailbox.address, failures, message)


def _rule_decides(mailbox: Mailbox, mail: parsing.ParsedMail) -> bool:
    """Whether the agency's rules (those of every mailbox and those of this one) take this mail
    in (docs/email.md, "Rules")."""
    rules = list(
        IntakeRule.objects.filter(agency_id=mailbox.agency_id).filter(
            Q(mailbox__isnull=True) | Q(mailbox=mailbox)
        )
    )
    if not rules:
        return True
    extensions = {part.name.rsplit(".", 1)[-1].lower() for part in mail.parts if "." in part.name}
    for rule in rules:
        if rule.sender_pattern and not fnmatch.fnmatch(mail.sender, rule.sender_pattern.lower()):
            continue
        if (
            rule.subject_contains
            and rule.subject_contains.casefold() not in mail.subject.casefold()
        ):
            continue
        wanted = {t.strip().lstrip(".").lower() for t in rule.attachment_types.split(",")} - {""}
        if wanted and not wanted & extensions:
            continue
        return rule.action == RuleAction.ACCEPT
    return False


def take_message(*, mailbox: Mailbox, raw: bytes) -> IncomingMail | str:
    """Take one raw message in for the mailbox's agency: an IncomingMail (pending, or a
    delivery report that updated a recipient), "duplicate" when the agency has it already (same
    Message-ID or same content, from any of its mailboxes) or "ignored" by the rules."""
    parsed = parsing.parse(raw)
    agency = mailbox.agency
    if _known(agency, parsed):
        return "duplicate"
    if parsed.bounce is None and not _rule_decides(mailbox, parsed):
        return "ignored"
    eml_name = default_storage.save(f"mail/{agency.pk}/{parsed.content_hash}.eml", ContentFile(raw))
    try:
        with transaction.atomic():
            mail = _record(mailbox=mailbox, parsed=parsed, eml_name=eml_name, size=len(raw))
    except IntegrityError:  # taken meanwhile by a poll of another mailbox of the agency
        default_storage.delete(eml_name)
        return "duplicate"
    return mail


def _known(agency: Agency, parsed: parsing.ParsedMail) -> bool:
    same = Q(content_hash=parsed.content_hash)
    if parsed.message_id:
        same |= Q(message_id=parsed.message_id)
    return IncomingMail.objects.filter(same, agency=agency).exists()


def _record(
    *, mailbox: Mailbox, parsed: parsing.ParsedMail, eml_name: str, size: int
) -> IncomingMail:
    mail = IncomingMail.objects.create(
        agency=mailbox.agency,
        mailbox=mailbox,
        message_id=parsed.message_id,
        content_hash=parsed.content_hash,
        sender=parsed.sender,
        sender_name=parsed.sender_name,
        subject=parsed.subject,
        sent_at=parsed.sent_at,
        body=parsed.body,
        eml_name=eml_name,
        eml_size=size,
        spf=parsed.spf,
        dkim=parsed.dkim,
        dmarc=parsed.dmarc,
        dkim_verified=parsed.dkim_verified,
        problems=parsed.problems,
        status=MailStatus.BOUNCE if parsed.bounce else MailStatus.PENDING,
    )
    if parsed.bounce is not None:
        bounced = EmailRecipient.objects.filter(
            message_id=parsed.bounce.original_message_id,
            address__in=parsed.bounce.failed,
            document__agency=mailbox.agency,
        )
        for recipient in bounced:
            recipient.status = DeliveryStatus.BOUNCED
            recipient.last_error = (parsed.body or parsed.subject)[:500]
            recipient.save(update_fields=["status", "last_error", "updated_at"])
            record_event(action="mail.bounced", obj=recipient, data={"address": recipient.address})
    for part in parsed.parts:
        _keep_attachment(mail, part)
    record_event(
        action="mail.received",
        obj=mail,
        data={"mailbox": mailbox.address, "sender": mail.sender, "problems": mail.problems},
    )
    return mail


def _keep_attachment(mail: IncomingMail, part: parsing.Part) -> MailAttachment:
    """Check an attachment as an upload is checked; a refused one is recorded with the reason
    (its bytes stay in the stored .eml: nothing is lost)."""
    name = _safe_name(part.name)
    upload = io.BytesIO(part.payload)
    blob, refused = None, ""
    try:
        checked = check_upload(upload, name)
        blob, _created = store_blob(upload, checked)
    except ValidationError as exc:
        refused = " ".join(exc.messages)[:500]
    return MailAttachment.objects.create(
        mail=mail,
        name=name[:255],
        content_type=part.content_type[:100],
        size=len(part.payload),
        inline=part.inline,
        blob=blob,
        refused=refused,
    )


# --- The clerk's decisions ---------------------------------------------------------------------


def _lock_pending(actor: User, mail: IncomingMail) -> IncomingMail:
    if not can_handle_mail(actor, mail):
        raise PermissionDenied(_("Only the agency's clerk (văn thư) may do this."))
    locked = IncomingMail.objects.select_for_update(of=("self",)).get(pk=mail.pk)
    if locked.status != MailStatus.PENDING:
        raise ValidationError(_("This mail has been dealt with already."), code="decided")
    return locked


@transaction.atomic
def register_mail(
    *,
    actor: User,
    mail: IncomingMail,
    document_type: DocumentType,
    issuer_name: str,
    issued_date: date,
    subject: str,
    code_number: str = "",
    code_notation: str = "",
    accept_duplicate: bool = False,
    **fields: Any,
) -> documents.Registration:
    """Register a mail as an incoming document (vào sổ văn bản đến): the registration service
    of `documents` with its checks and numbering, then the accepted attachments and the .eml
    attached to the new document. A possible duplicate is returned unregistered, as there."""
    mail = _lock_pending(actor, mail)
    description = fields.pop("description", "") or _("Received by e-mail from %(sender)s.") % {
        "sender": mail.sender
    }
    registration = documents.register_incoming(
        actor=actor,
        document_type=document_type,
        issuer_name=issuer_name,
        issued_date=issued_date,
        subject=subject,
        code_number=code_number,
        code_notation=code_notation,
        arrival_date=mail.created_at,
        accept_duplicate=accept_duplicate,
        description=description[:500],
        **fields,
    )
    document = registration.document
    if document is None:
        return registration
    for attachment in mail.attachments.filter(blob__isnull=False).select_related("blob"):
        assert attachment.blob is not None
        with default_storage.open(attachment.blob.storage_name, "rb") as handle:
            documents.add_attachment(
                actor=actor, document=document, upload=handle, name=attachment.name
            )
    mail.status = MailStatus.REGISTERED
    mail.document = document
    mail.decided_by = actor
    mail.decided_at = timezone.now()
    mail.save(update_fields=["status", "document", "decided_by", "decided_at", "updated_at"])
    record_event(
        action="mail.registered",
        actor=actor,
        obj=mail,
        data={"document": document.pk, "authentication_failed": mail.authentication_failed},
    )
    return registration


@transaction.atomic
def dismiss_mail(*, actor: User, mail: IncomingMail, reason: str) -> IncomingMail:
    """Not a document (advertising, a private letter): it leaves the clerk's list; the mail and
    its .eml are kept."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why this mail is not registered.")]})
    mail = _lock_pending(actor, mail)
    mail.status = MailStatus.DISMISSED
    mail.decided_by = actor
    mail.decided_at = timezone.now()
    mail.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    record_event(action="mail.dismissed", actor=actor, obj=mail, data={"reason": reason[:500]})
    return mail


# --- E-mail recipients of outgoing documents ---------------------------------------------------


@transaction.atomic
def add_recipient(
    *, actor: User, draft: Draft, address: str, name: str = "", agency: Agency | None = None
) -> EmailRecipient:
    """An e-mail recipient of a draft: entered as an address or chosen from the directory."""
    draft = Draft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if not can_edit_recipients(actor, draft):
        raise PermissionDenied(_("You may not change this draft's recipients."))
    if agency is not None:
        address = address or agency.email
        name = name or agency.name
    address = address.strip().lower()
    from django.core.validators import validate_email  # noqa: PLC0415

    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"address": [_("Enter a valid e-mail address.")]}) from None
    if EmailRecipient.objects.filter(draft=draft, address=address).exists():
        raise ValidationError({"address": [_("This address is a recipient already.")]})
    recipient = EmailRecipient.objects.create(
        draft=draft, address=address, name=name.strip()[:200], agency=agency
    )
    record_event(action="mail.recipient_added", actor=actor, obj=draft, data={"address": address})
    return recipient


@transaction.atomic
def remove_recipient(*, actor: User, recipient: EmailRecipient) -> None:
    recipient = EmailRecipient.objects.select_related("draft").get(pk=recipient.pk)
    if not can_edit_recipients(actor, recipient.draft) or recipient.document_id is not None:
        raise PermissionDenied(_("You may not change this draft's recipients."))
    record_event(
        action="mail.recipient_removed",
        actor=actor,
        obj=recipient.draft,
        data={"address": recipient.address},
    )
    recipient.delete()


def _safe_name(name: str) -> str:
    """Only the last path component, printable characters, no leading dot."""
    base = name.replace("\\", "/").split("/")[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "tep-dinh-kem"


# --- Mailboxes ---------------------------------------------------------------------------------


@transaction.atomic
def reseal_mailbox_secrets() -> int:
    """Seal every stored mailbox password again under the first key-encryption key (after a key
    rotation, like `reseal_signing_keys`); a password no configured key opens raises
    core.sealing.SealBroken and nothing is changed."""
    count = 0
    for mailbox in Mailbox.objects.select_for_update().exclude(sealed_secret=b""):
        mailbox.sealed_secret = sealing.reseal(bytes(mailbox.sealed_secret))
        mailbox.save(update_fields=["sealed_secret"])
        count += 1
    return count


@transaction.atomic
def save_mailbox(*, actor: User, mailbox: Mailbox, secret: str = "") -> Mailbox:
    """Add or change one of the agency's mailboxes (the agency administrator). An empty
    `secret` keeps the stored one; a changed mailbox is read at the next minute."""
    if not can_manage_mailboxes(actor) or actor.agency_id != mailbox.agency_id:
        raise PermissionDenied(_("You may not manage this agency's mailboxes."))
    if secret:
        mailbox.set_secret(secret)
    elif mailbox.pk:
        mailbox.sealed_secret = Mailbox.objects.get(pk=mailbox.pk).sealed_secret
    if not mailbox.has_secret:
        raise ValidationError({"secret": [_("Enter the mailbox's password.")]})
    if not 0 < mailbox.port < 65536:
        raise ValidationError({"port": [_("Enter a port between 1 and 65535.")]})
    mailbox.address = mailbox.address.strip().lower()
    if (
        Mailbox.objects.filter(agency=mailbox.agency, address=mailbox.address)
        .exclude(pk=mailbox.pk)
        .exists()
    ):
        raise ValidationError({"address": [_("The agency has this mailbox already.")]})
    mailbox.failures, mailbox.next_poll_at = 0, None
    mailbox.save()
    record_event(
        action="mail.mailbox_saved",
        actor=actor,
        obj=mailbox,
        data={"address": mailbox.address, "host": mailbox.host, "active": mailbox.active},
    )
    return mailbox


# --- Intake rules ------------------------------------------------------------------------------

# What a sender pattern may hold: an address or a shell-style pattern of addresses.
_SENDER_PATTERN = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~\[\]-]*@?[a-z0-9.*?\[\]-]*$")
# The attachment types a rule may ask for: those an upload may be (documents.constants).
RULE_EXTENSIONS = {"pdf", "docx", "xlsx", "png", "jpg", "jpeg", "tif", "tiff"}


def _clean_rule(rule: IntakeRule) -> None:
    errors: dict[str, list[str]] = {}
    rule.sender_pattern = rule.sender_pattern.strip().lower()
    rule.subject_contains = " ".join(rule.subject_contains.split())
    if rule.sender_pattern and not _SENDER_PATTERN.match(rule.sender_pattern):
        errors["sender_pattern"] = [
            _("Enter an address or a pattern of addresses, e.g. *@camau.gov.vn.")
        ]
    types = [t.strip().lstrip(".").lower() for t in rule.attachment_types.split(",")]
    types = [t for t in types if t]
    unknown = sorted(set(types) - RULE_EXTENSIONS)
    if unknown:
        errors["attachment_types"] = [
            _("Not a type an incoming document may have: %(types)s. Allowed: %(allowed)s.")
            % {"types": ", ".join(unknown), "allowed": ", ".join(sorted(RULE_EXTENSIONS))}
        ]
    rule.attachment_types = ",".join(dict.fromkeys(types))
    if not 1 <= rule.position <= 999:
        errors["position"] = [_("Enter an order between 1 and 999.")]
    if (
        rule.mailbox_id is not None
        and not Mailbox.objects.filter(pk=rule.mailbox_id, agency_id=rule.agency_id).exists()
    ):
        errors["mailbox"] = [_("Choose one of the agency's mailboxes.")]
    if errors:
        raise ValidationError(errors)


def _rule_data(rule: IntakeRule) -> dict[str, Any]:
    return {
        "mailbox": rule.mailbox_id,
        "position": rule.position,
        "sender": rule.sender_pattern,
        "subject": rule.subject_contains,
        "types": rule.attachment_types,
        "action": rule.action,
    }


@transaction.atomic
def save_rule(*, actor: User, rule: IntakeRule) -> IntakeRule:
    """Add or change an intake rule of the actor's agency (the agency administrator). Applies
    to mail read from then on; mail taken in already stays."""
    if not can_manage_mailboxes(actor) or actor.agency_id != rule.agency_id:
        raise PermissionDenied(_("You may not manage this agency's intake rules."))
    if rule.pk and not IntakeRule.objects.filter(pk=rule.pk, agency_id=actor.agency_id).exists():
        raise PermissionDenied(_("You may not manage this agency's intake rules."))
    _clean_rule(rule)
    created = rule.pk is None
    rule.save()
    if created:
        record_event(action="mail.rule_added", actor=actor, obj=rule, data=_rule_data(rule))
    else:
        record_event(action="mail.rule_changed", actor=actor, obj=rule, data=_rule_data(rule))
    return rule


@transaction.atomic
def delete_rule(*, actor: User, rule: IntakeRule) -> None:
    if not can_manage_mailboxes(actor) or actor.agency_id != rule.agency_id:
        raise PermissionDenied(_("You may not manage this agency's intake rules."))
    record_event(action="mail.rule_deleted", actor=actor, obj=rule, data=_rule_data(rule))
    rule.delete()
