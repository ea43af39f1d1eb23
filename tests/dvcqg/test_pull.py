"""Dossiers filed on the national portal (its simulator) pulled into the counter's queue: of the
right procedure, with the portal's tracking code beside ours; pulled twice, one dossier."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from lienthong.catalogue.models import ProcedureComponent
from lienthong.dvcqg import services
from lienthong.dvcqg.constants import PushState
from lienthong.dvcqg.models import NationalDossier, PullRun, StatusPush
from lienthong.dvcqg.periodic import pull_dossiers
from lienthong.onestop import services as onestop
from lienthong.onestop.constants import Channel, DossierStatus
from lienthong.onestop.models import Dossier
from tests.onestop.conftest import World

from .conftest import CODE, OTHER_CODE, Portal


def file_on_portal(portal: Portal, agency_code: str, **fields: Any) -> str:
    body = {
        "madonvi": agency_code,
        "MaTTHC": CODE,
        "ChuHoSo": "Lê Văn Bình",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "096088001234",
        "SoDienThoai": "0918765432",
        "DiaChi": "Phường 7, TP Cà Mau",
        "TrichYeuHoSo": "Xin cấp giấy phép bưu chính",
        **fields,
    }
    request = urllib.request.Request(  # noqa: S310 (the simulator)
        f"{portal.url}/_sim/file",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        answer = json.loads(response.read())
    assert answer["error_code"] == 0, answer
    return str(answer["MaHoSo"])


def test_pulled_dossiers_join_the_counter_queue_once(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    tracking = file_on_portal(portal, world.dept.code)
    unmapped = file_on_portal(portal, world.dept.code, MaTTHC=OTHER_CODE)
    bad_phone = file_on_portal(portal, world.dept.code, SoDienThoai="12")
    result = services.pull_new_dossiers(actor=world.counter, agency=world.dept)
    assert len(result.imported) == 1 and result.already == 0
    assert {code for code, _ in result.refused} == {unmapped, bad_phone}
    assert any("2.000999" in reason for _, reason in result.refused)
    dossier = result.imported[0]
    assert dossier.procedure == world.procedure and dossier.agency == world.dept
    assert dossier.status == DossierStatus.SUBMITTED and dossier.channel == Channel.COUNTER
    assert dossier.applicant_name == "Lê Văn Bình" and dossier.code
    link = NationalDossier.objects.get(dossier=dossier)
    assert link.tracking_code == tracking and link.confirmed_at is not None
    assert portal.state.filed[tracking]["confirmed"] == dossier.code
    # The portal already has status 1: our push of 1 completes its record (our code as
    # SoBienNhan) without a second entry; reception (2) and its progress reach the portal under
    # its own tracking code.
    run_tasks()
    assert portal.state.latest(world.dept.code, tracking)["SoBienNhan"] == dossier.code
    # Filed without papers: received once the counter waives them.
    ProcedureComponent.objects.filter(procedure=world.procedure).update(required=False)
    onestop.receive_dossier(actor=world.counter, dossier=dossier)
    run_tasks()
    pushes = StatusPush.objects.filter(dossier=dossier).order_by("sequence")
    assert [(p.kind, p.status_code) for p in pushes if p.kind == "status"] == [
        ("status", 1),
        ("status", 2),
    ]
    assert {p.state for p in pushes} == {PushState.ACKNOWLEDGED}
    progress = portal.state.progress[f"{world.dept.code}|{tracking}"]
    assert progress and {p["MaHoSo"] for p in progress} == {tracking}
    assert portal.statuses(world.dept.code, tracking) == [1, 2]
    # The confirmation was lost: the portal lists it again; it stays one dossier.
    portal.state.filed[tracking]["confirmed"] = ""
    again = services.pull_new_dossiers(actor=world.counter, agency=world.dept)
    assert again.imported == [] and again.already == 1 and len(again.refused) == 2
    assert Dossier.objects.filter(dvcqg_link__tracking_code=tracking).count() == 1
    assert Dossier.objects.filter(agency=world.dept).count() == 1
    assert PullRun.objects.filter(agency=world.dept).count() == 2


def test_only_the_agencys_counter_pulls_and_the_job_pulls_on_its_own(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    file_on_portal(portal, world.dept.code)
    with pytest.raises(PermissionDenied):
        services.pull_new_dossiers(actor=world.bc_handler, agency=world.dept)
    with pytest.raises(PermissionDenied):
        services.pull_new_dossiers(actor=world.outsider, agency=world.dept)
    assert pull_dossiers() == 1  # the periodic check queues the agency's pull
    run_tasks()
    link = NationalDossier.objects.get()
    assert link.pulled_by == world.counter  # the agency's one-stop officer
    assert pull_dossiers() == 0  # pulled within the interval


def test_the_officer_pulls_with_a_button_and_sees_both_codes(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    tracking = file_on_portal(portal, world.dept.code)
    client = Client()
    client.force_login(world.counter)
    queue = client.get(reverse("onestop:queue")).content.decode()
    assert 'data-testid="dvcqg-pull"' in queue
    response = client.post(reverse("dvcqg:pull"), {"next": reverse("onestop:queue")})
    assert response.status_code == 302 and response["Location"] == reverse("onestop:queue")
    dossier = Dossier.objects.get(dvcqg_link__tracking_code=tracking)
    queue = client.get(reverse("onestop:queue")).content.decode()
    assert dossier.code in queue
    page = client.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert f'data-testid="dvcqg-tracking">{tracking}<' in page and dossier.code in page
    # The applicant follows it by our code and telephone and sees the portal's code too.
    track = Client().post(reverse("citizen:track"), {"code": dossier.code, "factor": "0918765432"})
    assert tracking in track.content.decode()
    # A specialist has no pull button and the pull answers 404.
    other = Client()
    other.force_login(world.bc_handler)
    assert 'data-testid="dvcqg-pull"' not in other.get(reverse("onestop:queue")).content.decode()
    assert other.post(reverse("dvcqg:pull")).status_code == 404
