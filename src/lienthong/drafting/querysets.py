"""Reads of drafts. `visible_to` is the only place agency scoping and confidentiality of
drafts are decided; `awaiting_action_of` is each user's queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn, TypeGuard

from django.apps import apps
from django.db import models
from django.db.models import Q

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Delegation, User
from lienthong.accounts.querysets import may_act_for_others
from lienthong.documents.constants import Confidentiality

from .constants import SUBSTITUTABLE_AUTHORITIES, DraftState, StepKind, StepStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Draft, DraftEvent  # noqa: F401 (the QuerySet[...] strings below)


class AppendOnlyError(Exception):
    """A change or removal of a history row (the history of a draft is append-only)."""


def _review_steps() -> Any:
    """ReviewStep's rows (the model is defined in models.py, which imports this module)."""
    return apps.get_model("drafting", "ReviewStep").objects


def _is_official(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active and user.agency_id)


def _delegators(user: Any) -> list[int]:
    """The officials who have authorised `user` to act for them right now."""
    if not may_act_for_others(user):
        return []
    return list(
        Delegation.objects.active_at()
        .filter(delegate=user, delegator__is_active=True, delegator__agency_id=user.agency_id)
        .values_list("delegator_id", flat=True)
    )


def _led_units(user: Any, delegators: list[int]) -> list[int]:
    """Units whose leader `user` is, in their own right or by delegation."""
    units = []
    if user.unit_id and user.has_role(Role.UNIT_LEADER):
        units.append(user.unit_id)
    if delegators:
        units += list(
            User.objects.filter(pk__in=delegators, unit__isnull=False)
            .with_role(Role.UNIT_LEADER)
            .values_list("unit_id", flat=True)
        )
    return units


class DraftQuerySet(models.QuerySet["Draft"]):
    def visible_to(self, user: User | AnonymousUser) -> DraftQuerySet:
        """Inside its agency, a draft is seen by the agency's leaders, by whoever takes part in
        it (drafter, signer, the head signed for, the leaders of the units on its route), by
        the drafting unit's members when it is not confidential, and by the clerks once it is
        approved for issue. Other agencies never see it."""
        if not _is_official(user):
            return self.none()
        own = self.filter(agency_id=user.agency_id)
        if user.has_role(Role.AGENCY_LEADER):
            return own
        delegators = _delegators(user)
        led_units = _led_units(user, delegators)
        route = _review_steps().filter(Q(assignee=user) | Q(unit_id__in=led_units))
        visible = (
            Q(created_by=user)
            | Q(signer=user)
            | Q(on_behalf_of=user)
            | Q(signed_by=user)
            | Q(drafting_unit_id__in=led_units)
            | Q(pk__in=route.values("draft_id"))
        )
        if delegators:
            visible |= Q(signer_id__in=delegators)
        if user.unit_id:
            visible |= Q(drafting_unit_id=user.unit_id, confidentiality=Confidentiality.NONE)
        if user.has_role(Role.CLERK):
            visible |= Q(state__in=[DraftState.APPROVED, DraftState.ISSUED])
        return own.filter(visible)

    def created_by_user(self, user: Any) -> DraftQuerySet:
        return self.filter(created_by_id=user.pk)

    def awaiting_action_of(self, user: Any) -> DraftQuerySet:
        """Drafts on which `user` (or someone who authorised them) has to act now."""
        if not _is_official(user):
            return self.none()
        delegators = _delegators(user)
        led_units = _led_units(user, delegators)
        commenting = _review_steps().filter(
            kind=StepKind.COMMENT, status=StepStatus.ACTIVE, unit_id__in=led_units
        )
        waiting = (
            Q(state=DraftState.RETURNED, created_by=user)
            | Q(state=DraftState.IN_REVIEW, drafting_unit_id__in=led_units)
            | Q(state=DraftState.AWAITING_COMMENTS, pk__in=commenting.values("draft_id"))
            | Q(state=DraftState.AWAITING_SIGNATURE, signer=user)
        )
        if delegators:
            waiting |= Q(
                state=DraftState.AWAITING_SIGNATURE,
                signer_id__in=delegators,
                signing_authority__in=SUBSTITUTABLE_AUTHORITIES,
            )
        if user.has_role(Role.CLERK):
            waiting |= Q(state=DraftState.APPROVED)
        return self.filter(agency_id=user.agency_id).filter(waiting)

    def for_list(self) -> DraftQuerySet:
        return self.select_related("document_type", "drafting_unit", "signer", "created_by")

    def open(self) -> DraftQuerySet:
        return self.exclude(state__in=[DraftState.ISSUED, DraftState.WITHDRAWN])


class DraftEventQuerySet(models.QuerySet["DraftEvent"]):
    """History rows can be added, never changed or removed."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The history of a draft is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The history of a draft is append-only.")
