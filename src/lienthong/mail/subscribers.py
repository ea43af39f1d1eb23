"""What official e-mail does when `documents` announces an issued document."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from lienthong.documents.events import OutgoingIssued

from .sending import schedule_deliveries


def deliver_issued(event: OutgoingIssued) -> None:
    """Once the issue committed (the draft is linked to its document only then), queue the
    draft's e-mail recipients."""
    transaction.on_commit(partial(schedule_deliveries, event.document.pk))
