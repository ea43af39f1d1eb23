"""What `documents` announces to the apps above it (lienthong.core.events): they subscribe in
their AppConfig.ready(); the handlers run in the publishing service's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from lienthong.accounts.models import User
from lienthong.core.events import Event

from .models import AttachmentVersion, Blob, Document


@dataclass(frozen=True)
class OutgoingIssued(Event):
    """`issue_outgoing` numbered and issued an outgoing document (status ISSUED, saved), before
    its `document.issued` audit event. `exchange` recalls the document it replaces and schedules
    its deliveries to the recipient agencies."""

    document: Document
    actor: User


@dataclass(frozen=True)
class FileAttached(Event):
    """A new file version of a document was stored (`add_attachment`, a kept upload attached,
    a registration's files). `signatures` has the PDFs of incoming documents verified."""

    document: Document
    version: AttachmentVersion
    blob: Blob
