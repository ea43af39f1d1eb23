"""Processing an assignment: who handles it, and the progress they record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.exchange import services as exchange_services

from ..constants import AssignmentState, EntryKind
from ..models import Assignment, ProcessingEntry
from ..permissions import handler_authority
from ._common import (
    STATUS_PROCESSING,
    _audit_data,
    _clean_text,
    _entry,
    _locked,
    _transition,
    _unit_leaders,
)


def handlers_of(assignment: Assignment) -> list[User]:
    """Who acts on an assignment: its person, or the leaders of its unit."""
    if assignment.assignee_user is not None:
        return [assignment.assignee_user]
    assert assignment.assignee_unit_id is not None
    return _unit_leaders([assignment.assignee_unit_id]).get(assignment.assignee_unit_id, [])


@transaction.atomic
def record_progress(
    *, actor: User, assignment: Assignment, note: str, proposal: bool = False
) -> ProcessingEntry:
    """A handler notes progress, or their proposal for handling it (ý kiến đề xuất của người
    giải quyết, part 3 of the phiếu). The first one starts the work (status 05 to the
    sender)."""
    assignment = _locked(assignment)
    now = timezone.now()
    principal = handler_authority(actor, assignment, when=now)
    if not assignment.is_actionable:
        raise ValidationError(_("This assignment is finished."))
    note = _clean_text(note, "note", required=True, message=_("Write the progress or proposal."))
    if assignment.state == AssignmentState.OPEN:
        _transition(assignment, AssignmentState.IN_PROGRESS)
        assignment.started_at = now
        assignment.save(update_fields=["state", "started_at"])
    document = assignment.document
    first = not ProcessingEntry.objects.filter(
        document=document, kind__in=[EntryKind.PROGRESS, EntryKind.PROPOSAL]
    ).exists()
    entry = _entry(
        document=document,
        kind=EntryKind.PROPOSAL if proposal else EntryKind.PROGRESS,
        actor=actor,
        at=now,
        assignment=assignment,
        on_behalf_of=principal,
        text=note,
    )
    record_event(
        action="workflow.progress_recorded",
        actor=actor,
        obj=document,
        data=_audit_data(assignment, proposal=proposal),
    )
    if first:
        exchange_services.report_status(document=document, status=STATUS_PROCESSING, actor=actor)
    return entry
