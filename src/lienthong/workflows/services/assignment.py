"""Assigning an incoming document (Decree 30/2020, Điều 23): the agency leader gives it to units
and people to lead, support or know (chủ trì, phối hợp, để biết), each with a deadline; a
unit's leader hands it on inside the unit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Agency, Unit, User
from lienthong.core.audit import record_event
from lienthong.core.workdays import add_working_days
from lienthong.documents.models import Document
from lienthong.documents.tasks import index_document
from lienthong.exchange import services as exchange_services
from lienthong.notifications import services as notification_services
from lienthong.notifications.constants import NotificationKind

from ..constants import MAX_WORKING_DAYS, AssignmentRole, AssignmentState, EntryKind
from ..models import Assignment
from ..permissions import handler_authority, leader_authority
from ._common import (
    STATUS_ASSIGNED,
    _audit_data,
    _clean_text,
    _document_label,
    _entry,
    _locked,
    _locked_document,
    _panel_url,
    _require_incoming,
    _transition,
    _unit_leaders,
)

TO_PLACES_MAX = 1000  # Document.to_places


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
