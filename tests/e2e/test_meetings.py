"""Meetings in real headless Chromium: the schedule officer books a room (a clash refused
first, named), drafts the invitation to two districts from the meeting, the clerk issues it and
it arrives in both districts' queues; a district clerk replies that her agency sends a deputy;
the chair joins the video room (the Jitsi simulator accepts the token our platform signed, and
refuses one signed with another secret);
the minutes are drafted from the held meeting, approved and issued."""

import copy
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import Browser, Page, expect

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, User
from lienthong.documents.models import Document
from lienthong.drafting import services as drafting
from lienthong.drafting.models import Draft
from lienthong.meetings import services as meetings
from lienthong.meetings.constants import RoomKind
from lienthong.meetings.models import Meeting
from lienthong.meetings.simulators import JitsiSimulator, RunningSimulator
from lienthong.meetings.video.base import JoinUser
from lienthong.meetings.video.jitsi import JitsiMeet
from tests.conftest import free_port, run_queued_jobs
from tests.e2e.conftest import second_factor_device
from tests.e2e.test_cross_agency_flow import submit

pytestmark = pytest.mark.django_db(transaction=True)


def as_user(browser: Browser, base: str, username: str) -> Page:
    """A browser signed in as the user through a session made on the server, second factor
    included (signing in by the form is the front door's test, not this walk's: it costs a
    password hash, a code page and a dashboard)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    device = second_factor_device(username)  # leaders: as if the code had been given
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def cau_mau(province: Agency, user_factory: Any) -> None:
    """Only what the walk needs, named as in the demo (loading the whole demo province costs
    ten seconds): the provincial People's Committee with its office (schedule officer, chief of
    office, clerk), its chairman and an official, and two district committees, one with its
    clerk."""
    office = account_services.create_unit(
        actor=None, agency=province, name="Văn phòng UBND tỉnh", abbreviation="VP"
    )
    for code, name in (("000.00.31.H12", "Trần Văn Thời"), ("000.00.32.H12", "Thới Bình")):
        district = account_services.create_agency(
            actor=None,
            code=code,
            name=f"Ủy ban nhân dân huyện {name}",
            abbreviation="UBND",
            kind=AgencyKind.DISTRICT_COMMITTEE,
            place_name=name,
            parent=province,
        )
        if code.endswith("31.H12"):
            user_factory(district, [Role.CLERK], username="vanthu.tranvanthoi")
    user_factory(province, [Role.SCHEDULE_OFFICER], unit=office, username="thuky.ubndtinh")
    user_factory(province, [Role.UNIT_LEADER], unit=office, username="chanhvanphong.ubndtinh")
    user_factory(province, [Role.CLERK], unit=office, username="vanthu.ubndtinh")
    user_factory(province, [Role.AGENCY_LEADER], username="lanhdao.ubndtinh")
    user_factory(province, [Role.SPECIALIST], username="truongphong.ubndtinh")


def _approve_and_sign(draft: Draft, chief: User, chairman: User) -> None:
    """The review and the signature (the drafting pages, tested elsewhere)."""
    drafting.review(actor=chief, draft=draft, decision="approve")
    drafting.send_to_signer(actor=chief, draft=draft)
    drafting.sign_off(actor=chairman, draft=draft, decision="approve")


def test_book_invite_reply_join_and_issue_the_minutes(
    live_server, cau_mau, browser: Browser, settings
) -> None:
    base = live_server.url
    port = free_port()
    settings.LIENTHONG_JITSI_URL = f"http://127.0.0.1:{port}"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(settings.LIENTHONG_JITSI_URL)
    settings.CONTENT_SECURITY_POLICY = policy
    province = Agency.objects.get(code="000.00.00.H12")
    # Not about signing: the province also issues on paper, so its chairman approves unsigned.
    account_services.set_issuing_policy(actor=None, agency=province, issues_on_paper=True)
    officer = User.objects.get(username="thuky.ubndtinh")
    chairman = User.objects.get(username="lanhdao.ubndtinh")
    chief = User.objects.get(username="chanhvanphong.ubndtinh")  # the chief of office
    room = meetings.create_room(
        actor=officer, name="Phòng họp số 1", kind=RoomKind.PHYSICAL, capacity=40
    )
    day = timezone.localdate() + timedelta(days=2)
    meetings.book_meeting(
        actor=officer,
        title="Họp Ban chỉ đạo phòng chống thiên tai",
        chair=User.objects.get(username="truongphong.ubndtinh"),
        room=room,
        starts_at=timezone.make_aware(datetime.combine(day, time(8))),
        ends_at=timezone.make_aware(datetime.combine(day, time(10))),
    )

    # The schedule officer books the room: the clash is refused and named, then a free slot.
    page = as_user(browser, base, "thuky.ubndtinh")
    page.goto(f"{base}/lich-hop/dat-lich/")
    form = page.get_by_test_id("book-form")
    form.locator("#id_title").fill("Hội nghị trực tuyến về phòng chống sạt lở")
    form.locator("#id_starts_at").fill(f"{day:%Y-%m-%d}T09:00")
    form.locator("#id_ends_at").fill(f"{day:%Y-%m-%d}T11:00")
    form.locator("#id_room").select_option(label="Phòng họp số 1")
    form.locator("#id_video_provider").select_option(value="jitsi")
    form.locator("#id_chair").select_option(value=str(chairman.pk))
    form.locator("#id_agencies").select_option(
        label=["Ủy ban nhân dân huyện Trần Văn Thời", "Ủy ban nhân dân huyện Thới Bình"]
    )
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("conflict")).to_contain_text("Phòng họp số 1")
    expect(page.get_by_test_id("conflict")).to_contain_text("Họp Ban chỉ đạo phòng chống thiên tai")
    form = page.get_by_test_id("book-form")
    form.locator("#id_starts_at").fill(f"{day:%Y-%m-%d}T10:00")
    form.locator("#id_ends_at").fill(f"{day:%Y-%m-%d}T11:30")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("Đã lên lịch")
    meeting_url = page.url

    # The invitation is drafted from the meeting, submitted, approved and issued.
    page.get_by_test_id("draft-invitation").click()
    expect(page.get_by_test_id("subject")).to_contain_text("Mời dự họp: Hội nghị trực tuyến")
    submit(page, "form-submit")
    invitation = Draft.objects.get(document_type__name="Giấy mời")
    _approve_and_sign(invitation, chief, chairman)
    clerk_page = as_user(browser, base, "vanthu.ubndtinh")
    clerk_page.goto(f"{base}/du-thao/{invitation.pk}/")
    submit(clerk_page, "form-issue")
    expect(clerk_page.locator("main")).to_contain_text("/GM-UBND")
    run_queued_jobs()  # delivery to the districts' queues
    for code in ("000.00.31.H12", "000.00.32.H12"):
        assert Document.objects.filter(
            agency__code=code, direction="incoming", subject__startswith="Mời dự họp"
        ).exists()

    # Trần Văn Thời's clerk replies for her agency: a deputy attends.
    district = as_user(browser, base, "vanthu.tranvanthoi")
    district.goto(meeting_url)
    form = district.get_by_test_id("reply-form")
    form.locator("input[value=deputy]").check()
    form.locator("[name=deputy_name]").fill("Ông Trần Văn Bảy, Phó Chủ tịch UBND huyện")
    form.locator("button[type=submit]").click()
    expect(district.get_by_test_id("participants")).to_contain_text("Ông Trần Văn Bảy")

    # The chair joins the video room: the Jitsi simulator checks the token we signed.
    simulator = JitsiSimulator(
        app_id=settings.LIENTHONG_JITSI_APP_ID,
        secret=settings.LIENTHONG_JITSI_APP_SECRET,
        domain=settings.LIENTHONG_JITSI_DOMAIN,
    )
    with RunningSimulator(simulator, port):
        chair = as_user(browser, base, "lanhdao.ubndtinh")
        chair.goto(meeting_url)
        chair.get_by_test_id("join-video").click()
        expect(chair.locator("#joined")).to_contain_text(
            f"{chairman.full_name} joined as moderator"
        )
        # The same room with a token signed by anyone else: refused.
        meeting = Meeting.objects.get(title="Hội nghị trực tuyến về phòng chống sạt lở")
        forged = JitsiMeet(
            base_url=settings.LIENTHONG_JITSI_URL,
            app_id=settings.LIENTHONG_JITSI_APP_ID,
            secret="forged-secret-forged-secret-forged",
            domain=settings.LIENTHONG_JITSI_DOMAIN,
        ).join_url(room=meeting.video_room, user=JoinUser(chairman.pk, "x", "", moderator=True))
        refused = chair.goto(forged)
        assert refused is not None and refused.status == 403
    chair.goto(meeting_url)
    expect(chair.get_by_test_id("connected")).to_contain_text(chairman.full_name)

    # After the meeting: attendance, the minutes drafted from it, approved and issued.
    page.goto(meeting_url)
    page.get_by_text("Ghi nhận điểm danh").click()
    page.get_by_test_id("record-attendance").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("Đã họp")
    page.get_by_test_id("draft-minutes").click()
    submit(page, "form-submit")
    minutes = Draft.objects.get(document_type__name="Biên bản")
    _approve_and_sign(minutes, chief, chairman)
    clerk_page.goto(f"{base}/du-thao/{minutes.pk}/")
    submit(clerk_page, "form-issue")
    expect(clerk_page.locator("main")).to_contain_text("/BB-UBND")
    page.goto(meeting_url)
    expect(page.get_by_test_id("meeting-documents")).to_contain_text("Đã phát hành")
