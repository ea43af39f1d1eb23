"""Each official's private calendar feed (revocable), .ics invitations and reminders by e-mail."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from lienthong.meetings import services
from lienthong.notifications.models import Notification

from .conftest import at


def test_the_private_feed_shows_my_meetings_and_a_new_address_revokes_the_old(
    org, book, client
) -> None:
    # The feed holds the recent weeks and what is ahead (the suite's clock may be years ahead).
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    start += timedelta(days=3)
    meeting = book(starts_at=start, ends_at=start + timedelta(hours=2))
    book(
        title="Họp không có tôi",
        chair=org.vice_chairman,
        users=[],
        agencies=[],
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=1),
    )
    client.force_login(org.specialist)
    assert client.post(reverse("meetings:my-calendar")).status_code == 302
    old = org.specialist.calendar_token.token
    client.logout()
    response = client.get(reverse("meetings:feed", args=[old]))  # no session: the token is the key
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == meeting.title and event.decoded("DTSTART") == meeting.starts_at
    assert "cv@camau.gov.vn" in str(event["ATTENDEE"])

    client.force_login(org.specialist)
    client.post(reverse("meetings:my-calendar"))
    client.logout()
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    org.specialist.calendar_token.refresh_from_db()
    assert (
        client.get(reverse("meetings:feed", args=[org.specialist.calendar_token.token])).status_code
        == 200
    )
    assert client.get(reverse("meetings:feed", args=["guessed"])).status_code == 404


def test_invitations_and_reminders_by_e_mail_with_the_ics(
    org, book, settings, run_tasks, time_machine
) -> None:
    settings.LIENTHONG_EMAIL_ENABLED = True
    time_machine.move_to(at(13, 9))
    meeting = book()
    run_tasks()
    invited = {message.to[0]: message for message in mail.outbox if message.attachments}
    assert set(invited) == {"chutich@camau.gov.vn", "cv@camau.gov.vn"}
    name, content, mimetype = invited["cv@camau.gov.vn"].attachments[0]
    assert mimetype.startswith("text/calendar") and name.endswith(".ics")
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar.walk("VEVENT")[0]["UID"]).startswith(f"meeting-{meeting.pk}@")

    mail.outbox.clear()
    assert services.remind_upcoming() == 0  # a day ahead: too early
    time_machine.move_to(at(14, 7, 15))
    assert services.remind_upcoming() == 1
    assert services.remind_upcoming() == 0  # once
    run_tasks()
    reminders = [m for m in mail.outbox if m.attachments]
    assert {m.to[0] for m in reminders} == {"chutich@camau.gov.vn", "cv@camau.gov.vn"}
    assert all(m.subject.startswith("Nhắc lịch họp") for m in reminders)
    assert (
        Notification.objects.filter(
            recipient=org.specialist, url=meeting.get_absolute_url()
        ).count()
        == 2
    )
