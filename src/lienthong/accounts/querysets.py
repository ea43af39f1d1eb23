"""Chainable reads. `visible_to(user)` is the agency scoping of each object type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Aggregate, CharField, Exists, OuterRef, Subquery
from django.utils import timezone

from lienthong.core.compiled import CompiledLookup

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # the type arguments of the QuerySets below (strings, which ruff does not read)
    from .models import Agency, Delegation, Position, Unit, User  # noqa: F401


class _Joined(Aggregate):
    """The values of a column joined with commas (string_agg / group_concat)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def roles_of(user_ref: str = "pk") -> Subquery:
    """The role values of the user `user_ref` names (an outer column), joined with commas: the
    roles in the same query as the user (see `role_cache`)."""
    grants = (
        apps.get_model("accounts", "RoleGrant")
        .objects.filter(user_id=OuterRef(user_ref))
        .order_by()
        .values("user_id")
        .annotate(joined=_Joined("role"))
        .values("joined")
    )
    return Subquery(grants, output_field=CharField())


def role_cache(joined: str | None) -> set[str]:
    """`User.role_set()`'s cache from a `roles_of` annotation."""
    return {role for role in (joined or "").split(",") if role}


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

    def with_roles(self) -> UserQuerySet:
        """Each user with their roles read in the same query (`role_set()` asks no more)."""
        return self.annotate(joined_roles=roles_of())

    def get_with_roles(self, pk: Any) -> User | None:
        """The user, their roles and their agency (which most pages read) in one query, whose
        SQL is compiled once per process (`core.compiled`: it runs on every request)."""
        user = _user_with_roles.get(pk, using=self.db)
        if user is not None:
            user._role_cache = role_cache(user.joined_roles)  # type: ignore[attr-defined]
        return user


def _build_user_with_roles(pk: int) -> UserQuerySet:
    users: UserQuerySet = apps.get_model("accounts", "User").objects.all()
    # Whether any delegation to the user could be in force: whatever its period (the period is
    # checked against the application's clock where it matters, see `may_act_for_others`).
    delegations = apps.get_model("accounts", "Delegation").objects.filter(
        delegate_id=OuterRef("pk"),
        revoked_at__isnull=True,
        delegator__is_active=True,
        delegator__agency_id=OuterRef("agency_id"),
    )
    return (
        users.with_roles()
        .annotate(delegated=Exists(delegations.values("pk")))
        .select_related("agency")
        .filter(pk=pk)
        .order_by()  # one row: the model's ordering by username would only cost a sort
    )


def may_act_for_others(user: Any) -> bool:
    """Whether some official of `user`'s agency may have authorised them (ủy quyền) to act for
    them. False only for the signed-in user of a request, read by `get_with_roles` with no
    unrevoked delegation to them from an active official of their agency, whatever its period:
    the pages' look-ups of the delegations in force then ask nothing. True for a user read any
    other way, so that those look-ups run (and check the period) as before."""
    return bool(getattr(user, "delegated", True))


_user_with_roles: CompiledLookup[User] = CompiledLookup(_build_user_with_roles)


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
