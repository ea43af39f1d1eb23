"""E-mail of notifications, through Django's SMTP backend to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from lienthong.notifications import mail
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.models import Notification
from lienthong.notifications.services import notify, set_email_preferences
from lienthong.notifications.tasks import send_notification_email

from .conftest import free_port

pytestmark = pytest.mark.django_db

TITLE = "Xử lý văn bản đến số 12/QĐ-UBND về việc đăng ký kinh doanh"


def email_jobs() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path__endswith="send_notification_email").order_by(
            "enqueued_at"
        )
    )


def test_notify_creates_notifications_and_the_mail_arrives_over_smtp(
    officer, leader, outsider, smtp_server, run_tasks
) -> None:
    notifications = notify(
        recipients=[officer],
        kind=NotificationKind.NEW_ASSIGNMENT,
        title=TITLE,
        url="/van-ban/12/",
        actor=leader,
    )
    [notification] = notifications
    assert Notification.objects.get().recipient == officer
    assert not Notification.objects.filter(recipient=outsider).exists()
    [job] = email_jobs()
    assert job.status == "READY" and job.args_kwargs["args"] == [notification.pk]

    run_tasks()

    [received] = smtp_server.messages
    assert received.to == ["chuyenvien.stp@camau.gov.vn"]
    with translation.override("vi"):
        label = str(NotificationKind.NEW_ASSIGNMENT.label)
    assert received.subject == f"{label}: {TITLE}"  # Vietnamese, decoded from RFC 2047
    assert "https://lienthong.camau.gov.vn/van-ban/12/" in received.body
    assert "https://lienthong.camau.gov.vn/thong-bao/cai-dat/" in received.body
    assert officer.full_name in received.body and leader.full_name in received.body
    assert TITLE in received.body
    assert received["Auto-Submitted"] == "auto-generated"
    notification.refresh_from_db()
    assert notification.email_sent_at is not None
    assert received["Message-ID"] == notification.email_message_id
    assert notification.email_message_id.endswith("@lienthong.camau.gov.vn>")
    assert DBTaskResult.objects.get(pk=job.pk).status == "SUCCESSFUL"


def test_mail_is_written_in_vietnamese_whatever_language_is_active(
    officer, smtp_server, run_tasks, monkeypatch
) -> None:
    languages: list[str | None] = []
    real_render = mail.render_to_string

    def spy(*args, **kwargs):
        languages.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(mail, "render_to_string", spy)
    with translation.override("en"):
        notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
        run_tasks()
    assert languages == ["vi"]
    assert len(smtp_server.messages) == 1


def test_one_job_per_notification_and_none_for_users_without_address(
    officer, leader, user_factory, two_agencies, smtp_server, run_tasks
) -> None:
    no_address = user_factory(two_agencies[0])
    created = notify(
        recipients=[officer, leader, no_address], kind=NotificationKind.RETURNED, title=TITLE
    )
    assert len(created) == 3
    jobs = email_jobs()
    assert sorted(job.args_kwargs["args"][0] for job in jobs) == sorted(
        n.pk for n in created if n.recipient_id != no_address.pk
    )
    run_tasks()
    assert sorted(m.to[0] for m in smtp_server.messages) == sorted([officer.email, leader.email])


def test_email_turned_off_for_a_kind_sends_no_mail_but_keeps_the_notification(
    officer, smtp_server, run_tasks
) -> None:
    set_email_preferences(user=officer, choices={NotificationKind.NEW_ASSIGNMENT: False})
    notify(recipients=[officer], kind=NotificationKind.NEW_ASSIGNMENT, title=TITLE)
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert email_jobs() == []
    run_tasks()
    assert smtp_server.messages == []


def test_due_soon_is_not_emailed_by_default_but_can_be(officer, smtp_server, run_tasks) -> None:
    notify(recipients=[officer], kind=NotificationKind.DUE_SOON, title=TITLE)
    assert email_jobs() == []
    set_email_preferences(user=officer, choices={NotificationKind.DUE_SOON: True})
    notify(recipients=[officer], kind=NotificationKind.DUE_SOON, title=TITLE)
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_email_turned_off_before_the_job_runs_sends_nothing(
    officer, smtp_server, run_tasks
) -> None:
    notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
    set_email_preferences(user=officer, choices={NotificationKind.OVERDUE: False})
    run_tasks()
    assert smtp_server.messages == []
    [job] = email_jobs()
    assert job.status == "SUCCESSFUL" and job.return_value == "not wanted"


def test_email_switched_off_for_the_platform_enqueues_nothing(
    officer, smtp_server, run_tasks, settings
) -> None:
    settings.LIENTHONG_EMAIL_ENABLED = False
    notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
    assert Notification.objects.count() == 1 and email_jobs() == []


def test_running_the_job_again_does_not_send_twice(officer, smtp_server, run_tasks) -> None:
    [notification] = notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
    run_tasks()
    assert len(smtp_server.messages) == 1
    notification.refresh_from_db()
    sent_at = notification.email_sent_at

    # The same job again: a duplicate, or one put back after its worker was killed.
    send_notification_email.enqueue(notification.pk)
    DBTaskResult.objects.filter(pk=email_jobs()[0].pk).update(status="READY")
    run_tasks()

    assert len(smtp_server.messages) == 1
    assert [job.return_value for job in email_jobs()] == ["already sent", "already sent"]
    notification.refresh_from_db()
    assert notification.email_sent_at == sent_at


def test_smtp_server_down_the_job_is_retried_later_and_nothing_is_lost(
    officer, smtp_server, run_tasks, settings
) -> None:
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    [notification] = notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
    run_tasks()

    failed, retry = email_jobs()
    assert failed.status == "FAILED"
    assert retry.status == "READY" and retry.run_after > timezone.now()
    assert retry.args_kwargs == {"args": [notification.pk], "kwargs": {"_attempt": 2}}
    notification.refresh_from_db()
    assert notification.email_sent_at is None and notification.email_claimed_at is None
    assert Notification.objects.filter(pk=notification.pk).exists()

    settings.EMAIL_PORT = smtp_server.port  # the server is back
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()

    [received] = smtp_server.messages
    assert received.to == [officer.email]
    notification.refresh_from_db()
    assert notification.email_sent_at is not None
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"


def test_temporary_refusal_by_the_smtp_server_is_retried(officer, smtp_server, run_tasks) -> None:
    smtp_server.refuse_next(1, "451 4.3.0 Mail server temporarily rejected message")
    [notification] = notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
    run_tasks()
    assert smtp_server.messages == []
    failed, retry = email_jobs()
    assert failed.status == "FAILED" and "451" in str(failed.exception_class_path) + str(
        failed.traceback
    )
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_delivery_in_progress_elsewhere_is_not_doubled(officer, smtp_server, run_tasks) -> None:
    [notification] = notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())
    run_tasks()
    assert smtp_server.messages == []
    failed, retry = email_jobs()
    assert failed.status == "FAILED" and retry.status == "READY"

    # The other run died without finishing: once its claim is stale the mail goes, once.
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now() - mail.CLAIM_LEASE - timedelta(seconds=1)
    )
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_a_rolled_back_change_leaves_no_notification_and_no_job(officer, smtp_server) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[officer], kind=NotificationKind.OVERDUE, title=TITLE)
        raise RuntimeError("the caller's change failed")
    assert Notification.objects.count() == 0 and email_jobs() == []
