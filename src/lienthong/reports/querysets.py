"""Reads of periodic reporting: who sees which report, which are late or missing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from .constants import COUNTED, FILLERS, NOT_IN, RECEIVERS, ReportStatus

if TYPE_CHECKING:
    from .models import AgencyReport, ReportForm  # noqa: F401


def _member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.agency_id)


def _any_role(user: Any, roles: frozenset[str]) -> bool:
    return any(user.has_role(role) for role in roles)


class ReportFormQuerySet(models.QuerySet["ReportForm"]):
    def aggregated_by(self, user: Any) -> ReportFormQuerySet:
        """The forms whose reports the user's agency collects (all of them for the system
        administrator)."""
        if getattr(user, "is_authenticated", False) and user.is_active and user.is_system_admin:
            return self.all()
        if _member(user) and _any_role(user, RECEIVERS):
            return self.filter(aggregator_id=user.agency_id)
        return self.none()


class AgencyReportQuerySet(models.QuerySet["AgencyReport"]):
    def visible_to(self, user: Any) -> AgencyReportQuerySet:
        """An agency's reporting officer and leader see its own reports; those of the aggregating
        agency see the reports sent to it; the system administrator sees all."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_system_admin:
            return self.all()
        if not user.agency_id:
            return self.none()
        condition = Q(pk__in=[])
        if _any_role(user, FILLERS):
            condition |= Q(agency_id=user.agency_id)
        if _any_role(user, RECEIVERS):
            condition |= Q(period__form__aggregator_id=user.agency_id)
        return self.filter(condition)

    def counted(self) -> AgencyReportQuerySet:
        return self.filter(status__in=COUNTED)

    def outstanding(self) -> AgencyReportQuerySet:
        """Not (or no longer) with the receiver: being filled in or returned."""
        return self.exclude(status__in=COUNTED)

    def late(self, today: date) -> AgencyReportQuerySet:
        """Past the deadline and never submitted (or its signed document not yet arrived), or
        submitted after it, or its signed document arrived after it. (A report returned to its
        agency is listed as returned, with the reason, not as late.)"""
        return self.filter(
            Q(period__deadline__lt=today, status__in=NOT_IN)
            | Q(submitted_at__date__gt=models.F("period__deadline"))
            | Q(document_arrived_at__date__gt=models.F("period__deadline"))
        )

    def missing(self, today: date) -> AgencyReportQuerySet:
        return self.filter(period__deadline__lt=today, status__in=[*NOT_IN, ReportStatus.RETURNED])

    def awaiting_document(self) -> AgencyReportQuerySet:
        """Approved and submitted as a signed document that has not reached the aggregating
        agency yet (not counted)."""
        return self.filter(status=ReportStatus.AWAITING_DOCUMENT)

    def sent_as(self, document: Any, aggregator_id: int) -> AgencyReportQuerySet:
        """The report whose signed document is `document`, addressed to the aggregating agency
        `aggregator_id` (what exchange's delivery and recall events are about)."""
        return self.filter(
            document_draft__document=document, period__form__aggregator_id=aggregator_id
        )
