"""Chainable reads of dossiers: who sees which (the one scoping rule), queues of work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from lienthong.accounts.constants import Role
from lienthong.catalogue.constants import StepRole

from .constants import INTERNAL_ACTIONS, DossierStatus, StepState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lienthong.accounts.models import User

# Officers who see every dossier whose route passes through their agency.
AGENCY_WIDE_ROLES = (Role.ONESTOP_OFFICER, Role.AGENCY_LEADER, Role.CLERK, Role.AGENCY_ADMIN)


def _model(name: str) -> type[models.Model]:
    """A model of this app, looked up at query time: models.py builds its managers from the
    querysets here, so this module cannot import it."""
    return apps.get_model("onestop", name)


def is_applicant(user: User | Any) -> bool:
    """A citizen's or business's account: signed in, no agency, no roles."""
    return bool(
        user.is_authenticated
        and user.agency_id is None
        and not user.is_superuser
        and not user.role_set()
    )


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> DossierQuerySet:
        """An applicant sees their own dossiers; an officer those whose route passes through
        their agency (unit members: through their unit, or handed to them); nobody else any."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_system_admin:
            return self.exclude(status=DossierStatus.DRAFT)
        if user.agency_id is None:
            return self.filter(applicant=user) if is_applicant(user) else self.none()
        steps_of = _model("DossierStep")._default_manager
        consultations = _model("Consultation")._default_manager
        submitted = self.exclude(status=DossierStatus.DRAFT)
        if any(user.has_role(role) for role in AGENCY_WIDE_ROLES):
            through = steps_of.filter(agency_id=user.agency_id).values("dossier_id")
            return submitted.filter(Q(agency_id=user.agency_id) | Q(pk__in=through))
        at_unit = Q(handler=user)
        if user.unit_id is not None:
            at_unit |= Q(unit_id=user.unit_id)
        steps = steps_of.filter(at_unit).values("dossier_id")
        if user.unit_id is None:
            return submitted.filter(pk__in=steps)
        consulted = consultations.filter(unit_id=user.unit_id).values("step__dossier_id")
        return submitted.filter(Q(pk__in=steps) | Q(pk__in=consulted))

    def owned_by(self, user: User | Any) -> DossierQuerySet:
        return self.filter(applicant=user)

    def awaiting_reception(self) -> DossierQuerySet:
        return self.filter(status=DossierStatus.SUBMITTED)

    def awaiting_result_issue(self) -> DossierQuerySet:
        """Being processed, every processing step done: the clerk issues the result."""
        unfinished = (
            _model("DossierStep")
            ._default_manager.filter(dossier=OuterRef("pk"))
            .exclude(Q(role=StepRole.RESULT) | Q(state=StepState.DONE))
        )
        return (
            self.filter(
                status__in=[DossierStatus.RECEIVED, DossierStatus.PROCESSING],
                steps__isnull=False,
            )
            .filter(~Exists(unfinished))
            .distinct()
        )

    # --- The counter's lists (the one-stop officer's dashboard cards) ----------------------

    def at_counter(self) -> DossierQuerySet:
        """Filed and waiting for the officer to receive them."""
        return self.filter(status=DossierStatus.SUBMITTED)

    def due_for_return(self) -> DossierQuerySet:
        """The result is ready and the applicant has not had it yet."""
        return self.filter(status=DossierStatus.DONE)

    def awaiting_supplement(self) -> DossierQuerySet:
        return self.filter(status=DossierStatus.SUPPLEMENT_REQUESTED)

    def late(self, now: Any = None) -> DossierQuerySet:
        """Being processed past the appointment (hẹn trả)."""
        return self.filter(
            status__in=[DossierStatus.RECEIVED, DossierStatus.PROCESSING],
            due_at__lt=now or timezone.now(),
        )


class StepQuerySet(models.QuerySet):
    def active(self) -> StepQuerySet:
        return self.filter(state__in=[StepState.QUEUED, StepState.ASSIGNED, StepState.PROPOSED])

    def queue_for(self, user: User | Any) -> StepQuerySet:
        """The active steps a user has to act on: as leader of the step's unit (or of the
        agency for steps with no unit) to assign or approve, as handler to examine."""
        if not (user.is_authenticated and user.agency_id):
            return self.none()
        condition = Q(handler=user, state=StepState.ASSIGNED)
        if user.has_role(Role.AGENCY_LEADER):
            condition |= Q(agency_id=user.agency_id)
        if user.has_role(Role.UNIT_LEADER) and user.unit_id:
            condition |= Q(agency_id=user.agency_id, unit_id=user.unit_id)
        return self.active().filter(condition)


class DigitisedPaperQuerySet(models.QuerySet):
    def reusable(self, *, agency_id: int, id_number: str) -> DigitisedPaperQuerySet:
        """The electronic copies the agency holds of one applicant's papers and results, newest
        first: what its counter may attach again instead of scanning."""
        return self.filter(agency_id=agency_id, applicant_id_number=id_number.strip())


class HandOverQuerySet(models.QuerySet):
    def for_applicant(self) -> HandOverQuerySet:
        """The history as the applicant sees it (their page, public tracking): statuses, times
        and agencies; the officials' own work (assignment, consultation, proposal, warnings)
        left out. Whether a row's note shows is `HandOver.applicant_note`."""
        return self.exclude(action__in=INTERNAL_ACTIONS)
