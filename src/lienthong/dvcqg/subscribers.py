"""What `dvcqg` does when `onestop` announces something (lienthong.core.events); subscribed in
DvcqgConfig.ready(), run in the publisher's transaction."""

from __future__ import annotations

from lienthong.onestop.events import DossierProgressed, DossierStatusChanged

from . import client
from .services import queue_progress_push, queue_status_push


def push_status_change(event: DossierStatusChanged) -> None:
    """Every status change is queued for the national portal, in the change's transaction
    (nothing when the portal is not configured: LIENTHONG_DVCQG_URL empty)."""
    if client.is_enabled():
        queue_status_push(dossier=event.dossier, status=event.status, at=event.at)


def push_progress(event: DossierProgressed) -> None:
    """Every step of the processing (and the fee once paid) is queued after the status change
    of the same history entry, in the same outbox (docs/dvcqg.md)."""
    if client.is_enabled():
        queue_progress_push(entry=event.entry)
