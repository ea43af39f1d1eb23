"""Durable jobs: retried with back-off after a failure, and put back in the queue when their
worker died while running them."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienthong.core.jobs import enqueue_lost_retries, requeue_stuck_jobs
from lienthong.documents.models import SearchEntry

pytestmark = pytest.mark.django_db


def test_failed_job_is_retried_with_back_off(register_incoming, run_tasks, monkeypatch) -> None:
    from lienthong.documents import tasks

    doc = register_incoming()
    calls = {"n": 0}
    real = tasks.fold

    def flaky(text: str) -> str:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database is locked")
        return real(text)

    monkeypatch.setattr(tasks, "fold", flaky)
    run_tasks()
    retry = DBTaskResult.objects.filter(task_path__endswith="index_document", status="READY").get()
    assert retry.run_after > timezone.now()  # waits before the second attempt
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    assert enqueue_lost_retries() == 0  # the retry is there: nothing was lost
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert SearchEntry.objects.filter(document=doc).exists()


def test_job_left_running_by_a_dead_worker_is_requeued_and_completes(
    register_incoming, run_tasks
) -> None:
    doc = register_incoming()
    job = DBTaskResult.objects.get(task_path__endswith="index_document")
    # A worker claimed it and was killed (SIGKILL): the row stays RUNNING.
    job.claim("killed-worker")
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=2))
    run_tasks()
    assert not SearchEntry.objects.filter(document=doc).exists()
    call_command("scheduler", "--once")
    job.refresh_from_db()
    assert job.status == "READY"
    run_tasks()
    assert SearchEntry.objects.filter(document=doc).exists()


def test_with_no_worker_running_every_running_job_can_be_requeued_at_once(
    register_incoming, run_tasks
) -> None:
    """What an operator does after a crash, with every worker stopped (and the fault run
    does): no waiting for the timeout. A zero timeout once meant the default hour."""
    doc = register_incoming()
    job = DBTaskResult.objects.get(task_path__endswith="index_document")
    job.claim("killed-worker")
    assert requeue_stuck_jobs(older_than=timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == "READY" and job.started_at is None
    run_tasks()
    assert SearchEntry.objects.filter(document=doc).exists()


def test_recent_running_jobs_are_left_alone(register_incoming) -> None:
    register_incoming()
    job = DBTaskResult.objects.get(task_path__endswith="index_document")
    job.claim("busy-worker")
    call_command("scheduler", "--once")
    job.refresh_from_db()
    assert job.status == "RUNNING"


def test_a_retry_lost_with_the_database_is_enqueued_once_by_the_scheduler(
    register_incoming, run_tasks, monkeypatch
) -> None:
    """The job failed and its retry could not be written (the database was down), but the
    failure was recorded: the scheduler writes the retry, once."""
    from django.db import OperationalError
    from django_tasks_db.backend import DatabaseBackend

    from lienthong.documents import tasks

    doc = register_incoming()

    def server_down(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "fold", server_down)
        patch.setattr(DatabaseBackend, "enqueue", server_down)
        run_tasks()
    jobs = DBTaskResult.objects.filter(task_path__endswith="index_document")
    assert list(jobs.values_list("status", flat=True)) == ["FAILED"]
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    assert [j.args_kwargs["kwargs"] for j in jobs.filter(status="READY")] == [{"_attempt": 2}]
    run_tasks()
    assert SearchEntry.objects.filter(document=doc).exists()


def test_the_last_failed_attempt_stays_failed(register_incoming, run_tasks, monkeypatch) -> None:
    from lienthong.documents import tasks

    register_incoming()
    job = DBTaskResult.objects.get(task_path__endswith="index_document")
    job.args_kwargs["kwargs"]["_attempt"] = 5  # index_document has 5 attempts
    job.save(update_fields=["args_kwargs"])

    def broken(text: str) -> str:
        raise RuntimeError("still broken")

    monkeypatch.setattr(tasks, "fold", broken)
    run_tasks()
    call_command("scheduler", "--once")
    statuses = DBTaskResult.objects.values_list("status", flat=True)
    assert list(statuses) == ["FAILED"]  # visible to administrators, not retried for ever
