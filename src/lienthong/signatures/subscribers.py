"""What `signatures` does when the apps below it announce something (lienthong.core.events);
subscribed in SignaturesConfig.ready(), run in the publisher's transaction."""

from __future__ import annotations

from lienthong.documents.constants import Direction
from lienthong.documents.events import FileAttached

from .services import enqueue_verification


def verify_incoming_file(event: FileAttached) -> None:
    """A file of an incoming document is checked in the background (its signatures, once)."""
    if event.document.direction == Direction.INCOMING:
        enqueue_verification(blob=event.blob)
