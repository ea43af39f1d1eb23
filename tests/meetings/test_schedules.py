"""Weekly work schedules: drafted, approved by the chief of office, published, changed after
publication (marked, notified), read by the portal and as an iCalendar feed."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from lienthong.meetings import services
from lienthong.meetings.constants import ScheduleState
from lienthong.meetings.selectors import published_schedule
from lienthong.notifications.models import Notification

from .conftest import at


def monday() -> date:
    """Next Monday (by the suite's clock): the week the schedules are drafted for."""
    return at(14, 0).date()


def local(moment: datetime) -> str:
    """A moment as a datetime-local input holds it."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _entry(org, schedule, **overrides):
    values = {
        "starts_at": at(14, 8),
        "ends_at": at(14, 11),
        "place": "Phòng họp số 1",
        "chair": org.chairman,
        "participants": "Lãnh đạo các sở, ngành",
        "preparing_unit": "Văn phòng UBND tỉnh",
        "content": "Họp giao ban UBND tỉnh",
    }
    values.update(overrides)
    return services.add_entry(actor=org.officer, schedule=schedule, **values)


def test_schedule_is_drafted_approved_by_the_chief_of_office_and_published(org) -> None:
    schedule = services.create_schedule(actor=org.officer, week_start=monday())
    first = _entry(org, schedule)
    _entry(org, schedule, starts_at=at(16, 14), ends_at=at(16, 16), content="Tiếp công dân")
    assert not published_schedule(org.province, monday()).exists()  # not yet published

    with pytest.raises(PermissionDenied):
        services.approve_schedule(actor=org.chief_of_office, schedule=schedule)  # not submitted
    services.submit_schedule(actor=org.officer, schedule=schedule)
    with pytest.raises(PermissionDenied):
        services.approve_schedule(actor=org.specialist, schedule=schedule)
    services.approve_schedule(actor=org.chief_of_office, schedule=schedule)

    schedule.refresh_from_db()
    assert schedule.state == ScheduleState.PUBLISHED and schedule.approved_by == org.chief_of_office
    entries = list(published_schedule(org.province, monday()))
    assert [e.content for e in entries] == ["Họp giao ban UBND tỉnh", "Tiếp công dân"]
    assert entries[0] == first and entries[0].chair_name == org.chairman.full_name
    assert not published_schedule(org.district, monday()).exists()


def test_a_change_after_publication_is_marked_and_notified(org) -> None:
    schedule = services.create_schedule(actor=org.officer, week_start=monday())
    entry = _entry(org, schedule)
    services.submit_schedule(actor=org.officer, schedule=schedule)
    services.approve_schedule(actor=org.chairman, schedule=schedule)
    told = Notification.objects.filter(recipient=org.vice_chairman)
    before = set(told.values_list("pk", flat=True))

    services.update_entry(actor=org.officer, entry=entry, place="Hội trường tỉnh")
    entry.refresh_from_db()
    schedule.refresh_from_db()
    assert entry.changed_after_publication and entry.place == "Hội trường tỉnh"
    assert schedule.revision == 1
    (notice,) = told.exclude(pk__in=before)
    assert (
        notice.url == schedule.get_absolute_url() and monday().strftime("%d/%m/%Y") in notice.title
    )

    services.cancel_entry(actor=org.officer, entry=entry)
    entry.refresh_from_db()
    assert entry.cancelled and schedule.__class__.objects.get(pk=schedule.pk).revision == 2
    assert (
        published_schedule(org.province, monday()).get().cancelled
    )  # the public sees it called off


def test_entries_are_checked(org) -> None:
    schedule = services.create_schedule(actor=org.officer, week_start=monday())
    with pytest.raises(ValidationError) as refused:
        _entry(org, schedule, starts_at=at(22, 8), ends_at=at(22, 9))
    assert "starts_at" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _entry(org, schedule, ends_at=at(14, 7), content=" ")
    assert {"ends_at", "content"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError):
        services.create_schedule(actor=org.officer, week_start=at(15, 0).date())  # a Tuesday
    with pytest.raises(ValidationError):
        services.create_schedule(actor=org.officer, week_start=monday())  # exists already
    with pytest.raises(PermissionDenied):
        services.create_schedule(actor=org.specialist, week_start=at(21, 0).date())
    with pytest.raises(ValidationError):
        services.submit_schedule(
            actor=org.officer,
            schedule=services.create_schedule(actor=org.officer, week_start=at(21, 0).date()),
        )  # empty
    assert schedule.entries.count() == 0


def test_the_agency_feed_is_icalendar_of_published_entries(org, client, time_machine) -> None:
    time_machine.move_to(at(10, 9))
    schedule = services.create_schedule(actor=org.officer, week_start=monday())
    entry = _entry(org, schedule)
    feed_url = reverse("meetings:agency-feed", args=[org.province.pk])
    assert not Calendar.from_ical(client.get(feed_url).content).walk("VEVENT")
    services.submit_schedule(actor=org.officer, schedule=schedule)
    services.approve_schedule(actor=org.chairman, schedule=schedule)

    response = client.get(feed_url)  # public: the published schedule is public information
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Họp giao ban UBND tỉnh"
    assert event.decoded("DTSTART") == entry.starts_at
    assert str(event["LOCATION"]) == "Phòng họp số 1" and str(event["STATUS"]) == "CONFIRMED"


def test_the_week_page_shows_the_entries_to_officials(org, client) -> None:
    schedule = services.create_schedule(actor=org.officer, week_start=monday())
    _entry(org, schedule)
    client.force_login(org.district_clerk)
    assert client.get(schedule.get_absolute_url()).status_code == 404  # a draft of another agency
    client.force_login(org.specialist)
    page = client.get(schedule.get_absolute_url()).content.decode()
    assert "Họp giao ban UBND tỉnh" in page and 'data-testid="entry-form"' not in page
    client.force_login(org.officer)
    response = client.post(
        schedule.get_absolute_url(),
        {
            "starts_at": local(at(15, 14)),
            "ends_at": local(at(15, 13)),
            "place": "Hội trường",
            "content": "Làm việc với Sở Y tế",
        },
    )
    assert response.status_code == 200 and schedule.entries.count() == 1  # refused: ends first
    response = client.post(
        schedule.get_absolute_url(),
        {
            "starts_at": local(at(15, 14)),
            "ends_at": local(at(15, 16)),
            "place": "Hội trường",
            "chair": org.vice_chairman.pk,
            "content": "Làm việc với Sở Y tế",
        },
    )
    assert response.status_code == 302 and schedule.entries.count() == 2
    assert schedule.entries.get(place="Hội trường").chair_name == org.vice_chairman.full_name


def test_a_meeting_is_booked_from_its_schedule_entry_and_a_meeting_put_into_the_schedule(
    org, book, client
) -> None:
    from lienthong.meetings.models import Meeting, ScheduleEntry

    schedule = services.create_schedule(actor=org.officer, week_start=monday())
    entry = _entry(org, schedule, starts_at=at(15, 8), ends_at=at(15, 10), content="Họp về CCHC")
    client.force_login(org.officer)
    page = client.get(schedule.get_absolute_url()).content.decode()
    assert f"{reverse('meetings:book')}?entry={entry.pk}" in page
    form = client.get(reverse("meetings:book"), {"entry": entry.pk}).content.decode()
    assert 'value="Họp về CCHC"' in form and f'value="{local(at(15, 8))}"' in form
    response = client.post(
        reverse("meetings:book"),
        {
            "entry": entry.pk,
            "title": "Họp về CCHC",
            "starts_at": local(at(15, 8)),
            "ends_at": local(at(15, 10)),
            "room": org.room.pk,
            "chair": org.chairman.pk,
            "agencies": [org.district.pk],
        },
    )
    meeting = Meeting.objects.get(title="Họp về CCHC")
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    entry.refresh_from_db()
    assert entry.meeting == meeting
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert schedule.get_absolute_url() in detail.split('data-testid="schedule-link"', 1)[1]
    # The entry has its meeting: not booked twice, not even by hand-typed address.
    assert client.get(reverse("meetings:book"), {"entry": entry.pk}).status_code == 404
    with pytest.raises(ValidationError) as refused:
        services.book_from_entry(
            actor=org.officer,
            entry=entry,
            title="x",
            starts_at=at(16, 8),
            ends_at=at(16, 9),
            chair=org.chairman,
            room=org.room,
        )
    assert refused.value.code == "exists"
    client.force_login(org.district_clerk)  # another agency's entry: nothing to see
    assert client.get(reverse("meetings:book"), {"entry": entry.pk}).status_code == 404

    # The other way: a meeting booked on its own goes into the published week's schedule.
    services.submit_schedule(actor=org.officer, schedule=schedule)
    services.approve_schedule(actor=org.chief_of_office, schedule=schedule)
    other = book(title="Họp Ban chỉ đạo", starts_at=at(17, 14), ends_at=at(17, 16))
    client.force_login(org.officer)
    response = client.post(reverse("meetings:put-in-schedule", args=[other.pk]))
    assert response.status_code == 302 and response.url == schedule.get_absolute_url()
    added = ScheduleEntry.objects.get(meeting=other)
    assert added.schedule == schedule and added.content == "Họp Ban chỉ đạo"
    assert added.chair == org.chairman and added.place == "Phòng họp số 1"
    assert added.changed_after_publication  # published: marked and notified
    assert "Thới Bình" in added.participants
    week = client.get(schedule.get_absolute_url()).content.decode()
    assert other.get_absolute_url() in week
    client.post(reverse("meetings:put-in-schedule", args=[other.pk]))  # twice: refused
    assert ScheduleEntry.objects.filter(meeting=other).count() == 1
    # A week without a schedule: it is started, with the meeting in it.
    later = book(title="Họp tổng kết", starts_at=at(22, 8), ends_at=at(22, 9))
    entry = services.put_in_schedule(actor=org.officer, meeting=later)
    assert entry.schedule.week_start == at(21, 0).date() and entry.meeting == later
    with pytest.raises(PermissionDenied):  # the chair organises but does not keep schedules
        services.put_in_schedule(
            actor=org.chairman, meeting=book(starts_at=at(23, 8), ends_at=at(23, 9))
        )
