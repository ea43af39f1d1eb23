"""Chainable reads of the catalogue: published procedures, search with or without tone marks,
and what an administrator may edit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When

from lienthong.accounts.constants import Role
from lienthong.documents.search import fold, plain, tokens

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User


def editable_agency_ids(user: User | Any) -> set[int] | None:
    """The agencies whose procedures the user may edit: None means every agency (system
    administrator), an empty set none."""
    if not (user.is_authenticated and user.is_active):
        return set()
    if user.is_system_admin:
        return None
    if user.agency_id is not None and user.has_role(Role.AGENCY_ADMIN):
        return {user.agency_id}
    return set()


class OneStopRulesQuerySet(models.QuerySet):
    def in_force_on(self, day: date) -> Any:
        """The set of one-stop rules in force on `day`: the latest that took effect on or
        before it; for a day before every set (the 2012-era demo), the earliest set."""
        found = self.filter(effective_from__lte=day).order_by("-effective_from").first()
        if found is None:
            found = self.order_by("effective_from").first()
        if found is None:
            raise LookupError("no one-stop rules are recorded")
        return found


class SectorQuerySet(models.QuerySet):
    def with_published(self) -> SectorQuerySet:
        return self.filter(procedures__is_published=True).distinct()


class ProcedureQuerySet(models.QuerySet):
    def published(self) -> ProcedureQuerySet:
        return self.filter(is_published=True)

    def editable_by(self, user: User | Any) -> ProcedureQuerySet:
        agencies = editable_agency_ids(user)
        if agencies is None:
            return self
        return self.filter(agency_id__in=agencies)

    def visible_to(self, user: User | AnonymousUser) -> ProcedureQuerySet:
        """Everybody sees published procedures; administrators also their unpublished ones."""
        agencies = editable_agency_ids(user)
        if agencies is None:
            return self
        return self.filter(Q(is_published=True) | Q(agency_id__in=agencies))

    def search(self, text: str) -> ProcedureQuerySet:
        """Every word of the query starts a word of the name, code, sector or agency, tone marks
        optional;
        annotates `exact` (1 when the query as typed, tone marks and all, is in the name) and
        orders exact matches first, then in Vietnamese alphabetical order."""
        words = tokens(text)
        if not words:
            return self.annotate(exact=Value(0, output_field=IntegerField()))
        condition = Q()
        for word in words:
            condition &= Q(search_text__contains=f" {word}")
        wanted = plain(text.strip())
        if fold(wanted) == wanted:
            exact: Any = Value(0, output_field=IntegerField())
        else:
            exact = Case(
                When(name_plain__contains=wanted, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        return self.filter(condition).annotate(exact=exact).order_by("-exact", "name_sort", "id")
