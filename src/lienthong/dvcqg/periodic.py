"""The synchronisation's periodic functions (registered in DvcqgConfig.ready, run every minute
by `lienthong scheduler`): pushes due again, and the pull every LIENTHONG_DVCQG_PULL_MINUTES."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import client, services
from .models import PullRun


def resend_due_pushes() -> int:
    return services.enqueue_due_pushes()


def pull_dossiers() -> int:
    """Queue a pull for each agency whose last pull is older than the interval."""
    minutes = settings.LIENTHONG_DVCQG_PULL_MINUTES
    if not client.is_enabled() or minutes <= 0:
        return 0
    from .tasks import pull_agency_dossiers  # noqa: PLC0415 (tasks import the services)

    since = timezone.now() - timedelta(minutes=minutes)
    queued = 0
    for agency in services.agencies_to_pull():
        if PullRun.objects.filter(agency=agency, started_at__gte=since).exists():
            continue
        if services.pull_actor(agency) is None:
            continue
        pull_agency_dossiers.enqueue(agency.pk)
        queued += 1
    return queued
