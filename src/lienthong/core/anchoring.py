"""Anchoring the audit chain outside the database, so it cannot be silently shortened.

Someone with write access to the database can delete the newest audit entries and rewind the
head row: the chain that remains is intact. So, at least every LIENTHONG_AUDIT_ANCHOR_MINUTES,
the scheduler writes the head's sequence number and hash to an anchor file the application can
only append to (opened with O_APPEND; in production the directory belongs to another user and
the file has the append-only attribute, docs/operations.md), one JSON line per anchor, with an
RFC 3161 timestamp token from the TSA (LIENTHONG_TSA_URL) over both when one is configured.

`verify_audit_chain` then checks the database against the anchors: every anchored entry must
exist with its anchored hash, the database must not end before the newest anchor, and the chain
must be intact up to the head; what follows the newest anchor is reported as unanchored."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import cms, tsp
from django.conf import settings
from django.utils import timezone
from pyhanko.sign.timestamps import HTTPTimeStamper

from .audit import verify_chain
from .models import AuditChainHead, AuditEvent

ANCHOR_FILE = "audit-anchors.jsonl"
logger = logging.getLogger(__name__)


class AnchorConflict(Exception):
    """The database no longer holds what was anchored: refuse to anchor over it."""


@dataclass(frozen=True)
class Anchor:
    sequence: int
    entry_hash: str
    anchored_at: datetime
    token: bytes | None  # DER of the RFC 3161 TimeStampToken, or None without a TSA
    timestamp_error: str = ""
    line: int = 0

    def digest(self) -> bytes:
        return anchor_digest(self.sequence, self.entry_hash)


def anchor_digest(sequence: int, entry_hash: str) -> bytes:
    """What the TSA timestamps: the sequence number and the hash of the anchored entry."""
    return hashlib.sha256(f"lienthong-audit-anchor:{sequence}:{entry_hash}".encode()).digest()


def anchor_path() -> Path | None:
    folder = settings.LIENTHONG_AUDIT_ANCHOR_DIR
    return Path(folder) / ANCHOR_FILE if folder else None


def read_anchors() -> list[Anchor]:
    """Every anchor in the file, in the order written (a missing file: none yet)."""
    path = anchor_path()
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise AnchorConflict(f"{path} cannot be read: {exc.strerror}") from exc
    anchors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            token = item.get("timestamp_token")
            anchors.append(
                Anchor(
                    sequence=int(item["sequence"]),
                    entry_hash=str(item["entry_hash"]),
                    anchored_at=datetime.fromisoformat(item["anchored_at"]),
                    token=base64.b64decode(token) if token else None,
                    timestamp_error=str(item.get("timestamp_error", "")),
                    line=number,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorConflict(f"line {number} of {path} is not an anchor") from exc
    return anchors


def newest(anchors: list[Anchor]) -> Anchor | None:
    """The anchor of the highest sequence (schedulers on several hosts may interleave lines)."""
    return max(anchors, key=lambda a: (a.sequence, a.anchored_at), default=None)


def _timestamp(digest: bytes) -> bytes:
    stamper = HTTPTimeStamper(
        settings.LIENTHONG_TSA_URL, timeout=settings.LIENTHONG_TSA_TIMEOUT_SECONDS
    )
    token: cms.ContentInfo = asyncio.run(stamper.async_timestamp(digest, "sha256"))
    return bytes(token.dump())


@dataclass(frozen=True)
class TokenInfo:
    gen_time: datetime
    imprint_ok: bool
    tsa: str


def read_token(anchor: Anchor) -> TokenInfo | None:
    """The timestamp's time and whether it covers this anchor (its message imprint)."""
    if anchor.token is None:
        return None
    content = cms.ContentInfo.load(anchor.token)
    signed = content["content"]
    info: tsp.TSTInfo = signed["encap_content_info"]["content"].parsed
    imprint = info["message_imprint"]
    ok = (
        imprint["hash_algorithm"]["algorithm"].native == "sha256"
        and imprint["hashed_message"].native == anchor.digest()
    )
    certificates = signed["certificates"].native and signed["certificates"]
    tsa = certificates[0].chosen.subject.human_friendly if certificates else ""
    return TokenInfo(gen_time=info["gen_time"].native, imprint_ok=ok, tsa=tsa)


