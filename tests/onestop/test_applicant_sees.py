"""What the applicant sees of a dossier's history, on their page and on public tracking:
statuses (DVCQG 1 to 10), times, agencies, and only the notes sent to them — a refusal reason,
a supplement request, a note an official chose to send — never an internal proposal, approval
or note. And every one-stop action says back what it did."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from lienthong.onestop import services
from lienthong.onestop.constants import DossierStatus, HandOverAction
from lienthong.onestop.models import Dossier, HandOver
from tests.onestop.conftest import CITIZEN, World, filed_online

pytestmark = pytest.mark.django_db

PROPOSAL = "Đề nghị Giám đốc cấp giấy phép cho doanh nghiệp"
APPROVAL = "Đồng ý cấp phép, chuyển Sở Kế hoạch và Đầu tư"
INTERNAL = "Hồ sơ này cần xem kỹ lại giấy ĐKKD (nội bộ)"
REFUSAL = "Doanh nghiệp chưa đăng ký ngành nghề bưu chính"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _stopped_with_internal_notes(w: World) -> Dossier:
    dossier = services.submit_dossier(actor=w.citizen, dossier=filed_online(w))
    services.receive_dossier(actor=w.counter, dossier=dossier)
    step = dossier.steps.get(order=2)
    services.assign_handler(actor=w.bc_leader, step=step, handler=w.bc_handler)
    services.propose(actor=w.bc_handler, step=step, text=PROPOSAL)
    services.approve_step(actor=w.bc_leader, step=step, note=APPROVAL)
    services.add_note(actor=w.bc_handler, dossier=dossier, text=INTERNAL)
    other = dossier.steps.get(order=3)
    services.refuse_dossier(actor=w.other_leader, dossier=dossier, reason=REFUSAL)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.STOPPED
    assert other.pk
    return Dossier.objects.get(pk=dossier.pk)


def _history_table(html: str) -> str:
    match = re.search(r'<table data-testid="history">.*?</table>', html, re.S)
    assert match, "no history table"
    return match.group(0)


def test_the_applicant_sees_the_refusal_reason_and_no_internal_note(world: World) -> None:
    dossier = _stopped_with_internal_notes(world)
    # The notes are all in the officials' history.
    notes = {h.note: h.to_applicant for h in HandOver.objects.filter(dossier=dossier)}
    assert notes[REFUSAL] is True
    assert notes[PROPOSAL] is notes[APPROVAL] is notes[INTERNAL] is False
    officer = Client()
    officer.force_login(world.leader)
    officer_page = officer.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    for text in (PROPOSAL, APPROVAL, INTERNAL, REFUSAL):
        assert text in officer_page

    citizen = Client()
    citizen.force_login(world.citizen)
    mine = citizen.get(reverse("citizen:my-dossier", args=[dossier.pk])).content.decode()
    tracked = (
        Client()
        .post(reverse("citizen:track"), {"code": dossier.code, "factor": CITIZEN.phone})
        .content.decode()
    )
    for page in (mine, tracked):
        assert REFUSAL in page
        for text in (PROPOSAL, APPROVAL, INTERNAL):
            assert text not in page
        history = _history_table(page)
        # Exactly one message to the applicant: the refusal reason.
        messages = [
            m.strip()
            for m in re.findall(r'data-testid="applicant-note">(.*?)</td>', history, re.S)
            if m.strip()
        ]
        assert messages == [REFUSAL]
        # Statuses by their national code, the agency of the step; no officials' names.
        assert "2. Được tiếp nhận" in history and "8. Dừng xử lý" in history
        assert world.other.name in history
        assert world.bc_handler.full_name not in history


def test_a_note_sent_to_the_applicant_shows_and_an_approval_can_be_sent(world: World) -> None:
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    services.receive_dossier(actor=world.counter, dossier=dossier)
    services.add_note(
        actor=world.counter,
        dossier=dossier,
        text="Xin bổ sung bản gốc khi nhận kết quả",
        to_applicant=True,
    )
    step = dossier.steps.get(order=2)
    services.assign_handler(actor=world.bc_leader, step=step, handler=world.bc_handler)
    services.propose(actor=world.bc_handler, step=step, text=PROPOSAL)
    services.approve_step(
        actor=world.bc_leader, step=step, note="Hồ sơ hợp lệ, đã chuyển tiếp", to_applicant=True
    )
    citizen = Client()
    citizen.force_login(world.citizen)
    page = citizen.get(reverse("citizen:my-dossier", args=[dossier.pk])).content.decode()
    assert "Xin bổ sung bản gốc khi nhận kết quả" in page
    assert "Hồ sơ hợp lệ, đã chuyển tiếp" in page
    assert PROPOSAL not in page


def test_a_note_is_written_only_by_officials_on_the_route(world: World) -> None:
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    before = HandOver.objects.count()
    for stranger in (world.outsider, world.citizen):
        with pytest.raises(PermissionDenied):
            services.add_note(actor=stranger, dossier=dossier, text="x", to_applicant=True)
    assert HandOver.objects.count() == before
    # Over HTTP: the checkbox "Gửi cho người nộp hồ sơ" sets the flag.
    counter = Client()
    counter.force_login(world.counter)
    page = counter.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert "Gửi cho người nộp hồ sơ" in page
    response = counter.post(
        reverse("onestop:action", args=[dossier.pk, "note"]),
        {"text": "Đã gọi điện hẹn công dân", "to_applicant": "on"},
    )
    assert response.status_code == 302
    entry = HandOver.objects.get(dossier=dossier, action=HandOverAction.NOTED)
    assert entry.to_applicant and entry.note == "Đã gọi điện hẹn công dân"
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [f"Đã ghi chú vào hồ sơ {dossier.code} và gửi cho người nộp hồ sơ."]


def test_every_counter_action_says_what_it_did(world: World) -> None:
    dossier = services.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    counter = Client()
    counter.force_login(world.counter)
    response = counter.post(reverse("onestop:action", args=[dossier.pk, "receive"]))
    dossier.refresh_from_db()
    from django.utils import timezone

    due = timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [f"Đã tiếp nhận hồ sơ {dossier.code}, hẹn trả kết quả {due}."]
    leader = Client()
    leader.force_login(world.bc_leader)
    response = leader.post(
        reverse("onestop:action", args=[dossier.pk, "assign"]),
        {"handler": world.bc_handler.pk},
    )
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [f"Đã giao hồ sơ {dossier.code} cho {world.bc_handler.full_name} xử lý."]
    assert not any("Đã thực hiện" in m for m in said)


def test_the_api_keeps_internal_notes_from_the_applicant_too(world: World) -> None:
    from rest_framework.test import APIClient

    dossier = _stopped_with_internal_notes(world)
    tracked = APIClient().post(
        "/api/v1/tracking/", {"code": dossier.code, "factor": CITIZEN.phone}, format="json"
    )
    citizen = APIClient()
    citizen.force_authenticate(world.citizen)
    mine = citizen.get(f"/api/v1/dossiers/{dossier.pk}/")
    officer = APIClient()
    officer.force_authenticate(world.leader)
    theirs = officer.get(f"/api/v1/dossiers/{dossier.pk}/")
    assert tracked.status_code == mine.status_code == theirs.status_code == 200
    for answer in (tracked, mine):
        notes = [h["note"] for h in answer.json()["history"] if h["note"]]
        assert notes == [REFUSAL]
        assert "proposed" not in [h["action"] for h in answer.json()["history"]]
    officer_notes = {h["note"] for h in theirs.json()["history"]}
    assert {PROPOSAL, APPROVAL, INTERNAL, REFUSAL} <= officer_notes
