"""Finishing an assignment: completion (hoàn thành) and return (trả lại) to whoever gave it, or
to the clerk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from lienthong.core.audit import record_event
from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document
from lienthong.exchange import services as exchange_services
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from ..constants import AssignmentRole, AssignmentState, EntryKind, ReturnTarget
from ..models import Assignment
from ..permissions import handler_authority
from ._common import (
    STATUS_COMPLETED,
    _audit_data,
    _clean_text,
    _document_label,
    _entry,
    _locked,
    _panel_url,
    _transition,
)


def _finish(
    assignment: Assignment,
    *,
    actor: User,
    principal: User | None,
    now: datetime,
    note: str,
    reply_document: Document | None,
    together_with: Assignment | None = None,
) -> None:
    """Complete one assignment; `together_with` is the handed-on work whose completion
    completes it (recorded as data, so the history reads in the reader's language)."""
    _transition(assignment, AssignmentState.COMPLETED)
    assignment.finished_at = now
    if reply_document is not None and assignment.reply_document_id is None:
        assignment.reply_document = reply_document
    assignment.save(update_fields=["state", "finished_at", "reply_document"])
    _entry(
        document=assignment.document,
        kind=EntryKind.COMPLETED,
        actor=actor,
        at=now,
        assignment=assignment,
        on_behalf_of=principal,
        text=note,
        data={
            "reply_document": reply_document.pk if reply_document else None,
            "with": together_with.pk if together_with else None,
        },
    )


@transaction.atomic
def complete(
    *,
    actor: User,
    assignment: Assignment,
    note: str = "",
    reply_document: Document | None = None,
) -> Assignment:
    """The handler finishes, optionally with the reply (an outgoing document of the agency).

    The person leading a unit's work finishes the unit's assignment with theirs; when the
    agency-level lead is finished, the sender is told the document is dealt with (06)."""
    assignment = _locked(assignment)
    now = timezone.now()
    principal = handler_authority(actor, assignment, when=now)
    if not assignment.is_actionable:
        raise ValidationError(_("This assignment is finished."))
    note = _clean_text(note, "note", required=False)
    document = assignment.document
    if reply_document is not None and (
        reply_document.direction != Direction.OUTGOING
        or reply_document.agency_id != document.agency_id
    ):
        raise ValidationError(
            {"reply_document": _("The reply must be an outgoing document of the agency.")}
        )
    if reply_document is not None and reply_document.status == DocumentStatus.RECALLED:
        raise ValidationError({"reply_document": _("A recalled document cannot be the reply.")})
    working_lead = assignment.children.actionable().filter(role=AssignmentRole.LEAD).first()
    if working_lead is not None:
        raise ValidationError(
            _("%(name)s is still handling it for the unit.") % {"name": working_lead.assignee_name}
        )
    _finish(
        assignment,
        actor=actor,
        principal=principal,
        now=now,
        note=note,
        reply_document=reply_document,
    )
    finished = [assignment]
    current = assignment
    while current.role == AssignmentRole.LEAD and current.parent_id is not None:
        parent = _locked(current.parent)  # type: ignore[arg-type]
        if not parent.is_actionable:
            break
        _finish(
            parent,
            actor=actor,
            principal=principal,
            now=now,
            note="",
            reply_document=reply_document,
            together_with=current,
        )
        finished.append(parent)
        current = parent
    record_event(
        action="workflow.completed",
        actor=actor,
        obj=document,
        data=_audit_data(
            assignment,
            completed=[a.pk for a in finished],
            reply_document=reply_document.pk if reply_document else None,
        ),
    )
    notification_services.notify(
        recipients=_assigners(finished),
        kind=NotificationKind.ASSIGNMENT_COMPLETED,
        title=_("Completed by %(name)s: %(document)s")
        % {"name": actor, "document": _document_label(document)},
        url=_panel_url(document),
        actor=actor,
    )
    if any(a.parent_id is None and a.role == AssignmentRole.LEAD for a in finished):
        exchange_services.report_status(document=document, status=STATUS_COMPLETED, actor=actor)
    return assignment


def _assigners(assignments: Iterable[Assignment]) -> list[User]:
    """Who gave the assignments (and the leader a delegate gave them for): told when the work
    is completed or returned."""
    people: list[User] = []
    for assignment in assignments:
        for user in (assignment.assigned_by, assignment.on_behalf_of):
            if user is not None and user not in people:
                people.append(user)
    return people


def _clerks_for(document: Document) -> list[User]:
    registrar = User.objects.filter(
        pk=document.created_by_id,
        is_active=True,
        agency_id=document.agency_id,
        role_grants__role=Role.CLERK,
    ).first()
    if registrar is not None:
        return [registrar]
    return list(
        User.objects.filter(
            agency_id=document.agency_id, is_active=True, role_grants__role=Role.CLERK
        ).distinct()
    )


@transaction.atomic
def return_document(
    *,
    actor: User,
    assignment: Assignment,
    reason: str,
    to: ReturnTarget | str = ReturnTarget.ASSIGNER,
) -> Assignment:
    """The handler gives the document back, with the reason: to whoever assigned it, or (for
    the agency leader's assignments) to the clerk, e.g. when it is not the agency's business.
    Work handed on inside a unit ends with it."""
    assignment = _locked(assignment)
    now = timezone.now()
    principal = handler_authority(actor, assignment, when=now)
    if not assignment.is_actionable:
        raise ValidationError(_("This assignment is finished."))
    reason = _clean_text(
        reason, "reason", required=True, message=_("Say why the document is returned.")
    )
    if to not in ReturnTarget.values:
        raise ValidationError({"to": _("Return it to the assigner or to the clerk.")})
    if to == ReturnTarget.CLERK and assignment.parent_id is not None:
        raise ValidationError({"to": _("Work handed on inside a unit goes back to the unit.")})
    document = assignment.document
    assigners = _assigners([assignment])
    recipients = _clerks_for(document) if to == ReturnTarget.CLERK else assigners
    _transition(assignment, AssignmentState.RETURNED)
    assignment.finished_at = now
    assignment.save(update_fields=["state", "finished_at"])
    _entry(
        document=document,
        kind=EntryKind.RETURNED,
        actor=actor,
        at=now,
        assignment=assignment,
        on_behalf_of=principal,
        recipient=recipients[0] if recipients else None,
        text=reason,
        data={"to": str(to)},
    )
    ended = []
    for child in assignment.children.actionable().select_for_update():
        _transition(child, AssignmentState.RETURNED)
        child.finished_at = now
        child.save(update_fields=["state", "finished_at"])
        _entry(
            document=document,
            kind=EntryKind.RETURNED,
            actor=actor,
            at=now,
            assignment=child,
            on_behalf_of=principal,
            data={"with": assignment.pk},
        )
        ended.append(child.pk)
    record_event(
        action="workflow.returned",
        actor=actor,
        obj=document,
        data=_audit_data(assignment, to=str(to), reason=reason, ended=ended),
    )
    if recipients or assigners:
        # The leader who gave it is told even when it goes back to the clerk.
        notification_services.notify(
            recipients=[*recipients, *(a for a in assigners if a not in recipients)],
            kind=NotificationKind.RETURNED,
            title=_("Returned by %(name)s: %(document)s")
            % {"name": actor, "document": _document_label(document)},
            url=_panel_url(document),
            actor=actor,
        )
    return assignment
