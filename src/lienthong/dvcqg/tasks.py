"""The synchronisation's durable jobs (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from lienthong.accounts.models import Agency
from lienthong.core.jobs import retrying

from . import client as portal
from . import services

logger = logging.getLogger(__name__)


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=6, base_delay=5.0)
def push_dossier_statuses(dossier_id: int) -> None:
    """Send a dossier's status pushes in order; while the portal is unavailable the job fails
    and is retried with back-off (5 s, 10 s, 20 s...), then the periodic check takes over."""
    outcome = services.push_pending(dossier_id=dossier_id)
    if outcome.unavailable:
        raise portal.PortalUnavailable(outcome.unavailable)


@task(queue_name="default")
def pull_agency_dossiers(agency_id: int) -> None:
    """Pull the dossiers filed on the portal for one agency (as its first one-stop officer)."""
    agency = Agency.objects.filter(pk=agency_id).first()
    actor = services.pull_actor(agency) if agency else None
    if agency is None or actor is None:
        return
    try:
        services.pull_new_dossiers(actor=actor, agency=agency)
    except (portal.PortalUnavailable, portal.PortalRefusal) as exc:
        logger.warning("pulling dossiers of %s from the portal failed: %s", agency.code, exc)
