"""What `reports` does when the apps below it announce something (lienthong.core.events);
subscribed in ReportsConfig.ready(), run in the publisher's transaction."""

from __future__ import annotations

from lienthong.exchange.events import DocumentDelivered, DocumentRecalled

from .services import record_document_arrival, record_document_recall


def document_delivered(event: DocumentDelivered) -> None:
    """A report submitted as a signed document counts once that document has arrived at the
    aggregating agency."""
    record_document_arrival(outgoing=event.outgoing, recipient_id=event.delivery.recipient_id)


def document_recalled(event: DocumentRecalled) -> None:
    """A report's signed document withdrawn from the aggregating agency no longer counts."""
    record_document_recall(
        outgoing=event.outgoing, recipient_id=event.delivery.recipient_id, reason=event.reason
    )
