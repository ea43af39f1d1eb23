"""Presenting a registered incoming document to an agency leader (trình) for instructions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.documents.models import Document
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from ..constants import EntryKind
from ..models import ProcessingEntry
from ..permissions import require_clerk_of
from ._common import (
    _clean_text,
    _document_label,
    _entry,
    _locked_document,
    _panel_url,
    _require_incoming,
)


@transaction.atomic
def present_to_leader(
    *, actor: User, document: Document, leader: User, note: str = ""
) -> ProcessingEntry:
    """Trình: the clerk puts a registered incoming document before an agency leader for their
    instructions (optional: a leader may assign without it)."""
    document = _locked_document(document)
    require_clerk_of(actor, document.agency)
    _require_incoming(document)
    note = _clean_text(note, "note", required=False)
    if not (
        leader.is_active
        and leader.agency_id == document.agency_id
        and leader.has_role(Role.AGENCY_LEADER)
    ):
        raise ValidationError({"leader": _("Choose a leader of the agency.")})
    now = timezone.now()
    entry = _entry(
        document=document,
        kind=EntryKind.PRESENTED,
        actor=actor,
        at=now,
        recipient=leader,
        text=note,
    )
    record_event(action="workflow.presented", actor=actor, obj=document, data={"leader": leader.pk})
    notification_services.notify(
        recipients=[leader],
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=_("For your instructions: %(document)s") % {"document": _document_label(document)},
        url=_panel_url(document),
        actor=actor,
    )
    return entry
