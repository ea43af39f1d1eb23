"""notify, marking read, and e-mail preferences, against the database."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult

from lienthong.core.models import AuditEvent
from lienthong.notifications.constants import EMAIL_BY_DEFAULT, NotificationKind
from lienthong.notifications.models import Notification, NotificationPreference
from lienthong.notifications.services import (
    mark_all_read,
    mark_read,
    notify,
    set_email_preferences,
)

pytestmark = pytest.mark.django_db


def test_each_recipient_is_notified_once_and_the_actor_not_at_all(officer, leader) -> None:
    created = notify(
        recipients=[officer, officer.pk, leader, None],
        kind="new_assignment",
        title="Giao xử lý văn bản",
        actor=leader,
    )
    assert [n.recipient_id for n in created] == [officer.pk]
    assert Notification.objects.get().actor == leader


def test_inactive_accounts_are_not_notified(officer, leader) -> None:
    get_user_model().objects.filter(pk=leader.pk).update(is_active=False)
    notify(recipients=[officer, leader], kind=NotificationKind.OVERDUE, title="Quá hạn")
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [officer.pk]


def test_title_is_one_line_and_bounded(officer) -> None:
    [n] = notify(
        recipients=[officer], kind=NotificationKind.OVERDUE, title="Dòng 1\r\nDòng 2 " + "x" * 400
    )
    assert "\n" not in n.title and n.title.startswith("Dòng 1 Dòng 2 ") and len(n.title) == 300


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x", "/a\nb"],
)
def test_links_lead_only_into_the_platform(officer, url) -> None:
    with pytest.raises(ValueError):
        notify(recipients=[officer], kind=NotificationKind.OVERDUE, title="Quá hạn", url=url)
    assert not Notification.objects.exists()


def test_unknown_kind_and_empty_title_are_refused(officer) -> None:
    with pytest.raises(ValueError):
        notify(recipients=[officer], kind="gossip", title="Tin đồn")
    with pytest.raises(ValueError):
        notify(recipients=[officer], kind=NotificationKind.OVERDUE, title="   ")
    assert not Notification.objects.exists()


def test_nobody_to_notify_does_nothing(leader) -> None:
    assert notify(recipients=[], kind=NotificationKind.OVERDUE, title="Quá hạn") == []
    assert notify(recipients=[leader], kind="overdue", title="Quá hạn", actor=leader) == []
    assert not Notification.objects.exists() and not DBTaskResult.objects.exists()


def test_notifying_many_users_takes_a_bounded_number_of_queries(
    two_agencies, user_factory, django_assert_max_num_queries
) -> None:
    users = [user_factory(two_agencies[0]) for _ in range(20)]
    get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(email="a@camau.gov.vn")
    with django_assert_max_num_queries(30):  # 20 job rows, and a handful of reads and writes
        created = notify(recipients=users, kind=NotificationKind.OVERDUE, title="Quá hạn")
    assert len(created) == 20
    assert DBTaskResult.objects.count() == 20


def test_mark_read_sets_the_time_once(officer) -> None:
    [n] = notify(recipients=[officer], kind=NotificationKind.OVERDUE, title="Quá hạn")
    first = mark_read(user=officer, notification=n).read_at
    assert first is not None
    assert mark_read(user=officer, notification=n).read_at == first


def test_mark_read_refuses_someone_elses_notification(officer, outsider) -> None:
    [n] = notify(recipients=[officer], kind=NotificationKind.OVERDUE, title="Quá hạn")
    with pytest.raises(ValueError):
        mark_read(user=outsider, notification=n)
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_mine_and_only_up_to_what_i_saw(officer, outsider) -> None:
    seen = notify(recipients=[officer, outsider], kind="overdue", title="Một")
    later = notify(recipients=[officer], kind="overdue", title="Hai")
    mine_seen = next(n for n in seen if n.recipient_id == officer.pk)
    assert mark_all_read(user=officer, up_to=mine_seen.pk) == 1
    assert Notification.objects.get(pk=later[0].pk).read_at is None
    assert Notification.objects.filter(recipient=outsider, read_at__isnull=True).count() == 1
    assert mark_all_read(user=officer) == 1
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()


def test_preferences_default_and_changes_are_recorded(officer) -> None:
    assert NotificationPreference.objects.email_choices(officer) == EMAIL_BY_DEFAULT
    assert EMAIL_BY_DEFAULT[NotificationKind.DUE_SOON] is False
    choices = set_email_preferences(
        user=officer,
        choices={NotificationKind.DUE_SOON: True, NotificationKind.OVERDUE: True},
    )
    assert choices[NotificationKind.DUE_SOON] is True
    event = AuditEvent.objects.get(action="notifications.email_preferences_changed")
    assert event.actor == officer and event.data == {"email": {"due_soon": True}}
    set_email_preferences(user=officer, choices={NotificationKind.DUE_SOON: False})
    assert NotificationPreference.objects.get(user=officer, kind="due_soon").email is False
    assert NotificationPreference.objects.filter(user=officer).count() == 2


def test_unknown_kind_in_preferences_is_refused(officer) -> None:
    with pytest.raises(ValueError):
        set_email_preferences(user=officer, choices={"gossip": True})
    assert not NotificationPreference.objects.exists()
