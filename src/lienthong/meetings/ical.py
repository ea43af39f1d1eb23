"""iCalendar (RFC 5545) of schedules and meetings, with the icalendar library: an agency's
published schedule, a user's private feed, and the invitation sent by e-mail (METHOD:REQUEST)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting, ScheduleEntry

PRODID = "-//lienthong//meetings//VI"


def _domain() -> str:
    site = str(getattr(settings, "LIENTHONG_SITE_URL", "http://localhost:8000"))
    return site.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def calendar(name: str, method: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    if method:
        cal.add("method", method)
    return cal


def entry_event(entry: ScheduleEntry) -> Event:
    event = Event()
    event.add("uid", f"schedule-entry-{entry.pk}@{_domain()}")
    event.add("dtstamp", entry.updated_at)
    event.add("dtstart", entry.starts_at)
    event.add("dtend", entry.ends_at)
    event.add("summary", entry.content[:200])
    event.add("location", entry.place)
    description = [f"Chủ trì: {entry.chair_name}"]
    if entry.participants:
        description.append(f"Thành phần: {entry.participants}")
    if entry.preparing_unit:
        description.append(f"Chuẩn bị: {entry.preparing_unit}")
    if entry.changed_after_publication:
        description.append("(Đã thay đổi sau khi ban hành)")
    event.add("description", "\n".join(description))
    event.add("sequence", entry.schedule.revision)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    return event


def meeting_event(meeting: Meeting, *, url: str = "") -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{_domain()}")
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    place = meeting.room.name if meeting.room else ""
    if meeting.is_online:
        place = (place + "; " if place else "") + meeting.get_video_provider_display()
    event.add("location", place)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if meeting.state == "cancelled" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{meeting.chair.email or 'noreply@' + _domain()}")
    organizer.params["cn"] = vText(meeting.chair.full_name)
    event.add("organizer", organizer)
    for participant in meeting.participants.all():
        if participant.user is not None and participant.user.email:
            attendee = vCalAddress(f"mailto:{participant.user.email}")
            attendee.params["cn"] = vText(participant.user.full_name)
            attendee.params["role"] = vText(
                "REQ-PARTICIPANT" if participant.required else "OPT-PARTICIPANT"
            )
            event.add("attendee", attendee, encode=False)
    return event


def feed(
    name: str,
    *,
    entries: Iterable[ScheduleEntry] = (),
    meetings: Iterable[Meeting] = (),
    url_of: Callable[[Meeting], str] | None = None,
) -> bytes:
    cal = calendar(name)
    for entry in entries:
        cal.add_component(entry_event(entry))
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, url=url_of(meeting) if url_of else ""))
    return bytes(cal.to_ical())


def invitation(meeting: Meeting, *, url: str = "") -> bytes:
    """The .ics attached to the invitation e-mail (METHOD:REQUEST)."""
    cal = calendar(meeting.title, method="REQUEST")
    cal.add_component(meeting_event(meeting, url=url))
    return bytes(cal.to_ical())
