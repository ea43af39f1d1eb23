"""Reads of classes and enrolments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q

from .constants import EnrolmentStatus

if TYPE_CHECKING:
    from .models import Enrolment, TrainingClass  # noqa: F401


class ClassQuerySet(models.QuerySet["TrainingClass"]):
    def visible_to(self, user: Any) -> ClassQuerySet:
        """Classes are offered to every agency: any active official sees them."""
        if not (user.is_authenticated and user.is_active and user.agency_id):
            return self.none()
        return self

    def with_counts(self) -> ClassQuerySet:
        annotated: ClassQuerySet = self.select_related("course", "organiser").annotate(
            approved_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPROVED)
            ),
            nominated_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.NOMINATED)
            ),
        )
        return annotated


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def approved(self) -> EnrolmentQuerySet:
        return self.filter(status=EnrolmentStatus.APPROVED)

    def for_list(self) -> EnrolmentQuerySet:
        return self.select_related(
            "official", "official__unit", "agency", "training_class__course", "certificate"
        )
