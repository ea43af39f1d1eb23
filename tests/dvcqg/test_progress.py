"""Progress per step, the fee paid and the result with its document, pushed to the national
portal (its simulator) through the same ordered outbox as the statuses, and checked there as
the portal checks them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lienthong.documents.models import AttachmentVersion, DocumentType
from lienthong.dvcqg.client import HttpPortalClient, PortalRefusal
from lienthong.dvcqg.constants import PushState
from lienthong.dvcqg.models import StatusPush
from lienthong.dvcqg.permissions import access_result_link
from lienthong.onestop import services as onestop
from lienthong.onestop.models import Dossier
from tests.onestop.conftest import World, filed_online, pdf_file

from .conftest import CODE, Portal


def _received(world: World) -> Dossier:
    dossier = onestop.submit_dossier(actor=world.citizen, dossier=filed_online(world))
    return onestop.receive_dossier(actor=world.counter, dossier=dossier)


def _processed(world: World, dossier: Dossier) -> Dossier:
    """Every step of the world's procedure, to the result issued (not yet returned)."""
    for order, leader, handler in [
        (2, world.bc_leader, world.bc_handler),
        (3, world.other_leader, world.other_handler),
    ]:
        step = dossier.steps.get(order=order)
        onestop.assign_handler(actor=leader, step=step, handler=handler)
        onestop.propose(actor=handler, step=step, text="Đủ điều kiện.")
        onestop.approve_step(actor=leader, step=step)
    onestop.approve_step(actor=world.leader, step=dossier.steps.get(order=4), note="Đồng ý")
    onestop.issue_result(
        actor=world.clerk,
        dossier=dossier,
        document_type=DocumentType.objects.get(name="Quyết định"),
        upload=pdf_file("Quyết định cấp giấy phép bưu chính"),
        file_name="quyet-dinh.pdf",
    )
    return Dossier.objects.get(pk=dossier.pk)


def test_each_step_is_pushed_in_order_and_the_result_goes_with_its_document(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    dossier = _processed(world, _received(world))
    onestop.return_result(actor=world.counter, dossier=dossier, channel="online")
    run_tasks()
    pushes = list(StatusPush.objects.filter(dossier=dossier).order_by("sequence"))
    assert {p.state for p in pushes} == {PushState.ACKNOWLEDGED}
    key = f"{world.dept.code}|{dossier.code}"
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2, 4, 9, 10]
    steps = portal.state.progress[key]
    assert [p.payload["NoiDungXuLy"] for p in pushes if p.kind == "progress"] == [
        s["NoiDungXuLy"] for s in steps
    ]
    # Every step after its status: reception at 2, the processing at 4, the result at 9/10.
    states = [s["TrangThai"] for s in steps]
    assert states[0] == 2 and 4 in states and states[-2:] == [9, 10]
    # received, then assigned, proposed, approved at each of the two units, the leader's
    # approval, the result ready, the result returned
    assert len(steps) >= 9
    handled = [s for s in steps if s["NguoiXuLy"] == world.bc_handler.full_name]
    assert handled and handled[0]["PhongBanXuLy"] == world.bc.name
    assert handled[0]["NgayKetThucTheoQuyDinh"]  # the step's deadline
    # The result: the issued decision, by its number; paper only (not sealed), so no address.
    record = portal.state.latest(world.dept.code, dossier.code)
    assert record is not None
    [result] = record["DanhSachGiayToKetQua"]
    assert result["GiayToId"] == dossier.result_document.number_and_symbol
    assert result["TenGiayTo"] == "Giấy phép bưu chính" and result["DuongDanTepTinKetQua"] == ""


