"""What `exchange` does when the apps below it announce something (lienthong.core.events);
subscribed in ExchangeConfig.ready(), run in the publisher's transaction."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lienthong.documents.constants import Confidentiality, DocumentStatus
from lienthong.documents.events import OutgoingIssued

from .axis_services import replace_over_axis
from .services import recall, schedule_deliveries


def deliver_issued(event: OutgoingIssued) -> None:
    """An issued document replaces an issued one: recall the old one (its recipients are told);
    then deliver the new one to its recipient agencies (and, as a replacement package, to the
    axis recipients of the old one)."""
    document = event.document
    if document.replaces is not None and document.replaces.status == DocumentStatus.ISSUED:
        recall(
            actor=event.actor,
            outgoing=document.replaces,
            reason=_("Replaced by %(number)s.") % {"number": document.number_and_symbol},
        )
    schedule_deliveries(document=document)
    if document.replaces is not None and document.confidentiality == Confidentiality.NONE:
        replace_over_axis(document=document)
