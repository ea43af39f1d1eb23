"""Durable jobs: retried with back-off after a failure, and put back in the queue when their
worker died while running them."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

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


def test_recent_running_jobs_are_left_alone(register_incoming) -> None:
    register_incoming()
    job = DBTaskResult.objects.get(task_path__endswith="index_document")
    job.claim("busy-worker")
    call_command("scheduler", "--once")
    job.refresh_from_db()
    assert job.status == "RUNNING"
