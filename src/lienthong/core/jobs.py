"""What django-tasks' database backend leaves to the application: retries with back-off, and
putting back jobs whose worker died (a killed worker leaves its job RUNNING for ever).

A retry is a new job row, enqueued by the failing job itself before the worker records the
failure: two writes, not one transaction. When the database is down at that moment (the failure
was often caused by it) the retry cannot be written, but the failure can be, a fraction of a
second later, once the server is back; the work would then never be done. The scheduler puts
such retries back (`enqueue_lost_retries`).

Every job of the platform is idempotent, so running one again after a crash is harmless."""

from __future__ import annotations

import functools
import json
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

# The task path ("module.function") of every job decorated with `retrying`: its max_attempts.
_MAX_ATTEMPTS: dict[str, int] = {}

# How far back `enqueue_lost_retries` looks for failures (it runs every minute). Finished jobs
# must be kept at least this long (the platform prunes none): a pruned next attempt would look
# lost, and the work would run once more (harmless, every job being idempotent).
LOST_RETRY_LOOKBACK = timedelta(days=7)


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
        _MAX_ATTEMPTS[f"{function.__module__}.{function.__qualname__}"] = max_attempts
        return wrapper

    return decorate


def requeue_stuck_jobs(older_than: timedelta | None = None) -> int:
    """Put jobs RUNNING for longer than the timeout back in the queue; returns how many."""
    # Not `older_than or ...`: timedelta(0) (requeue at once, when no worker runs) is falsy.
    timeout = (
        older_than
        if older_than is not None
        else timedelta(minutes=settings.LIENTHONG_JOB_TIMEOUT_MINUTES)
    )
    cutoff = timezone.now() - timeout
    requeued = 0
    with transaction.atomic():
        stuck = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        for job in stuck:
            logger.warning(
                "requeued job %s (%s) stuck since %s", job.pk, job.task_path, job.started_at
            )
            job.status = "READY"
            job.started_at = None
            job.save(update_fields=["status", "started_at"])
            requeued += 1
    return requeued


def _attempt(args_kwargs: dict[str, Any]) -> tuple[str, int]:
    """A job's work (its arguments without the attempt number, as a comparable string) and its
    attempt number."""
    kwargs = dict(args_kwargs.get("kwargs") or {})
    attempt = int(kwargs.pop("_attempt", 1))
    return json.dumps([args_kwargs.get("args") or [], kwargs], sort_keys=True), attempt


def enqueue_lost_retries() -> int:
    """Enqueue the retry of every failed attempt of a `retrying` job that has attempts left but
    no next attempt in the queue (the retry could not be written when it failed: see the module
    docstring); returns how many. Idempotent: the next attempt, once enqueued, is the mark."""
    since = timezone.now() - LOST_RETRY_LOOKBACK
    enqueued = 0
    with transaction.atomic():
        failed = list(
            DBTaskResult.objects.failed()
            .filter(finished_at__gte=since)
            .select_for_update(skip_locked=True)
        )
        candidates = []
        for job in failed:
            if job.task_path not in _MAX_ATTEMPTS:
                try:
                    job.task  # noqa: B018 (importing the task registers its retry policy)
                except Exception:  # a task that no longer exists: nothing to retry
                    logger.warning("job %s: task %s not found", job.pk, job.task_path)
                    continue
            work, attempt = _attempt(job.args_kwargs)
            if attempt < _MAX_ATTEMPTS.get(job.task_path, 0):
                candidates.append((job, work, attempt))
        if not candidates:
            return 0
        earliest = min(job.enqueued_at for job, _, _ in candidates)
        existing = {
            (path, *_attempt(args_kwargs))
            for path, args_kwargs in DBTaskResult.objects.filter(
                task_path__in={job.task_path for job, _, _ in candidates},
                enqueued_at__gte=earliest,
            ).values_list("task_path", "args_kwargs")
        }
        for job, work, attempt in candidates:
            if (job.task_path, work, attempt + 1) in existing:
                continue
            args = job.args_kwargs.get("args") or []
            kwargs = {**(job.args_kwargs.get("kwargs") or {}), "_attempt": attempt + 1}
            job.task.using(run_after=timezone.now()).enqueue(*args, **kwargs)
            existing.add((job.task_path, work, attempt + 1))
            logger.warning(
                "enqueued the lost retry of job %s (%s, attempt %s)",
                job.pk,
                job.task_path,
                attempt + 1,
            )
            enqueued += 1
    return enqueued
