"""State-changing use cases of the processing of incoming documents (Decree 30/2020, Điều
20 to 24): presenting to the leader, assigning (chủ trì, phối hợp, để biết), handing on inside a
unit, progress, completion and return. Each checks who acts and in whose right, validates,
changes the state along `ALLOWED_TRANSITIONS`, appends to the history, writes the audit event,
notifies, and tells the sending agency (edXML status 04, 05, 06) — all in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.audit import record_event
from lienthong.core.workdays import add_working_days, is_working_day
from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import Document
from lienthong.exchange import services as exchange_services
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from .constants import (
    ALLOWED_TRANSITIONS,
    DUE_SOON_WORKING_DAYS,
    MAX_WORKING_DAYS,
    AssignmentRole,
    AssignmentState,
    EntryKind,
    ReturnTarget,
)
from .models import Assignment, ProcessingEntry, SentReminder
from .permissions import handler_authority, leader_authority, require_clerk_of
from .querysets import due_soon_cutoff

# edXML status codes the recipient reports back to the sender (QCVN 102).
STATUS_ASSIGNED = "04"
STATUS_PROCESSING = "05"
STATUS_COMPLETED = "06"

MAX_TEXT = 2000
TO_PLACES_MAX = 1000  # Document.to_places
REMINDER_BATCH = 500


@dataclass(frozen=True)
class Assignee:
    """One unit or person to give a document to, in a role. The deadline is a date or a number
    of working days from today (not both); without either, the call's common deadline applies
    (never to “for information”, which has none)."""

    role: AssignmentRole | str
    unit: Unit | None = None
    user: User | None = None
    deadline: date | None = None
    working_days: int | None = None

    @property
    def target(self) -> tuple[str, int]:
        if self.unit is not None:
            return ("unit", self.unit.pk)
        assert self.user is not None
        return ("user", self.user.pk)

    @property
    def name(self) -> str:
        return str(self.unit or self.user or "")


# --- Helpers -----------------------------------------------------------------------------------


def resolve_deadline(
    *, deadline: date | None, working_days: int | None, today: date
) -> tuple[date | None, int | None]:
    """A deadline given as a date, or as N working days after today (the working-day calendar
    skips weekends, Tết and the other public holidays). Returns (date, working days given)."""
    if deadline is not None and working_days is not None:
        raise ValidationError(
            {"deadline": _("Give the deadline as a date or as working days, not both.")}
        )
    if working_days is not None:
        if not 1 <= working_days <= MAX_WORKING_DAYS:
            raise ValidationError(
                {
                    "working_days": _("Between 1 and %(max)s working days.")
                    % {"max": MAX_WORKING_DAYS}
                }
            )
        return add_working_days(today, working_days), working_days
    if deadline is not None and deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    return deadline, None


def _transition(assignment: Assignment, new_state: AssignmentState) -> None:
    if new_state not in ALLOWED_TRANSITIONS[assignment.state]:
        raise ValidationError(
            _("This assignment is “%(state)s” and cannot become “%(new)s”.")
            % {
                "state": AssignmentState(assignment.state).label,
                "new": AssignmentState(new_state).label,
            }
        )
    assignment.state = new_state


def _clean_text(value: str, field: str, *, required: bool, message: str = "") -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": MAX_TEXT}})
    return value


def _require_incoming(document: Document) -> None:
    if document.direction != Direction.INCOMING:
        raise ValidationError(_("Only incoming documents are assigned for processing."))


def _document_label(document: Document) -> str:
    number = document.number_and_symbol
    subject = document.subject if len(document.subject) <= 80 else document.subject[:79] + "…"
    return f"{number}: {subject}" if number else subject


def _panel_url(document: Document) -> str:
    return reverse("workflows:document", args=[document.pk])


def _unit_leaders(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    leaders: dict[int, list[User]] = {}
    for user in User.objects.filter(
        unit_id__in=set(unit_ids), is_active=True, role_grants__role=Role.UNIT_LEADER
    ).distinct():
        assert user.unit_id is not None
        leaders.setdefault(user.unit_id, []).append(user)
    return leaders


def handlers_of(assignment: Assignment) -> list[User]:
    """Who acts on an assignment: its person, or the leaders of its unit."""
    if assignment.assignee_user is not None:
        return [assignment.assignee_user]
    assert assignment.assignee_unit_id is not None
    return _unit_leaders([assignment.assignee_unit_id]).get(assignment.assignee_unit_id, [])


def _notify_new(assignments: Sequence[Assignment], actor: User) -> None:
    leaders = _unit_leaders(a.assignee_unit_id for a in assignments if a.assignee_unit_id)
    for assignment in assignments:
        if assignment.assignee_user is not None:
            recipients = [assignment.assignee_user]
        else:
            assert assignment.assignee_unit_id is not None
            recipients = leaders.get(assignment.assignee_unit_id, [])
        if not recipients:
            continue
        notification_services.notify(
            recipients=recipients,
            kind=NotificationKind.NEW_ASSIGNMENT,
            title=_("%(role)s: %(document)s")
            % {
                "role": AssignmentRole(assignment.role).label,
                "document": _document_label(assignment.document),
            },
            url=_panel_url(assignment.document),
            actor=actor,
        )


def _check_target(agency: Agency, assignee: Assignee, *, unit: Unit | None = None) -> None:
    """The unit or person must be active and of the agency (of the unit, inside a unit)."""
    if (assignee.unit is None) == (assignee.user is None):
        raise ValidationError({"assignees": _("Give each assignee as a unit or a person.")})
    if assignee.role not in AssignmentRole.values:
        raise ValidationError(
            {"assignees": _("Unknown role “%(role)s”.") % {"role": assignee.role}}
        )
    if assignee.unit is not None:
        if unit is not None:
            raise ValidationError(
                {"assignees": _("Inside a unit, work is handed on to people of the unit.")}
            )
        if assignee.unit.agency_id != agency.pk or not assignee.unit.is_active:
            raise ValidationError(
                {
                    "assignees": _("“%(name)s” is not a unit of this agency.")
                    % {"name": assignee.name}
                }
            )
        return
    assert assignee.user is not None
    if assignee.user.agency_id != agency.pk or not assignee.user.is_active:
        raise ValidationError(
            {
                "assignees": _("“%(name)s” is not an active official of this agency.")
                % {"name": assignee.name}
            }
        )
    if unit is not None and assignee.user.unit_id != unit.pk:
        raise ValidationError(
            {"assignees": _("“%(name)s” is not in the unit.") % {"name": assignee.name}}
        )


def _check_roles(
    assignees: Sequence[Assignee], *, standing: Iterable[Assignment], lead_required: bool
) -> None:
    if not assignees:
        raise ValidationError({"assignees": _("Choose at least one unit or person.")})
    standing = list(standing)
    leads = [a for a in assignees if a.role == AssignmentRole.LEAD]
    has_lead = any(a.role == AssignmentRole.LEAD for a in standing)
    if len(leads) > 1:
        raise ValidationError({"assignees": _("Only one unit or person can lead (chủ trì).")})
    if leads and has_lead:
        raise ValidationError(
            {
                "assignees": _(
                    "It already has a lead (chủ trì); the lead must return it before another "
                    "is chosen."
                )
            }
        )
    if lead_required and not leads and not has_lead:
        raise ValidationError({"assignees": _("Choose the unit or person to lead (chủ trì).")})
    seen = {
        ("unit", a.assignee_unit_id) if a.assignee_unit_id else ("user", a.assignee_user_id)
        for a in standing
    }
    for assignee in assignees:
        if assignee.target in seen:
            raise ValidationError(
                {
                    "assignees": _("“%(name)s” is already assigned this document.")
                    % {"name": assignee.name}
                }
            )
        seen.add(assignee.target)


def _deadline_for(
    assignee: Assignee,
    *,
    common: tuple[date | None, int | None],
    today: date,
    latest: date | None = None,
) -> tuple[date | None, int | None]:
    if assignee.role == AssignmentRole.INFORMATION:
        if assignee.deadline is not None or assignee.working_days is not None:
            raise ValidationError(
                {"deadline": _("A document sent for information has no deadline.")}
            )
        return None, None
    if assignee.deadline is not None or assignee.working_days is not None:
        deadline, days = resolve_deadline(
            deadline=assignee.deadline, working_days=assignee.working_days, today=today
        )
    else:
        deadline, days = common
    if latest is not None:
        if deadline is None:
            return latest, None
        if deadline > latest:
            raise ValidationError(
                {
                    "deadline": _("The deadline cannot be after the unit's own, %(date)s.")
                    % {"date": latest.strftime("%d/%m/%Y")}
                }
            )
    return deadline, days


def _entry(
    *,
    document: Document,
    kind: EntryKind,
    actor: User,
    at: datetime,
    assignment: Assignment | None = None,
    on_behalf_of: User | None = None,
    recipient: User | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> ProcessingEntry:
    return ProcessingEntry.objects.create(
        document=document,
        assignment=assignment,
        kind=kind,
        actor=actor,
        at=at,
        on_behalf_of=on_behalf_of,
        recipient=recipient,
        text=text,
        data=data or {},
    )


def _locked_document(document: Document) -> Document:
    """Lock the document row (not its agency's): assignments of one document are serialised."""
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("agency", "document_type")
        .get(pk=document.pk)
    )


