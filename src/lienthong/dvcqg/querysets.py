"""Reads of the portal synchronisation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from .constants import PushState

if TYPE_CHECKING:
    from .models import StatusPush  # noqa: F401


class StatusPushQuerySet(models.QuerySet["StatusPush"]):
    def unacknowledged(self) -> StatusPushQuerySet:
        return self.exclude(state=PushState.ACKNOWLEDGED)

    def of_agency(self, agency_id: int) -> StatusPushQuerySet:
        return self.filter(dossier__agency_id=agency_id)

    def visible_to(self, user: Any) -> StatusPushQuerySet:
        """A system administrator sees every push; a one-stop officer their agency's."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_system_admin:
            return self.all()
        if user.agency_id is None:
            return self.none()
        return self.of_agency(user.agency_id)
