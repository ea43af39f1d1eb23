"""The demo of meetings and schedules (idempotent): the provincial People's Committee's weekly
work schedule (this week published, with one change after publication; next week awaiting
approval), its rooms, an on-line meeting of the province with its eight districts with agenda
documents and its invitation drafted, and a meeting already held with its minutes and its
conclusion notice issued.

The office's chief (chanhvanphong.ubndtinh, a unit leader of the office "TH") is added here:
he reviews the meeting documents drafted by the schedule officer (thuky.ubndtinh) and may
approve the schedule."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import DEMO_PASSWORD, Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.drafting import services as drafting
from lienthong.signatures import demo as signatures_demo
from lienthong.signatures import tsa_simulator

from . import services
from .constants import MeetingDraftKind, Reply, RoomKind, VideoProvider
from .models import Meeting, Room, Schedule

PROVINCE = "000.00.00.H12"
EIGHT_DISTRICTS = [f"000.00.{n}.H12" for n in range(31, 39)]
ONLINE_TITLE = "Hội nghị trực tuyến triển khai nhiệm vụ chuyển đổi số năm 2026"
HELD_TITLE = "Họp giao ban Văn phòng UBND tỉnh tuần trước"


def _at(day: object, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))  # type: ignore[arg-type]


def _pdf(title: str, lines: list[str]) -> io.BytesIO:
    from weasyprint import HTML  # noqa: PLC0415 - seconds to import; the demo only

    body = "".join(f"<p>{line}</p>" for line in lines)
    data = HTML(string=f"<h1>{title}</h1>{body}").write_pdf()
    return io.BytesIO(data)


def _chief_of_office(province: Agency) -> User:
    found: User | None = User.objects.filter(username="chanhvanphong.ubndtinh").first()
    if found is not None:
        return found
    return account_services.create_user(
        actor=None,
        username="chanhvanphong.ubndtinh",
        full_name="Huỳnh Văn Phước",
        password=DEMO_PASSWORD,
        agency=province,
        unit=Unit.objects.get(agency=province, abbreviation="TH"),
        roles=[Role.UNIT_LEADER, Role.SPECIALIST],
    )


@contextmanager
def _demo_timestamps() -> Iterator[None]:
    """While the demo signs, the demo timestamp authority answers on its port (`serve` runs
    it, but `load_demo` comes first); if something listens there already, it is used."""
    port = settings.LIENTHONG_DEMO_TSA_PORT
    server = None
    if port and settings.LIENTHONG_TSA_URL.startswith(f"http://127.0.0.1:{port}"):
        try:
            server = tsa_simulator.make_server("127.0.0.1", port)
        except OSError:
            server = None  # `serve` is running: its TSA answers
    if server is not None:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()


@transaction.atomic
def load_demo_meetings() -> bool:
    """Load the demo once; False when it is there already."""
    province = Agency.objects.filter(code=PROVINCE).first()
    if province is None or Meeting.objects.filter(agency=province, title=ONLINE_TITLE).exists():
        return False
    officer = User.objects.get(username="thuky.ubndtinh")
    chairman = User.objects.get(username="lanhdao.ubndtinh")
    chief = _chief_of_office(province)
    specialist = User.objects.get(username="chuyenvien.ubndtinh")
    unit_head = User.objects.get(username="truongphong.ubndtinh")
    districts = list(Agency.objects.filter(code__in=EIGHT_DISTRICTS).order_by("code"))

    hall = Room.objects.filter(
        agency=province, name="Phòng họp số 1"
    ).first() or services.create_room(
        actor=officer,
        name="Phòng họp số 1",
        kind=RoomKind.PHYSICAL,
        capacity=40,
        equipment="Màn hình LED, hệ thống micro, camera hội nghị",
        location="Tầng 2, trụ sở UBND tỉnh",
    )
    if not Room.objects.filter(agency=province, name="Phòng họp trực tuyến").exists():
        services.create_room(
            actor=officer,
            name="Phòng họp trực tuyến",
            kind=RoomKind.ONLINE,
            equipment="Jitsi Meet",
            location="Điểm cầu UBND tỉnh",
        )

    today = timezone.localdate()
    monday = services.week_start_of(today)
    # This week's schedule, published, then changed once.
    this_week = Schedule.objects.filter(agency=province, week_start=monday).first()
    if this_week is None:
        this_week = services.create_schedule(actor=officer, week_start=monday)
        entries = [
            (
                0,
                8,
                10,
                "Phòng họp số 1",
                chairman,
                "Họp giao ban lãnh đạo UBND tỉnh",
                "Các Phó Chủ tịch UBND tỉnh, Chánh Văn phòng",
                "Văn phòng UBND tỉnh",
            ),
            (
                1,
                14,
                16,
                "Sở Thông tin và Truyền thông",
                chairman,
                "Làm việc với Sở Thông tin và Truyền thông về chuyển đổi số",
                "Giám đốc Sở TT&TT",
                "Sở Thông tin và Truyền thông",
            ),
            (
                2,
                8,
                11,
                "Phòng họp trực tuyến",
                chairman,
                ONLINE_TITLE,
                "UBND 8 huyện",
                "Văn phòng UBND tỉnh",
            ),
            (
                3,
                7,
                11,
                "Trụ sở Tiếp công dân tỉnh",
                chairman,
                "Tiếp công dân định kỳ",
                "Ban Tiếp công dân tỉnh",
                "Thanh tra tỉnh",
            ),
            (
                4,
                14,
                17,
                "Huyện Năm Căn",
                chairman,
                "Kiểm tra tiến độ dự án đường Hồ Chí Minh đoạn Năm Căn - Đất Mũi",
                "Sở Giao thông vận tải",
                "Sở Giao thông vận tải",
            ),
        ]
        for offset, start, end, place, chair, content, participants, preparing in entries:
            day = monday + timedelta(days=offset)
            services.add_entry(
                actor=officer,
                schedule=this_week,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                place=place,
                chair=chair,
                chair_name="",
                participants=participants,
                preparing_unit=preparing,
                content=content,
            )
        services.submit_schedule(actor=officer, schedule=this_week)
        services.approve_schedule(actor=chief, schedule=this_week)
        changed = this_week.entries.get(content__startswith="Tiếp công dân")
        services.update_entry(
            actor=officer,
            entry=changed,
            starts_at=_at(monday + timedelta(days=3), 13, 30),
            ends_at=_at(monday + timedelta(days=3), 17),
        )
    if not Schedule.objects.filter(agency=province, week_start=monday + timedelta(days=7)).exists():
        next_week = services.create_schedule(actor=officer, week_start=monday + timedelta(days=7))
        day = monday + timedelta(days=7)
        services.add_entry(
            actor=officer,
            schedule=next_week,
            starts_at=_at(day, 8),
            ends_at=_at(day, 10),
            place="Phòng họp số 1",
            chair=chairman,
            chair_name="",
            participants="Lãnh đạo UBND tỉnh",
            preparing_unit="Văn phòng UBND tỉnh",
            content="Họp giao ban lãnh đạo UBND tỉnh",
        )
        services.submit_schedule(actor=officer, schedule=next_week)

    # The on-line meeting with the eight districts (Wednesday of this week).
    wednesday = monday + timedelta(days=2)
    online = services.book_meeting(
        actor=officer,
        title=ONLINE_TITLE,
        starts_at=_at(wednesday, 8),
        ends_at=_at(wednesday, 11),
        chair=chairman,
        room=hall,
        video_provider=VideoProvider.JITSI,
        users=[specialist, unit_head],
        agencies=districts,
    )
    for title, presenter, confidential in (
        ("Báo cáo kết quả chuyển đổi số năm 2025", "Sở Thông tin và Truyền thông", False),
        ("Kế hoạch chuyển đổi số năm 2026 của tỉnh", "Văn phòng UBND tỉnh", False),
        ("Phương án sắp xếp nhân sự Tổ công tác", "Văn phòng UBND tỉnh", True),
    ):
        services.add_agenda_item(
            actor=officer,
            meeting=online,
            title=title,
            presenter=presenter,
            confidential=confidential,
            upload=_pdf(title, [presenter, ONLINE_TITLE]),
            file_name=title.lower().replace(" ", "-")[:40] + ".pdf",
        )
    entry = this_week.entries.filter(content=ONLINE_TITLE).first()
    if entry is not None and entry.meeting_id is None:
        entry.meeting = online
        entry.save(update_fields=["meeting"])
    services.draft_meeting_document(actor=officer, meeting=online, kind=MeetingDraftKind.INVITATION)
    first = online.participants.filter(agency__code=EIGHT_DISTRICTS[0]).first()
    if first is not None:
        services.reply(
            actor=User.objects.get(username="vanthu.tranvanthoi"),
            participant=first,
            answer=Reply.DEPUTY,
            deputy_name="Ông Trần Văn Bảy, Phó Chủ tịch UBND huyện",
        )

    # Last week's meeting: held, minutes and conclusion issued.
    last_monday = monday - timedelta(days=7)
    held = services.book_meeting(
        actor=officer,
        title=HELD_TITLE,
        starts_at=_at(last_monday, 14),
        ends_at=_at(last_monday, 16),
        chair=chairman,
        room=hall,
        users=[specialist, unit_head, chief],
    )
    services.record_attendance(
        actor=officer, meeting=held, present=list(held.participants.values_list("pk", flat=True))
    )
    clerk = User.objects.get(username="vanthu.ubndtinh")
    # With the demo PKI (LIENTHONG_DEMO), the chairman signs the PDF made from the prefilled
    # DOCX and the clerk seals it on issue, as in the drafting flow; without it, on paper.
    pin = None
    if settings.LIENTHONG_DEMO:
        signatures_demo.load_demo_pki(agencies=[province])
        pin = signatures_demo.DEMO_SIGNING_PIN
    with _demo_timestamps():
        for kind in (MeetingDraftKind.MINUTES, MeetingDraftKind.CONCLUSION):
            draft = services.draft_meeting_document(actor=officer, meeting=held, kind=kind)
            drafting.submit_for_review(actor=officer, draft=draft)
            drafting.review(actor=chief, draft=draft, decision="approve")
            drafting.send_to_signer(actor=chief, draft=draft)
            drafting.sign_off(actor=chairman, draft=draft, decision="approve", signing_secret=pin)
            drafting.issue_draft(actor=clerk, draft=draft, signing_secret=pin)
    return True
