"""Reading a raw e-mail: decoded headers (RFC 2047 subjects, RFC 2231 file names), the text,
the attachments, the receiving server's Authentication-Results, a DKIM check with dkimpy, the
content hash used to recognise the same mail fetched twice, and delivery status notifications
(RFC 3464 bounces)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

import dkim
from django.conf import settings

logger = logging.getLogger(__name__)

_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-zA-Z]+)")


@dataclass
class Part:
    name: str
    content_type: str
    payload: bytes
    inline: bool


@dataclass
class Bounce:
    """A delivery status notification: which of our messages failed for which addresses."""

    original_message_id: str
    failed: list[str]


@dataclass
class ParsedMail:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    sent_at: datetime | None
    body: str
    parts: list[Part]
    content_hash: str
    spf: str = ""
    dkim: str = ""
    dmarc: str = ""
    dkim_verified: bool | None = None
    problems: list[str] = field(default_factory=list)
    bounce: Bounce | None = None


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header that cannot even be decoded
        logger.warning("undecodable %s header", name)
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _file_name(part: Message, index: int) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        subtype = part.get_content_subtype() or "bin"
        name = f"tep-{index}.{subtype}"
    return " ".join(str(name).split())


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    return data if isinstance(data, bytes) else b""


def _text_of(part: Message) -> str:
    data = _payload(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def authentication_results(message: Message) -> dict[str, str]:
    """The SPF, DKIM and DMARC verdicts of the receiving server (RFC 8601): from the top
    Authentication-Results header (the one our own server added; lower ones may be forged)."""
    headers = message.get_all("Authentication-Results") or []
    if not headers:
        return {}
    found: dict[str, str] = {}
    for method, result in _RESULT.findall(str(headers[0])):
        found.setdefault(method.lower(), result.lower())
    return found


def dkim_lookup() -> Callable[..., bytes | None] | None:
    """DNS-free DKIM key lookup from settings.LIENTHONG_MAIL_DKIM_KEYS ({"sel._domainkey.dom":
    "v=DKIM1; k=rsa; p=..."}) when configured; otherwise dkimpy asks the DNS."""
    keys: dict[str, str] = getattr(settings, "LIENTHONG_MAIL_DKIM_KEYS", {})
    if not keys:
        return None

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        text = keys.get(name.decode().rstrip("."))
        return text.encode() if text is not None else None

    return lookup


def verify_dkim(raw: bytes) -> bool | None:
    """True or False when the message carries a DKIM signature, None when it has none or the key
    cannot be looked up (no DNS)."""
    if b"dkim-signature:" not in raw[:200_000].lower():
        return None
    lookup = dkim_lookup()
    try:
        if lookup is not None:
            return bool(dkim.verify(raw, dnsfunc=lookup))
        return bool(dkim.verify(raw))
    except dkim.DKIMException:
        return False
    except Exception:  # the DNS is unreachable: not a verdict
        logger.warning("DKIM key lookup failed", exc_info=True)
        return None


def _bounce(message: EmailMessage) -> Bounce | None:
    if message.get_content_type() != "multipart/report":
        return None
    if message.get_param("report-type") != "delivery-status":
        return None
    failed: list[str] = []
    original = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload() if part.is_multipart() else []:
                assert isinstance(block, Message)
                action = str(block.get("Action", "")).strip().lower()
                recipient = str(block.get("Final-Recipient", "") or block.get("Original-Recipient"))
                if action == "failed" and ";" in recipient:
                    failed.append(recipient.split(";", 1)[1].strip().lower())
        elif kind in {"message/rfc822", "text/rfc822-headers"} and not original:
            inner = part.get_payload() if kind == "message/rfc822" else None
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original = str(inner[0].get("Message-ID", "")).strip()
            else:
                headers = BytesParser(policy=policy.default).parsebytes(_payload(part))
                original = str(headers.get("Message-ID", "")).strip()
    if not failed or not original:
        return None
    return Bounce(original_message_id=original, failed=failed)


def _sender_and_date(
    message: EmailMessage, problems: list[str]
) -> tuple[str, str, datetime | None]:
    sender, sender_name = "", ""
    addresses = getaddresses([_header(message, "From")])
    if addresses and addresses[0][1] and "@" in addresses[0][1]:
        sender_name, sender = addresses[0][0], addresses[0][1].lower()
        try:
            Address(addr_spec=sender)
        except Exception:
            problems.append("bad sender address")
    sent_at = None
    date_header = _header(message, "Date")
    if date_header:
        try:
            sent_at = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            problems.append("bad date")
    return sender, sender_name, sent_at


def parse(raw: bytes) -> ParsedMail:
    """Everything intake needs from a raw message; never raises on a malformed one (its defects
    are listed in `problems`)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    problems: list[str] = []
    defects = list(message.defects)
    for part in message.walk():
        defects.extend(part.defects)
    if defects:
        problems.append(
            "malformed: " + ", ".join(sorted({type(defect).__name__ for defect in defects}))
        )
    sender, sender_name, sent_at = _sender_and_date(message, problems)
    body = ""
    parts: list[Part] = []
    digest = hashlib.sha256()
    for header in ("From", "Date", "Subject"):
        digest.update(_header(message, header).encode() + b"\n")
    index = 0
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        index += 1
        payload = _payload(part)
        digest.update(hashlib.sha256(payload).digest())
        disposition = part.get_content_disposition()
        is_text = part.get_content_maintype() == "text" and part.get_filename() is None
        if is_text and disposition != "attachment":
            if not body and part.get_content_subtype() == "plain":
                body = _text_of(part)
            continue
        if not payload:
            continue
        parts.append(
            Part(
                name=_file_name(part, index),
                content_type=part.get_content_type(),
                payload=payload,
                inline=disposition == "inline" or bool(part.get("Content-ID")),
            )
        )
    results = authentication_results(message)
    return ParsedMail(
        message_id=_header(message, "Message-ID")[:500],
        sender=sender[:320],
        sender_name=sender_name[:200],
        subject=_header(message, "Subject")[:500],
        sent_at=sent_at,
        body=body[:20000],
        parts=parts,
        content_hash=digest.hexdigest(),
        spf=results.get("spf", ""),
        dkim=results.get("dkim", ""),
        dmarc=results.get("dmarc", ""),
        dkim_verified=verify_dkim(raw),
        problems=problems,
        bounce=_bounce(message),
    )
