"""REST API of notifications, with token authentication."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.notifications.constants import EMAIL_BY_DEFAULT, NotificationKind
from lienthong.notifications.models import Notification, NotificationPreference
from lienthong.notifications.services import notify

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
PREFERENCES = "/api/v1/notification-preferences/"


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_anonymous_gets_401(db) -> None:
    for url in (LIST, f"{LIST}unread-count/", PREFERENCES):
        assert APIClient().get(url).status_code == 401
    assert APIClient().post(f"{LIST}read-all/").status_code == 401


def test_list_mine_newest_first_with_unread_filter(officer, outsider, leader) -> None:
    older = notify(
        recipients=[officer], kind="overdue", title="Quá hạn", url="/van-ban/1/", actor=leader
    )[0]
    newer = notify(recipients=[officer, outsider], kind="returned", title="Trả lại")[0]
    Notification.objects.filter(pk=older.pk).update(read_at=newer.created_at)
    client = client_for(officer)

    body = client.get(LIST).json()
    assert [n["id"] for n in body["results"]] == [newer.pk, older.pk]
    item = body["results"][1]
    assert item["kind"] == "overdue" and item["url"] == "/van-ban/1/"
    assert item["actor_name"] == leader.full_name and item["is_read"] is True

    unread = client.get(LIST, {"unread": "true"}).json()
    assert [n["id"] for n in unread["results"]] == [newer.pk]
    assert client.get(f"{LIST}unread-count/").json() == {"unread": 1}


def test_list_pages_by_cursor(officer) -> None:
    for i in range(5):
        notify(recipients=[officer], kind="overdue", title=f"Việc {i}")
    client = client_for(officer)
    first = client.get(LIST, {"page_size": 3}).json()
    assert len(first["results"]) == 3 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None


def test_another_users_notification_is_404(officer, outsider, db_snapshot) -> None:
    [theirs] = notify(recipients=[outsider], kind="overdue", title="Quá hạn")
    client = client_for(officer)
    before = db_snapshot()
    assert client.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert client.post(f"{LIST}{theirs.pk}/read/").status_code == 404
    assert client.post(f"{LIST}999999/read/").status_code == 404
    assert db_snapshot() == before
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read(officer) -> None:
    [n] = notify(recipients=[officer], kind="overdue", title="Quá hạn")
    response = client_for(officer).post(f"{LIST}{n.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_all_read_up_to(officer, outsider) -> None:
    seen = notify(recipients=[officer], kind="overdue", title="Một")[0]
    later = notify(recipients=[officer], kind="overdue", title="Hai")[0]
    theirs = notify(recipients=[outsider], kind="overdue", title="Ba")[0]
    client = client_for(officer)
    response = client.post(f"{LIST}read-all/", {"up_to": seen.pk}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 1}
    assert Notification.objects.get(pk=later.pk).read_at is None
    assert client.post(f"{LIST}read-all/", {}, format="json").json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_with_bad_input_changes_nothing(officer, db_snapshot) -> None:
    notify(recipients=[officer], kind="overdue", title="Một")
    client = client_for(officer)
    before = db_snapshot()
    response = client.post(f"{LIST}read-all/", {"up_to": "abc"}, format="json")
    assert response.status_code == 400 and "up_to" in response.json()
    assert db_snapshot() == before
    assert Notification.objects.filter(read_at=None).count() == 1


def test_preferences_get_and_patch(officer) -> None:
    client = client_for(officer)
    body = client.get(PREFERENCES).json()
    assert body == {"email": EMAIL_BY_DEFAULT, "email_address": officer.email}

    response = client.patch(PREFERENCES, {"email": {"due_soon": True}}, format="json")
    assert response.status_code == 200
    assert response.json()["email"] == {**EMAIL_BY_DEFAULT, "due_soon": True}
    assert NotificationPreference.objects.get(user=officer).kind == "due_soon"


def test_preferences_put_needs_every_kind(officer, db_snapshot) -> None:
    client = client_for(officer)
    before = db_snapshot()
    response = client.put(PREFERENCES, {"email": {"due_soon": True}}, format="json")
    assert response.status_code == 400
    assert db_snapshot() == before

    everything_off = {kind: False for kind in NotificationKind.values}
    response = client.put(PREFERENCES, {"email": everything_off}, format="json")
    assert response.status_code == 200 and response.json()["email"] == everything_off


def test_preferences_with_a_bad_value_change_nothing(officer, db_snapshot) -> None:
    client = client_for(officer)
    before = db_snapshot()
    response = client.patch(PREFERENCES, {"email": {"overdue": "maybe"}}, format="json")
    assert response.status_code == 400
    assert db_snapshot() == before


def test_preferences_are_per_user(officer, outsider) -> None:
    client_for(outsider).patch(PREFERENCES, {"email": {"overdue": False}}, format="json")
    assert client_for(officer).get(PREFERENCES).json()["email"]["overdue"] is True
