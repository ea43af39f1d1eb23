"""Writing and verifying the hash-chained audit log.

Services call `record_event` inside their own transaction, so the audit entry and the change
commit or roll back together. Who and from where come from the request context set by
`RequestContextMiddleware` when there is a request (a command or a job has none).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class RequestInfo:
    ip_address: str | None
    user_agent: str


_request_info: ContextVar[RequestInfo | None] = ContextVar("lienthong_request_info", default=None)


@contextmanager
def request_info(info: RequestInfo) -> Iterator[None]:
    token = _request_info.set(info)
    try:
        yield
    finally:
        _request_info.reset(token)


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "agency_id_at_time": event.agency_id_at_time,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "data": event.data,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


@transaction.atomic
def record_event(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one entry to the audit chain, in the caller's transaction."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        singleton=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
    )
    info = _request_info.get()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        sequence=head.last_sequence + 1,
        occurred_at=timezone.now(),
        actor=actor if is_user else None,
        actor_username=(actor.get_username() if is_user else actor_username)[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        agency_id_at_time=getattr(actor, "agency_id", None) if is_user else None,
        ip_address=info.ip_address if info else None,
        user_agent=(info.user_agent if info else "")[:300],
        data=json.loads(json.dumps(data or {}, default=str)),
        previous_hash=head.last_hash,
    )
    event.entry_hash = compute_hash(event)
    event.save(force_insert=True)
    head.last_sequence = event.sequence
    head.last_hash = event.entry_hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    problem: str = ""


def verify_chain(*, anchored: Mapping[int, str] | None = None) -> ChainReport:
    """Re-compute every hash in order; report the first break. `anchored`: sequence -> hash
    recorded outside the database (core.anchoring); each must still be there, unchanged."""
    anchored = anchored or {}
    previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        if event.sequence != expected_sequence:
            return ChainReport(checked, False, f"entry #{expected_sequence} is missing")
        if event.previous_hash != previous:
            return ChainReport(
                checked, False, f"entry #{event.sequence} does not follow its predecessor"
            )
        if compute_hash(event) != event.entry_hash:
            return ChainReport(checked, False, f"entry #{event.sequence} was altered")
        if anchored.get(event.sequence, event.entry_hash) != event.entry_hash:
            return ChainReport(
                checked, False, f"entry #{event.sequence} differs from its anchor: rewritten"
            )
        previous = event.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(singleton=1).first()
    if head is not None and (head.last_sequence != checked or head.last_hash != previous):
        return ChainReport(checked, False, "the newest entries were removed")
    if anchored and max(anchored) > checked:
        return ChainReport(
            checked,
            False,
            f"the database ends at entry #{checked}, BEHIND the anchored #{max(anchored)}: "
            "the newest entries were removed and the head rewound",
        )
    return ChainReport(checked, True)