def _locked(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "assignee_unit", "assignee_user", "parent")
        .get(pk=assignment.pk)
    )


def _create(
    *,
    document: Document,
    assignees: Sequence[Assignee],
    deadlines: Sequence[tuple[date | None, int | None]],
    instruction: str,
    actor: User,
    on_behalf_of: User | None,
    now: datetime,
    parent: Assignment | None = None,
) -> list[Assignment]:
    try:
        with transaction.atomic():
            return _insert(
                document=document,
                assignees=assignees,
                deadlines=deadlines,
                instruction=instruction,
                actor=actor,
                on_behalf_of=on_behalf_of,
                now=now,
                parent=parent,
            )
    except IntegrityError as exc:  # a concurrent request chose a lead first
        raise ValidationError(
            {"assignees": _("Someone else has just assigned it; reload and check.")}
        ) from exc


def _insert(
    *,
    document: Document,
    assignees: Sequence[Assignee],
    deadlines: Sequence[tuple[date | None, int | None]],
    instruction: str,
    actor: User,
    on_behalf_of: User | None,
    now: datetime,
    parent: Assignment | None,
) -> list[Assignment]:
    created = []
    for assignee, (deadline, days) in zip(assignees, deadlines, strict=True):
        assignment = Assignment.objects.create(
            document=document,
            parent=parent,
            role=assignee.role,
            assignee_unit=assignee.unit,
            assignee_user=assignee.user,
            instruction=instruction,
            deadline=deadline,
            deadline_working_days=days,
            assigned_by=actor,
            on_behalf_of=on_behalf_of,
            assigned_at=now,
        )
        _entry(
            document=document,
            kind=EntryKind.REASSIGNED if parent else EntryKind.ASSIGNED,
            actor=actor,
            at=now,
            assignment=assignment,
            on_behalf_of=on_behalf_of,
            text=instruction,
            data={
                "role": assignment.role,
                "assignee": assignee.name,
                "deadline": deadline.isoformat() if deadline else None,
                "working_days": days,
            },
        )
        created.append(assignment)
    return created


