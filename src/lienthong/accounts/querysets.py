"""Chainable reads. `visible_to(user)` is the agency scoping of each object type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # the type arguments of the QuerySets below (strings, which ruff does not read)
    from .models import Agency, Delegation, Position, Unit, User  # noqa: F401


def _sees_everything(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_system_admin)


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: User | AnonymousUser) -> AgencyQuerySet:
        """An official sees their own agency; a system administrator sees all.

        The directory of agencies to send documents to is a separate, deliberately public
        read (`directory()`), holding only names and codes."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if _sees_everything(user):
            return self
        if user.agency_id is None:
            return self.none()
        return self.filter(pk=user.agency_id)

    def directory(self) -> AgencyQuerySet:
        return self.active().only("id", "code", "name", "abbreviation", "kind", "parent_id")


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: User | AnonymousUser) -> UnitQuerySet:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if _sees_everything(user):
            return self
        if user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class PositionQuerySet(models.QuerySet["Position"]):
    def leadership(self) -> PositionQuerySet:
        return self.filter(is_leadership=True)


class UserQuerySet(models.QuerySet["User"]):
    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: User | AnonymousUser) -> UserQuerySet:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if _sees_everything(user):
            return self
        if user.agency_id is None:
            return self.filter(pk=user.pk)
        return self.filter(agency_id=user.agency_id)

    def with_role(self, role: str) -> UserQuerySet:
        return self.filter(role_grants__role=role)


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def active_at(self, when: datetime | None = None) -> DelegationQuerySet:
        when = when or timezone.now()
        return self.filter(starts_at__lte=when, ends_at__gt=when, revoked_at__isnull=True)

    def visible_to(self, user: User | AnonymousUser) -> DelegationQuerySet:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if _sees_everything(user):
            return self
        if user.agency_id is None:  # delegations are between officials of one agency
            return self.none()
        return self.filter(delegator__agency_id=user.agency_id)