def _append(line: dict[str, Any]) -> None:
    path = anchor_path()
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(line, sort_keys=True) + "\n").encode()
    # O_APPEND: every write lands at the end, whatever the file offset; with the append-only
    # attribute (chattr +a) the kernel refuses anything else, even to the file's owner.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def anchor_audit_chain(*, force: bool = False) -> Anchor | None:
    """Anchor the chain's head if it moved since the newest anchor and that anchor is at least
    LIENTHONG_AUDIT_ANCHOR_MINUTES old (or `force`). Refuses (AnchorConflict) when the database
    no longer matches the newest anchor. Run by the scheduler every minute."""
    if anchor_path() is None:
        return None
    head = AuditChainHead.objects.filter(singleton=1).first()
    if head is None or head.last_sequence == 0:
        return None
    last = newest(read_anchors())
    if last is not None:
        if head.last_sequence < last.sequence:
            raise AnchorConflict(
                f"the audit chain ends at #{head.last_sequence}, before the anchored "
                f"#{last.sequence}: entries were removed"
            )
        stored = AuditEvent.objects.filter(sequence=last.sequence).values_list(
            "entry_hash", flat=True
        )
        if list(stored) != [last.entry_hash]:
            raise AnchorConflict(f"entry #{last.sequence} differs from its anchor")
        if head.last_sequence == last.sequence:
            return None
        interval = timedelta(minutes=settings.LIENTHONG_AUDIT_ANCHOR_MINUTES)
        if not force and timezone.now() - last.anchored_at < interval:
            return None
    head_entry = AuditEvent.objects.filter(sequence=head.last_sequence).values_list(
        "entry_hash", flat=True
    )
    if list(head_entry) != [head.last_hash]:
        raise AnchorConflict(f"the head row does not match entry #{head.last_sequence}")
    digest = anchor_digest(head.last_sequence, head.last_hash)
    token: bytes | None = None
    error = ""
    if settings.LIENTHONG_TSA_URL:
        try:
            token = _timestamp(digest)
        except Exception as exc:  # the anchor is still worth writing without the timestamp
            error = f"{type(exc).__name__}: {exc}"[:300]
            logger.warning(
                "audit anchor #%s written without a timestamp: %s", head.last_sequence, error
            )
    anchored_at = timezone.now()
    line: dict[str, Any] = {
        "sequence": head.last_sequence,
        "entry_hash": head.last_hash,
        "anchored_at": anchored_at.isoformat(),
        "timestamp_token": base64.b64encode(token).decode() if token else None,
    }
    if error:
        line["timestamp_error"] = error
    _append(line)
    return Anchor(head.last_sequence, head.last_hash, anchored_at, token, error)


def periodic_anchor() -> None:
    """The scheduler's job: a conflict is logged as an error and raised (the scheduler reports
    it on every run until someone looks)."""
    try:
        anchor_audit_chain()
    except AnchorConflict as exc:
        logger.error("the audit chain does not match its anchor: %s", exc)
        raise


@dataclass(frozen=True)
class AnchoredReport:
    checked: int
    ok: bool
    problem: str
    anchoring: bool  # an anchor folder is configured
    newest: Anchor | None
    unanchored_entries: int
    unanchored_since: datetime | None  # when the oldest unanchored entry was written
    token: TokenInfo | None

    def lines(self, now: datetime) -> list[str]:
        """What an operator reads after the chain's own result."""
        if not self.anchoring:
            return [
                "Anchoring is off (no LIENTHONG_AUDIT_ANCHOR_DIR): nothing outside the database "
                "shows whether the newest entries were removed."
            ]
        if self.newest is None:
            return [f"No anchor yet in {anchor_path()}: {self.checked} entries unanchored."]
        last = self.newest
        minutes = (now - last.anchored_at).total_seconds() / 60
        out = [
            f"Newest anchor: entry #{last.sequence}, {minutes:.1f} minutes ago "
            f"({last.anchored_at.isoformat()}, {anchor_path()} line {last.line})."
        ]
        if self.token is not None:
            out.append(
                f"Timestamped by {self.token.tsa or 'the TSA'} at "
                f"{self.token.gen_time.isoformat()} (RFC 3161)."
            )
        elif last.timestamp_error:
            out.append(
                f"The newest anchor has no timestamp: the TSA failed ({last.timestamp_error})."
            )
        else:
            out.append(
                "The newest anchor has no timestamp: no TSA is configured (LIENTHONG_TSA_URL)."
            )
        if self.unanchored_entries and self.unanchored_since is not None:
            age = (now - self.unanchored_since).total_seconds() / 60
            out.append(
                f"Unanchored: {self.unanchored_entries} entries after #{last.sequence}, "
                f"the oldest written {age:.1f} minutes ago."
            )
        else:
            out.append("Unanchored: none; the head is anchored.")
        return out


def verify_against_anchors() -> AnchoredReport:
    """The chain re-computed, and checked against every anchor (the newest above all)."""
    anchoring = anchor_path() is not None
    try:
        anchors = read_anchors()
    except AnchorConflict as exc:
        return AnchoredReport(0, False, str(exc), anchoring, None, 0, None, None)
    anchored: dict[int, str] = {}
    for anchor in anchors:
        if anchored.setdefault(anchor.sequence, anchor.entry_hash) != anchor.entry_hash:
            return AnchoredReport(
                0, False, f"two anchors of entry #{anchor.sequence} disagree", anchoring,
                None, 0, None, None,
            )  # fmt: skip
    last = newest(anchors)
    report = verify_chain(anchored=anchored)
    problem = report.problem
    try:
        token = read_token(last) if last is not None else None
    except (ValueError, KeyError, TypeError):
        token = None
        problem = problem or f"the timestamp of anchor line {last.line if last else 0} is bad"
    if report.ok and token is not None and not token.imprint_ok:
        problem = f"the timestamp of anchor line {last.line if last else 0} does not cover it"
    unanchored = report.checked - (last.sequence if last else 0)
    since = None
    if unanchored > 0:
        since = (
            AuditEvent.objects.filter(sequence=(last.sequence if last else 0) + 1)
            .values_list("occurred_at", flat=True)
            .first()
        )
    return AnchoredReport(
        checked=report.checked,
        ok=report.ok and not problem,
        problem=problem,
        anchoring=anchoring,
        newest=last,
        unanchored_entries=max(unanchored, 0),
        unanchored_since=since,
        token=token,
    )