def _audit_data(assignment: Assignment, **extra: Any) -> dict[str, Any]:
    return {"assignment": assignment.pk, "role": assignment.role, **extra}


# --- Use cases ---------------------------------------------------------------------------------


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


@transaction.atomic
def assign(
    *,
    actor: User,
    document: Document,
    assignees: Sequence[Assignee],
    instruction: str = "",
    deadline: date | None = None,
    working_days: int | None = None,
    on_behalf_of: User | None = None,
) -> list[Assignment]:
    """The agency leader's instructions (Điều 23): one unit or person leads (chủ trì), others
    support (phối hợp) or receive it for information (để biết), each with a deadline.

    A deputy may assign as the delegate of a leader during the delegation period; the leader
    is recorded as `on_behalf_of` (give it when the deputy acts for several leaders). Several
    calls may add support or information; a second lead needs the first to be returned."""
    document = _locked_document(document)
    now = timezone.now()
    today = timezone.localdate(now)
    principal = leader_authority(actor, document.agency, on_behalf_of=on_behalf_of, when=now)
    _require_incoming(document)
    instruction = _clean_text(instruction, "instruction", required=False)
    assignees = list(assignees)
    standing = list(Assignment.objects.filter(document=document, parent__isnull=True).active())
    _check_roles(assignees, standing=standing, lead_required=True)
    for assignee in assignees:
        _check_target(document.agency, assignee)
    common = resolve_deadline(deadline=deadline, working_days=working_days, today=today)
    deadlines = [_deadline_for(a, common=common, today=today) for a in assignees]
    first = not Assignment.objects.filter(document=document).exists()
    created = _create(
        document=document,
        assignees=assignees,
        deadlines=deadlines,
        instruction=instruction,
        actor=actor,
        on_behalf_of=principal,
        now=now,
    )
    record_event(
        action="workflow.assigned",
        actor=actor,
        obj=document,
        data={
            "assignments": [a.pk for a in created],
            "on_behalf_of": principal.pk if principal else None,
        },
    )
    _note_in_register(document)
    _notify_new(created, actor)
    if first:
        exchange_services.report_status(document=document, status=STATUS_ASSIGNED, actor=actor)
    return created


