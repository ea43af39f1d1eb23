"""What `exchange` announces to the apps above it (lienthong.core.events): they subscribe in
their AppConfig.ready(); the handlers run in the publishing service's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from lienthong.core.events import Event
from lienthong.documents.models import Document

from .models import Delivery


@dataclass(frozen=True)
class DocumentDelivered(Event):
    """`make_delivery` created the recipient agency's copy of an issued document (status 01,
    arrived), in the delivery job's transaction. `reports` counts a report submitted as a signed
    document from then on."""

    delivery: Delivery
    outgoing: Document
    incoming: Document


@dataclass(frozen=True)
class DocumentRecalled(Event):
    """A recalled document is withdrawn from a recipient agency (status 15): at once when its
    copy was not made or not registered yet, or when the recipient's clerk agrees to the
    recall. `reports` takes a report submitted as that document out of the aggregate."""

    delivery: Delivery
    outgoing: Document
    reason: str
