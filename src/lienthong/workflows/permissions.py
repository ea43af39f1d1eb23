"""The access chokepoint of the processing of incoming documents.

`access_incoming` and `access_assignment` give 404 for missing and forbidden alike. The
`*_authority` checks say in whose right an official acts: their own (None) or a leader's whose
delegation (ủy quyền) is active now (that leader is returned, to be recorded as
`on_behalf_of`); they raise PermissionDenied otherwise."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Delegation, Unit, User
from lienthong.accounts.querysets import may_act_for_others
from lienthong.documents.constants import Direction
from lienthong.documents.models import Document
from lienthong.documents.permissions import can_register
from lienthong.documents.querysets import visible_condition

from .models import Assignment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _official(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def access_incoming(user: User | AnonymousUser, pk: Any) -> Document:
    """An incoming document the user may see, or one they handle (a handler of a confidential
    document may open it through its assignment)."""
    if not _official(user):
        raise Http404(_("Not found."))
    documents = Document.objects.filter(
        direction=Direction.INCOMING,
        agency_id=user.agency_id,  # type: ignore[misc]  # set: checked by _official
    )
    try:
        handled = Assignment.objects.handled_by(user).filter(document_id=pk)
        return (
            documents.filter(visible_condition(user) | Q(pk__in=handled.values("document_id")))
            .select_related("document_type", "agency")
            .get(pk=pk)
        )
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def access_assignment(user: User | AnonymousUser, pk: Any) -> Assignment:
    try:
        return (
            Assignment.objects.visible_to(user)
            .select_related(
                "document", "document__agency", "assignee_unit", "assignee_user", "parent"
            )
            .get(pk=pk)
        )
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def _delegators(
    actor: User, agency_id: int, role: Role, when: datetime | None, unit: Unit | None = None
) -> Any:
    delegations = Delegation.objects.active_at(when).filter(
        delegate_id=actor.pk,
        delegator__is_active=True,
        delegator__agency_id=agency_id,
        delegator__role_grants__role=role,
    )
    if unit is not None:
        delegations = delegations.filter(delegator__unit_id=unit.pk)
    return User.objects.filter(pk__in=delegations.values("delegator_id"))


def leader_authority(
    actor: User, agency: Agency, *, on_behalf_of: User | None = None, when: datetime | None = None
) -> User | None:
    """May `actor` give the agency leader's instructions (ý kiến chỉ đạo)? As the agency's
    leader, or as the delegate of one within the delegation period."""
    if not _official(actor) or actor.agency_id != agency.pk:
        raise PermissionDenied(_("You may not assign documents of this agency."))
    if on_behalf_of is not None and on_behalf_of.pk == actor.pk:
        on_behalf_of = None
    if on_behalf_of is None and actor.has_role(Role.AGENCY_LEADER):
        return None
    delegators = _delegators(actor, agency.pk, Role.AGENCY_LEADER, when)
    if on_behalf_of is not None:
        delegators = delegators.filter(pk=on_behalf_of.pk)
    found = list(delegators[:2])
    if not found:
        raise PermissionDenied(
            _(
                "Only the agency's leader, or an official they delegated for the period, may "
                "assign incoming documents."
            )
        )
    if len(found) > 1:
        raise ValidationError(
            {"on_behalf_of": _("You act for several leaders: choose on whose behalf you assign.")}
        )
    return found[0]


def unit_leader_authority(actor: User, unit: Unit, *, when: datetime | None = None) -> User | None:
    """May `actor` act as the leader of `unit`? As its leader, or as the delegate of one."""
    if not _official(actor) or actor.agency_id != unit.agency_id:
        raise PermissionDenied(_("Only the leader of the unit may do this."))
    if actor.unit_id == unit.pk and actor.has_role(Role.UNIT_LEADER):
        return None
    delegator = _delegators(actor, unit.agency_id, Role.UNIT_LEADER, when, unit=unit).first()
    if delegator is None:
        raise PermissionDenied(_("Only the leader of the unit may do this."))
    return delegator


def handler_authority(
    actor: User, assignment: Assignment, *, when: datetime | None = None
) -> User | None:
    """May `actor` act on the assignment (progress, completion, return)? The person it was
    given to, or for a unit, the unit's leader (or their delegate)."""
    if assignment.assignee_user_id is not None:
        if _official(actor) and actor.pk == assignment.assignee_user_id:
            return None
        raise PermissionDenied(_("Only the person this was assigned to may do this."))
    assert assignment.assignee_unit is not None
    return unit_leader_authority(actor, assignment.assignee_unit, when=when)


def require_clerk_of(actor: User, agency: Agency) -> None:
    if not (can_register(actor) and actor.agency_id == agency.pk):
        raise PermissionDenied(_("Only the agency's clerk (văn thư) may do this."))


# --- Predicates: may `user` do this now? -------------------------------------------------------
#
# Each answers yes or no from the same rule the services enforce (the `*_authority` checks above
# and the assignment's state), so a page offers exactly what the service would accept.


def can_present(user: User, document: Document) -> bool:
    """Present to a leader (trình): the clerk of the document's agency."""
    try:
        require_clerk_of(user, document.agency)
    except PermissionDenied:
        return False
    return True


def can_assign(user: User, document: Document) -> bool:
    """Give the agency leader's instructions (phân công): its leader, or the delegate of one
    now (a delegate of several leaders chooses on whose behalf on the form)."""
    try:
        leader_authority(user, document.agency)
    except PermissionDenied:
        return False
    except ValidationError:  # acts for several leaders: allowed, for the one they choose
        return True
    return True


def can_act_on(user: User, assignment: Assignment) -> bool:
    """Act on an unfinished assignment: the person it was given to, or for a unit, its
    leader (or their delegate)."""
    if not assignment.is_actionable:
        return False
    try:
        handler_authority(user, assignment)
    except PermissionDenied:
        return False
    return True


def can_record_progress(user: User, assignment: Assignment) -> bool:
    """Record progress or a proposal: whoever may act on the assignment."""
    return can_act_on(user, assignment)


def can_complete(user: User, assignment: Assignment) -> bool:
    """Mark as completed: whoever may act on the assignment."""
    return can_act_on(user, assignment)


def can_return(user: User, assignment: Assignment) -> bool:
    """Return the document (trả lại): whoever may act on the assignment."""
    return can_act_on(user, assignment)


def can_reassign(user: User, assignment: Assignment) -> bool:
    """Hand a unit's work on to its people: the unit's leader (or their delegate), while the
    assignment is unfinished."""
    return assignment.assignee_unit_id is not None and can_act_on(user, assignment)


def leader_delegators(user: Any, agency: Agency, when: datetime | None = None) -> list[User]:
    """The agency leaders `user` may act for now under a delegation."""
    if not _official(user) or user.agency_id != agency.pk:
        return []
    if when is None and not may_act_for_others(user):
        return []
    return list(_delegators(user, agency.pk, Role.AGENCY_LEADER, when))
