"""The bell, the list of notifications and the e-mail preferences page."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.models import Notification, NotificationPreference
from lienthong.notifications.services import notify

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def notify_many(user, count: int, kind: str = NotificationKind.NEW_ASSIGNMENT) -> list:
    return [
        notify(recipients=[user], kind=kind, title=f"Văn bản số {i}", url=f"/van-ban/{i}/")[0]
        for i in range(1, count + 1)
    ]


def assert_no_inline_code(html: str) -> None:
    """The CSP forbids inline scripts and styles: nothing of the kind in our markup."""
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)


# --- The bell -------------------------------------------------------------------------------


def test_bell_endpoint_returns_the_unread_count(officer, outsider) -> None:
    notify_many(officer, 3)
    notify_many(outsider, 5)
    first = Notification.objects.filter(recipient=officer).order_by("id")[0]
    client_for(officer).post(reverse("notifications:mark-read", args=[first.pk]))
    response = client_for(officer).get(reverse("notifications:bell"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert re.search(r'data-testid="unread-count">2<', html)
    assert reverse("notifications:list") in html


def test_bell_shows_no_count_when_all_is_read(officer) -> None:
    html = client_for(officer).get(reverse("notifications:bell")).content.decode()
    assert "unread-count" not in html and reverse("notifications:list") in html


def test_bell_caps_the_count(officer) -> None:
    Notification.objects.bulk_create(
        [Notification(recipient=officer, kind="overdue", title=f"Việc {i}") for i in range(120)]
    )
    html = client_for(officer).get(reverse("notifications:bell")).content.decode()
    assert 'data-testid="unread-count">99+<' in html


def test_bell_stops_polling_for_a_signed_out_visitor(db) -> None:
    response = Client().get(reverse("notifications:bell"))
    assert response.status_code == 286 and response.content == b""


def test_bell_snippet_polls_with_htmx_attributes_only(officer) -> None:
    notify_many(officer, 2)
    request = RequestFactory().get("/")
    request.user = officer
    html = Template('{% include "notifications/_bell.html" %}').render(
        Context({"user": officer, "request": request})
    )
    assert f'hx-get="{reverse("notifications:bell")}"' in html
    assert 'hx-trigger="every 30s, notifications-changed from:body"' in html
    assert 'data-testid="unread-count">2<' in html
    assert_no_inline_code(html)


# --- The list -------------------------------------------------------------------------------


def test_list_shows_only_my_notifications_newest_first(officer, outsider) -> None:
    notify(recipients=[officer], kind="overdue", title="Cũ hơn")
    notify(recipients=[outsider], kind="overdue", title="Của cơ quan khác")
    notify(recipients=[officer], kind="returned", title="Mới hơn")
    response = client_for(officer).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Mới hơn") < html.index("Cũ hơn")
    assert "Của cơ quan khác" not in html
    assert_no_inline_code(html)


def test_list_is_paginated_by_keyset_with_bounded_queries(
    officer, django_assert_max_num_queries
) -> None:
    created = notify_many(officer, 30)
    client = client_for(officer)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("notifications:list"))
    assert len(first.context["notifications"]) == 25
    assert first.context["notifications"][0].pk == created[-1].pk
    after = first.context["next_after"]
    second = client.get(reverse("notifications:list"), {"after": after})
    assert [n.pk for n in second.context["notifications"]] == [n.pk for n in created[:5]][::-1]
    assert second.context["next_after"] is None


def test_unread_filter(officer) -> None:
    read, unread = notify_many(officer, 2)
    Notification.objects.filter(pk=read.pk).update(read_at=unread.created_at)
    response = client_for(officer).get(reverse("notifications:list"), {"unread": "1"})
    assert [n.pk for n in response.context["notifications"]] == [unread.pk]


def test_list_needs_signing_in(db) -> None:
    response = Client().get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- Marking read -----------------------------------------------------------------------------


def test_mark_one_read(officer) -> None:
    [n] = notify_many(officer, 1)
    response = client_for(officer).post(reverse("notifications:mark-read", args=[n.pk]))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_one_read_with_htmx_returns_the_row_and_refreshes_the_bell(officer) -> None:
    [n] = notify_many(officer, 1)
    response = client_for(officer).post(
        reverse("notifications:mark-read", args=[n.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert response.content.decode().startswith(f'<tr id="notification-{n.pk}">')
    n.refresh_from_db()
    assert n.read_at is not None


def test_cannot_mark_another_users_notification(officer, outsider, db_snapshot) -> None:
    [theirs] = notify_many(outsider, 1)
    client = client_for(officer)  # signing in is audited: before the snapshot
    before = db_snapshot()
    assert client.post(reverse("notifications:mark-read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark-read", args=[999999])).status_code == 404
    assert db_snapshot() == before
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_cannot_mark_read(officer, db_snapshot) -> None:
    [n] = notify_many(officer, 1)
    before = db_snapshot()
    response = Client().post(reverse("notifications:mark-read", args=[n.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert db_snapshot() == before
    n.refresh_from_db()
    assert n.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(officer) -> None:
    [n] = notify_many(officer, 1)
    response = client_for(officer).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/van-ban/1/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_all_read_up_to_what_was_shown(officer, outsider) -> None:
    shown = notify_many(officer, 3)
    theirs = notify_many(outsider, 1)
    arrived_meanwhile = notify_many(officer, 1)
    response = client_for(officer).post(
        reverse("notifications:mark-all-read"), {"up_to": shown[-1].pk}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in shown], read_at=None).count() == 0
    assert Notification.objects.get(pk=arrived_meanwhile[0].pk).read_at is None
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None


def test_mark_read_refuses_get(officer) -> None:
    [n] = notify_many(officer, 1)
    response = client_for(officer).get(reverse("notifications:mark-read", args=[n.pk]))
    assert response.status_code == 405


# --- Preferences ----------------------------------------------------------------------------


def test_preferences_page_shows_the_defaults(officer) -> None:
    response = client_for(officer).get(reverse("notifications:preferences"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form[NotificationKind.NEW_ASSIGNMENT].value() is True
    assert form[NotificationKind.DUE_SOON].value() is False
    assert officer.email in response.content.decode()
    assert_no_inline_code(response.content.decode())


def test_preferences_saved(officer) -> None:
    response = client_for(officer).post(
        reverse("notifications:preferences"), {NotificationKind.DUE_SOON: "on"}
    )
    assert response.status_code == 302
    choices = NotificationPreference.objects.email_choices(officer)
    assert choices[NotificationKind.DUE_SOON] is True
    assert choices[NotificationKind.NEW_ASSIGNMENT] is False


def test_unticking_every_box_turns_all_email_off(officer) -> None:
    response = client_for(officer).post(reverse("notifications:preferences"), {})
    assert response.status_code == 302
    assert not any(NotificationPreference.objects.email_choices(officer).values())


def test_preferences_need_signing_in(db, db_snapshot) -> None:
    before = db_snapshot()
    response = Client().post(reverse("notifications:preferences"), {"due_soon": "on"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert db_snapshot() == before
