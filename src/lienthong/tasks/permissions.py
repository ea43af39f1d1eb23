"""The access chokepoint of tasks. `access_task` gives 404 for missing and forbidden alike; the
`can_<verb>` predicates answer from the same rules the services enforce (`require_*`), so a page
offers exactly what the service would accept.

Who does what:
- the giver's side: the leader who gave the task, or a leader of the giving agency; a task
  received from the national system has no giver on the platform (extensions and evaluation
  are the Government Office's);
- the owner's side: the person in charge, the leader of the unit in charge, or a leader of
  the agency in charge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User

from .constants import TaskState
from .models import ExtensionRequest, Task

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _official(user: Any) -> TypeGuard[User]:
    return bool(
        isinstance(user, User) and user.is_authenticated and user.is_active and user.agency_id
    )


def access_task(user: User | AnonymousUser, pk: Any) -> Task:
    try:
        return Task.objects.visible_to(user).for_list().get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None


def is_leader(user: Any) -> bool:
    return _official(user) and (
        user.has_role(Role.AGENCY_LEADER) or user.has_role(Role.UNIT_LEADER)
    )


def is_giver_side(user: Any, task: Task) -> bool:
    if not _official(user) or task.giver_id is None:
        return False
    return user.pk == task.giver_id or (
        user.agency_id == task.agency_id and user.has_role(Role.AGENCY_LEADER)
    )


def is_owner_side(user: Any, task: Task) -> bool:
    if not _official(user) or user.agency_id != task.owner_agency_id:
        return False
    if user.pk == task.owner_user_id or user.has_role(Role.AGENCY_LEADER):
        return True
    return (
        task.owner_unit_id is not None
        and user.unit_id == task.owner_unit_id
        and user.has_role(Role.UNIT_LEADER)
    )


def pending_extension(task: Task) -> ExtensionRequest | None:
    return task.extensions.filter(state="pending").first()


# --- Predicates --------------------------------------------------------------------------------


def can_give(user: Any) -> bool:
    """Give tasks: an agency's leader (to its units and people, and to other agencies) or a
    unit's leader (to the people of the unit)."""
    return is_leader(user)


def can_report_progress(user: Any, task: Task) -> bool:
    return task.state == TaskState.IN_PROGRESS and is_owner_side(user, task)


def can_complete(user: Any, task: Task) -> bool:
    return task.state == TaskState.IN_PROGRESS and is_owner_side(user, task)


def can_request_extension(user: Any, task: Task) -> bool:
    return (
        task.state == TaskState.IN_PROGRESS
        and task.giver_id is not None
        and is_owner_side(user, task)
        and pending_extension(task) is None
    )


def can_decide_extension(user: Any, task: Task) -> bool:
    return (
        task.state == TaskState.IN_PROGRESS
        and is_giver_side(user, task)
        and pending_extension(task) is not None
    )


def can_evaluate(user: Any, task: Task) -> bool:
    return task.state == TaskState.COMPLETED and is_giver_side(user, task)


def can_cancel(user: Any, task: Task) -> bool:
    return task.state == TaskState.IN_PROGRESS and is_giver_side(user, task)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_giver(user: Any, task: Task) -> None:
    _require(is_giver_side(user, task), _("Only the leader who gave the task may do this."))


def require_owner(user: Any, task: Task) -> None:
    _require(is_owner_side(user, task), _("Only whoever is in charge of the task may do this."))