def test_the_electronic_result_is_offered_to_the_portal_by_a_signed_link(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    dossier = _processed(world, _received(world))
    # The agency's sealed result (the seal itself is the signatures app's, tested there).
    version = AttachmentVersion.objects.get(attachment__document=dossier.result_document)
    Dossier.objects.filter(pk=dossier.pk).update(result_file=version)
    dossier.refresh_from_db()
    onestop.return_result(actor=world.counter, dossier=dossier, channel="online")
    run_tasks()
    record = portal.state.latest(world.dept.code, dossier.code)
    assert record is not None and record["TrangThaiHoSo"] == 10
    [result] = record["DanhSachGiayToKetQua"]
    assert result["MaBam"] == version.blob.sha256
    link = result["DuongDanTepTinKetQua"]
    assert link.startswith("http://") and "/dvcqg/ket-qua/?t=" in link
    path = link[link.index("/dvcqg/") :]
    response = Client().get(path)  # the portal has no account here
    assert response.status_code == 200
    with default_storage.open(version.blob.storage_name, "rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    token = path.split("t=", 1)[1]
    forged = signing.dumps({"d": dossier.pk, "v": version.pk + 1}, salt="dvcqg.result-file")
    assert Client().get(f"{reverse('dvcqg:result-file')}?t={forged}").status_code == 404
    assert Client().get(f"{reverse('dvcqg:result-file')}?t={token[:-2]}xx").status_code == 404
    # The rule lives in dvcqg.permissions.access_result_link: the citizen's tracking link (another
    # salt) opens nothing here, nor does a link to a dossier that is gone, an expired link, or
    # a result no longer published (the dossier taken back from "returned").
    tracking = signing.dumps({"d": dossier.pk, "v": version.pk}, salt="onestop.track-result")
    gone = signing.dumps({"d": dossier.pk + 1000, "v": version.pk}, salt="dvcqg.result-file")
    for refused in (tracking, gone, "", "not-a-token"):
        with pytest.raises(Http404):
            access_result_link(refused)
    assert access_result_link(token) == (dossier, version)
    expired = timezone.now() + timedelta(days=settings.LIENTHONG_DVCQG_RESULT_LINK_DAYS, hours=1)
    with time_machine.travel(expired), pytest.raises(Http404):
        access_result_link(token)
    # The same rule (onestop.permissions.signed_result) behind the citizen's tracking link.
    track = reverse("citizen:track-result")
    assert Client().get(f"{track}?t={tracking}").status_code == 200
    assert Client().get(f"{track}?t={token}").url == reverse("citizen:track")
    Dossier.objects.filter(pk=dossier.pk).update(status="processing")
    assert Client().get(path).status_code == 404
    assert Client().get(f"{track}?t={tracking}").url == reverse("citizen:track")


def test_the_fee_paid_is_pushed_as_an_update_of_the_record(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    world.procedure.fee_vnd = 50_000
    world.procedure.save(update_fields=["fee_vnd"])
    dossier = _received(world)
    run_tasks()
    before = portal.state.latest(world.dept.code, dossier.code)
    assert before is not None
    assert before["DanhSachLePhi"][0]["Gia"] == 50_000
    assert before["DanhSachLePhi"][0]["TrangThaiThanhToan"] == 0
    onestop.mark_fee_paid(reference=f"HS-{dossier.code}", amount_vnd=50_000)
    run_tasks()
    kinds = list(
        StatusPush.objects.filter(dossier=dossier).order_by("sequence").values_list("kind", "state")
    )
    assert kinds[-2:] == [("fee", PushState.ACKNOWLEDGED), ("progress", PushState.ACKNOWLEDGED)]
    after = portal.state.latest(world.dept.code, dossier.code)
    assert after is not None
    [fee] = after["DanhSachLePhi"]
    assert fee["TrangThaiThanhToan"] == 1 and fee["NgayThanhToan"]
    assert fee["MaGiaoDich"] == f"HS-{dossier.code}" and fee["HinhThucThu"] == 2
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2]  # no second status entry


@pytest.mark.parametrize(
    ("service", "change", "code"),
    [
        ("progress", {"MaHoSo": "000.00.05.H12-261123-9999"}, 5),  # unknown to the portal
        ("progress", {"TrangThai": 4}, 4),  # the dossier is at 2 on the portal
        ("progress", {"ThoiDiemXuLy": "20000101000000"}, 4),  # before the progress it has
        ("progress", {"NguoiXuLy": ""}, 2),  # a required field missing
        ("progress", {"NgayBatDau": "07/12/2026"}, 2),  # not yyyyMMddHHmmss
        ("record", {"TrangThaiHoSo": 9, "DanhSachGiayToKetQua": []}, 2),  # a result without it
        ("record", {"DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": "50k"}]}, 2),
        (
            "record",
            {
                "DanhSachLePhi": [
                    {"TenPhiLePhi": "Lệ phí", "Gia": 1, "HinhThucThu": 1, "TrangThaiThanhToan": 1}
                ]
            },
            2,
        ),  # paid, no date
    ],
)
def test_the_simulator_checks_progress_and_records_as_the_portal(
    world: World, portal: Portal, run_tasks: Any, service: str, change: dict[str, Any], code: int
) -> None:
    dossier = _received(world)
    run_tasks()
    progress = (
        StatusPush.objects.filter(dossier=dossier, kind="progress").order_by("sequence").last()
    )
    assert progress is not None
    held = len(portal.state.progress[f"{world.dept.code}|{dossier.code}"])
    record = {**StatusPush.objects.get(dossier=dossier, sequence=2).payload, "MaTTHC": CODE}
    client = HttpPortalClient(base_url=portal.url, username="tinh-ca-mau", password="mat-khau-thu")
    with pytest.raises(PortalRefusal) as refused:
        if service == "progress":
            client.push_progress(agency_code=world.dept.code, record={**progress.payload, **change})
        else:
            client.push_dossier(agency_code=world.dept.code, record={**record, **change})
    assert refused.value.code == code, refused.value.message
    assert len(portal.state.progress[f"{world.dept.code}|{dossier.code}"]) == held
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2]