def _note_in_register(document: Document) -> None:
    """The register's “Đơn vị hoặc người nhận” (ToPlaces) names the units and people the leader
    gave the document to, the lead first; its “Hạn xử lý” (due date) is the lead's deadline
    when the document had none or a later one. `document` is locked by the caller."""
    standing = (
        Assignment.objects.filter(document=document, parent__isnull=True)
        .active()
        .select_related("assignee_unit", "assignee_user")
        .order_by("assigned_at", "id")
    )
    order = {AssignmentRole.LEAD: 0, AssignmentRole.SUPPORT: 1, AssignmentRole.INFORMATION: 2}
    rows = sorted(standing, key=lambda a: order.get(a.role, 3))  # type: ignore[call-overload]
    names: list[str] = []
    for assignment in rows:
        if assignment.assignee_name not in names:
            names.append(assignment.assignee_name)
    to_places = ", ".join(names)
    if len(to_places) > TO_PLACES_MAX:
        to_places = to_places[: TO_PLACES_MAX - 1] + "…"
    lead_deadline = next(
        (a.deadline for a in rows if a.role == AssignmentRole.LEAD and a.deadline), None
    )
    due_date = document.due_date
    if lead_deadline is not None and (due_date is None or lead_deadline < due_date):
        due_date = lead_deadline
    if (to_places, due_date) == (document.to_places, document.due_date):
        return
    document.to_places = to_places
    document.due_date = due_date
    document.save(update_fields=["to_places", "due_date", "updated_at"])
    from lienthong.documents.tasks import index_document

    index_document.enqueue(document.pk)


