"""Sending an issued document's signed PDF to its e-mail recipients by SMTP, DKIM-signed when a
key is configured. Idempotent like notification mail: the recipient row records the
Message-ID and the time sent; a job run again for a sent recipient does nothing."""

from __future__ import annotations

import logging
from email.message import Message
from email.utils import make_msgid
from typing import Any, cast

import dkim
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.core.audit import record_event
from lienthong.documents.models import Document
from lienthong.drafting.constants import DraftState

from . import tls
from .models import DeliveryStatus, EmailRecipient

logger = logging.getLogger(__name__)


class SignedEmailMessage(EmailMessage):
    """A Django e-mail message with a DKIM-Signature header when LIENTHONG_MAIL_DKIM_SELECTOR,
    _DOMAIN and _PRIVATE_KEY (PEM) are set. The SMTP backend serialises the message the same way
    it was signed (bytes, CRLF)."""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        msg = super().message(*args, **kwargs)
        return sign_dkim(msg)


def sign_dkim(msg: Message) -> Message:
    selector = getattr(settings, "LIENTHONG_MAIL_DKIM_SELECTOR", "")
    domain = getattr(settings, "LIENTHONG_MAIL_DKIM_DOMAIN", "")
    key = getattr(settings, "LIENTHONG_MAIL_DKIM_PRIVATE_KEY", "")
    if not (selector and domain and key):
        return msg
    # Django's SafeMIME messages take the line separator its SMTP backend sends with.
    raw = cast(Any, msg).as_bytes(linesep="\r\n")
    signature = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        key.encode(),
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version"],
    )
    name, _sep, value = signature.decode().partition(":")
    msg[name] = " ".join(value.split())
    return msg


def schedule_deliveries(document_id: int) -> int:
    """Queue the e-mail recipients of an issued document's draft (after the issue committed);
    returns how many were queued. Also run periodically, so a crash between the issue and
    this step loses nothing."""
    from .tasks import send_document_email  # noqa: PLC0415

    with transaction.atomic():
        recipients = list(
            EmailRecipient.objects.select_for_update(of=("self",))
            .filter(
                draft__document_id=document_id,
                draft__state=DraftState.ISSUED,
                status=DeliveryStatus.DRAFT,
            )
            .select_related("draft")
        )
        for recipient in recipients:
            recipient.document_id = recipient.draft.document_id
            recipient.status = DeliveryStatus.QUEUED
            recipient.save(update_fields=["document", "status", "updated_at"])
            send_document_email.enqueue(recipient.pk)
    return len(recipients)


def schedule_forgotten() -> int:
    """Periodic: recipients of issued drafts still waiting to be queued."""
    ids = set(
        EmailRecipient.objects.filter(
            status=DeliveryStatus.DRAFT, draft__state=DraftState.ISSUED
        ).values_list("draft__document_id", flat=True)
    )
    return sum(schedule_deliveries(pk) for pk in ids if pk)


def _files(document: Document) -> list[tuple[str, bytes, str]]:
    """The document's signed PDFs (the current version of each file: after the seal); a
    document issued on paper may have none, then its files as they are."""
    versions = [a.current for a in document.attachments.prefetch_related("versions__blob")]
    current = [v for v in versions if v is not None]
    pdfs = [v for v in current if v.blob.content_type == "application/pdf"]
    files = []
    for version in pdfs or current:
        with default_storage.open(version.blob.storage_name, "rb") as handle:
            files.append((version.original_name, handle.read(), version.blob.content_type))
    return files


def deliver(recipient_id: int) -> str:
    """Send one recipient its mail. An SMTP error is recorded on the recipient and raised again
    (the job retries); after the last attempt the recipient stays FAILED."""
    recipient = EmailRecipient.objects.select_related("document__agency").get(pk=recipient_id)
    if recipient.status in {DeliveryStatus.SENT, DeliveryStatus.BOUNCED}:
        return "already sent"
    document = recipient.document
    assert document is not None
    agency = document.agency
    message_id = recipient.message_id or make_msgid(domain=DNS_NAME.get_fqdn())
    if not recipient.message_id:
        EmailRecipient.objects.filter(pk=recipient.pk).update(message_id=message_id)
    subject = f"{document.number_and_symbol} {document.subject}".strip()[:300]
    body = _(
        "%(agency)s sends you the document %(number)s dated %(date)s: %(subject)s.\n\n"
        "The electronic document is attached, digitally signed; its signature can be checked "
        "with any PDF reader.\n"
    ) % {
        "agency": agency.name,
        "number": document.number_and_symbol,
        "date": document.issued_date.strftime("%d/%m/%Y") if document.issued_date else "",
        "subject": document.subject,
    }
    sender = getattr(settings, "LIENTHONG_MAIL_FROM", "") or settings.DEFAULT_FROM_EMAIL
    headers = {"Message-ID": message_id}
    if agency.email:
        headers["Reply-To"] = agency.email
    mail = SignedEmailMessage(
        subject=subject,
        body=body,
        from_email=sender,
        to=[f"{recipient.name} <{recipient.address}>" if recipient.name else recipient.address],
        headers=headers,
        connection=tls.smtp_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", 30) or 30),
    )
    for name, content, content_type in _files(document):
        mail.attach(name, content, content_type)
    EmailRecipient.objects.filter(pk=recipient.pk).update(attempts=recipient.attempts + 1)
    try:
        mail.send()
    except Exception as exc:
        EmailRecipient.objects.filter(pk=recipient.pk).update(
            status=DeliveryStatus.FAILED, last_error=tls.describe(exc)[:500]
        )
        raise
    with transaction.atomic():
        EmailRecipient.objects.filter(pk=recipient.pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
        )
        record_event(
            action="mail.sent",
            obj=document,
            data={"address": recipient.address, "message_id": message_id},
        )
    return "sent"
