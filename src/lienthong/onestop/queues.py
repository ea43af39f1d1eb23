"""The one-stop tab of the official's queue (see `core.queues`): the clerk's dossiers whose
processing is finished and whose result awaits issue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lienthong.accounts.constants import Role
from lienthong.core.queues import QueueItem, QueueTab, register

from .models import Dossier


def _item(dossier: Dossier) -> QueueItem:
    return QueueItem(
        url=reverse("onestop:dossier", args=[dossier.pk]),
        title=f"{dossier.code} — {dossier.procedure.name}",
        detail=dossier.applicant_name,
        when=dossier.due_at,
    )


def results_to_issue(user: Any) -> QuerySet[Dossier]:
    return (
        Dossier.objects.visible_to(user)
        .filter(agency_id=user.agency_id)
        .awaiting_result_issue()
        .select_related("procedure")
        .order_by("due_at", "id")
    )


def register_queues() -> None:
    register(
        QueueTab(
            key="results_to_issue",
            label=_("Dossier results awaiting issue"),
            applies=lambda user: user.has_role(Role.CLERK),
            rows=results_to_issue,
            item=_item,
            order=25,
        )
    )


# The one-stop officer's counter lists: the dashboard counts them and links to each, and the
# one-stop queue shows the list (`?list=<key>`) with the same queryset, so the numbers agree.
COUNTER_LISTS: dict[str, tuple[Any, str]] = {
    "counter": (_("Dossiers at the counter, awaiting reception"), "at_counter"),
    "return": (_("Dossiers due for return of the result"), "due_for_return"),
    "supplement": (_("Dossiers awaiting supplements"), "awaiting_supplement"),
    "late": (_("Late dossiers"), "late"),
}


def counter_list(user: Any, key: str) -> QuerySet[Dossier]:
    """The dossiers of the officer's agency in one counter list (`COUNTER_LISTS`)."""
    method = COUNTER_LISTS[key][1]
    dossiers = Dossier.objects.visible_to(user).filter(agency_id=user.agency_id)
    return getattr(dossiers, method)().select_related("procedure").order_by("due_at", "id")


def is_counter_officer(user: Any) -> bool:
    return bool(user.agency_id and user.has_role(Role.ONESTOP_OFFICER))
