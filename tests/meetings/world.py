"""Meetings' objects in the hardening world (tests/hardening/world.py): a weekly schedule of
Sở Tư pháp being drafted and an on-line meeting of Sở Tư pháp chaired by its leader, with its
specialist invited by name, Thành phố Cà Mau invited as an agency and an agenda document."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from lienthong.accounts import services as accounts
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.meetings import services
from lienthong.meetings.constants import VideoProvider
from lienthong.meetings.models import CalendarToken
from tests.documents import files


def meetings_world(stp: Agency) -> dict[str, Any]:
    officer = accounts.create_user(
        actor=None,
        username="thuky.stp",
        full_name="Thư ký Sở Tư pháp",
        password=None,
        agency=stp,
        unit=Unit.objects.get(agency=stp, abbreviation="VP"),
        roles=[Role.SCHEDULE_OFFICER],
    )
    leader = User.objects.get(username="lanhdao.stp")
    specialist = User.objects.get(username="chuyenvien.stp")
    city = Agency.objects.get(code="000.00.30.H12")
    monday = services.week_start_of(timezone.localdate()) + timedelta(days=14)
    schedule = services.create_schedule(actor=officer, week_start=monday)
    start = timezone.now().replace(microsecond=0) + timedelta(days=14)
    entry = services.add_entry(
        actor=officer,
        schedule=schedule,
        starts_at=timezone.make_aware(datetime.combine(monday, time(8))),
        ends_at=timezone.make_aware(datetime.combine(monday, time(10))),
        place="Phòng họp Sở",
        chair=leader,
        content="Họp giao ban Sở",
    )
    meeting = services.book_meeting(
        actor=officer,
        title="Họp trực tuyến về cải cách hành chính",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        chair=leader,
        video_provider=VideoProvider.JITSI,
        users=[specialist],
        agencies=[city],
    )
    item = services.add_agenda_item(
        actor=officer,
        meeting=meeting,
        title="Báo cáo cải cách hành chính",
        upload=io.BytesIO(files.text_pdf("Báo cáo")),
        file_name="bao-cao.pdf",
    )
    token = CalendarToken.objects.create(user=specialist)
    return {
        "schedule": schedule.pk,
        "schedule_entry": entry.pk,
        "schedule_action": "trinh",
        "stp_pk": stp.pk,
        "calendar_token": token.token,
        "meeting": meeting.pk,
        "meeting_participant": meeting.participants.get(user=specialist).pk,
        "agenda_item": item.pk,
        "invitee": User.objects.get(username="truongphong.stp").pk,
    }
