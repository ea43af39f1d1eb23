"""What django-tasks' database backend leaves to the application: retries with back-off, and
putting back jobs whose worker died (a killed worker leaves its job RUNNING for ever).

Every job of the platform is idempotent, so running one again after a crash is harmless."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def retrying(
    max_attempts: int = 5, base_delay: float = 2.0
) -> Callable[[Callable[P, R]], Callable[Concatenate[TaskContext, P], R]]:
    """Re-enqueue a failed job with exponential back-off (2 s, 4 s, 8 s...) up to
    `max_attempts`; the last failure stays FAILED, visible to administrators.

    Use under `@task(takes_context=True)`; the wrapped function does not take the context."""

    def decorate(function: Callable[P, R]) -> Callable[Concatenate[TaskContext, P], R]:
        @functools.wraps(function)
        def wrapper(context: TaskContext, *args: Any, _attempt: int = 1, **kwargs: Any) -> R:
            try:
                return function(*args, **kwargs)
            except Exception:
                if _attempt < max_attempts:
                    delay = timedelta(seconds=base_delay * 2 ** (_attempt - 1))
                    logger.warning(
                        "job %s failed (attempt %s); retrying in %s",
                        function.__name__,
                        _attempt,
                        delay,
                    )
                    context.task_result.task.using(run_after=timezone.now() + delay).enqueue(
                        *args, _attempt=_attempt + 1, **kwargs
                    )
                raise

        # django-tasks inspects the signature for the `context` argument: hide the original.
        del wrapper.__wrapped__
        return wrapper

    return decorate


def requeue_stuck_jobs(older_than: timedelta | None = None) -> int:
    """Put jobs RUNNING for longer than the timeout back in the queue; returns how many."""
    timeout = older_than or timedelta(minutes=settings.LIENTHONG_JOB_TIMEOUT_MINUTES)
    cutoff = timezone.now() - timeout
    requeued = 0
    with transaction.atomic():
        stuck = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        for job in stuck:
            job.status = "READY"
            job.started_at = None
            job.save(update_fields=["status", "started_at"])
            logger.warning(
                "requeued job %s (%s) stuck since %s", job.pk, job.task_path, job.started_at
            )
            requeued += 1
    return requeued