@transaction.atomic
def reassign(
    *,
    actor: User,
    assignment: Assignment,
    assignees: Sequence[Assignee],
    instruction: str = "",
    deadline: date | None = None,
    working_days: int | None = None,
) -> list[Assignment]:
    """The unit leader hands the unit's work on to people of the unit (ý kiến của lãnh đạo đơn
    vị): one leads it for the unit, others support. Deadlines default to the unit's own and
    cannot be later."""
    parent = _locked(assignment)
    now = timezone.now()
    today = timezone.localdate(now)
    if parent.assignee_unit is None:
        raise ValidationError(_("Only work given to a unit is handed on to its people."))
    principal = handler_authority(actor, parent, when=now)
    if not parent.is_actionable:
        raise ValidationError(_("This assignment is finished."))
    instruction = _clean_text(instruction, "instruction", required=False)
    assignees = list(assignees)
    if parent.role == AssignmentRole.INFORMATION and any(
        a.role != AssignmentRole.INFORMATION for a in assignees
    ):
        raise ValidationError(
            {
                "assignees": _(
                    "A document the unit received for information is passed on only for "
                    "information."
                )
            }
        )
    standing = list(parent.children.active())
    _check_roles(
        assignees,
        standing=standing,
        lead_required=parent.role != AssignmentRole.INFORMATION,
    )
    agency = parent.document.agency
    for assignee in assignees:
        _check_target(agency, assignee, unit=parent.assignee_unit)
    common = resolve_deadline(deadline=deadline, working_days=working_days, today=today)
    deadlines = [
        _deadline_for(a, common=common, today=today, latest=parent.deadline) for a in assignees
    ]
    if parent.state == AssignmentState.OPEN:
        _transition(parent, AssignmentState.IN_PROGRESS)
        parent.started_at = now
        parent.save(update_fields=["state", "started_at"])
    created = _create(
        document=parent.document,
        assignees=assignees,
        deadlines=deadlines,
        instruction=instruction,
        actor=actor,
        on_behalf_of=principal,
        now=now,
        parent=parent,
    )
    record_event(
        action="workflow.reassigned",
        actor=actor,
        obj=parent.document,
        data=_audit_data(
            parent,
            assignments=[a.pk for a in created],
            on_behalf_of=principal.pk if principal else None,
        ),
    )
    _notify_new(created, actor)
    return created


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


# --- Periodic: deadline reminders --------------------------------------------------------------


@transaction.atomic
def send_deadline_reminders(
    *, today: date | None = None, within: int = DUE_SOON_WORKING_DAYS
) -> int:
    """Tell the handlers of work due within `within` working days, or overdue: once per
    assignment and day (each sent reminder is recorded), on working days only. Registered as
    the periodic function `workflows.deadline_reminders`; handles at most REMINDER_BATCH of each
    kind per run (the scheduler runs it every minute), and returns how many it sent."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    if not is_working_day(today):
        return 0
    cutoff = due_soon_cutoff(today, within)
    sent = 0
    for kind, due in (
        (NotificationKind.OVERDUE, Assignment.objects.overdue(today)),
        (NotificationKind.DUE_SOON, Assignment.objects.due_within(today, cutoff)),
    ):
        already = SentReminder.objects.filter(assignment=OuterRef("pk"), kind=kind, day=today)
        batch = list(
            due.filter(~Exists(already))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("document", "assignee_user")
            .order_by("deadline", "id")[:REMINDER_BATCH]
        )
        if not batch:
            continue
        SentReminder.objects.bulk_create(
            [SentReminder(assignment=a, kind=kind, day=today, sent_at=now) for a in batch]
        )
        leaders = _unit_leaders(a.assignee_unit_id for a in batch if a.assignee_unit_id)
        for assignment in batch:
            recipients = (
                [assignment.assignee_user]
                if assignment.assignee_user is not None
                else leaders.get(assignment.assignee_unit_id or 0, [])
            )
            if not recipients:
                continue
            assert assignment.deadline is not None
            template = (
                _("Overdue since %(date)s: %(document)s")
                if kind == NotificationKind.OVERDUE
                else _("Due on %(date)s: %(document)s")
            )
            notification_services.notify(
                recipients=recipients,
                kind=kind,
                title=template
                % {
                    "date": assignment.deadline.strftime("%d/%m/%Y"),
                    "document": _document_label(assignment.document),
                },
                url=_panel_url(assignment.document),
            )
            sent += 1
    return sent


def deadline_reminders() -> int:
    """The periodic entry point (no arguments)."""
    return send_deadline_reminders()
