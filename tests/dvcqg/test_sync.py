"""Status pushes to the national portal, sent for real to its simulator: in order, retried
until acknowledged, held back behind a refused one, acknowledged once when re-sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from lienthong.dvcqg import services
from lienthong.dvcqg.client import HttpPortalClient, PortalRefusal
from lienthong.dvcqg.constants import PushState
from lienthong.dvcqg.models import NationalProcedureCode, StatusPush
from lienthong.onestop import services as onestop
from tests.onestop.conftest import World, filed_online

from .conftest import CODE, Portal, time_passes

NO_CODE = gettext("The procedure has no national procedure code.")


def _received(world: World) -> Any:
    dossier = filed_online(world)
    dossier = onestop.submit_dossier(actor=world.citizen, dossier=dossier)
    return onestop.receive_dossier(actor=world.counter, dossier=dossier)


def test_each_status_change_is_pushed_in_order_in_the_portals_shape(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    dossier = _received(world)
    pushes = list(StatusPush.objects.filter(dossier=dossier, kind="status").order_by("sequence"))
    # Written in the change's transaction, before any job ran: 1 submitted, 2 received.
    assert [(p.sequence, p.status_code, p.state) for p in pushes] == [
        (1, 1, PushState.PENDING),
        (2, 2, PushState.PENDING),
    ]
    run_tasks()
    pushes = list(StatusPush.objects.filter(dossier=dossier, kind="status").order_by("sequence"))
    assert [p.state for p in pushes] == [PushState.ACKNOWLEDGED] * 2
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2]
    sent = portal.state.histories[f"{world.dept.code}|{dossier.code}"][-1]
    assert sent["MaTTHC"] == CODE and sent["SoBienNhan"] == dossier.code
    assert sent["LoaiDoiTuong"] == 1 and sent["ChuHoSo"] == "Trần Thị Mai"
    datetime.strptime(sent["NgayTiepNhan"], "%Y%m%d%H%M%S")  # the portal's date format
    assert sent["NgayHenTra"]


def test_portal_down_the_push_waits_and_is_sent_when_it_is_back(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    portal.stop()
    dossier = _received(world)
    run_tasks()  # the job fails: the portal does not answer
    first = StatusPush.objects.get(dossier=dossier, sequence=1)
    assert first.state == PushState.PENDING and first.attempts == 1
    assert "unreachable" in first.last_error and first.next_attempt_at is not None
    assert StatusPush.objects.get(dossier=dossier, sequence=2).attempts == 0  # never tried
    assert portal.statuses(world.dept.code, dossier.code) == []
    portal.start()
    time_passes()
    run_tasks()  # the retry, with back-off
    assert set(StatusPush.objects.filter(dossier=dossier).values_list("state", flat=True)) == {
        PushState.ACKNOWLEDGED
    }
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2]


def test_a_later_status_waits_for_the_earlier_one_then_the_officer_retries(
    world: World, portal: Portal, run_tasks: Any, client: Any
) -> None:
    NationalProcedureCode.objects.filter(procedure=world.procedure).delete()
    dossier = _received(world)
    run_tasks()
    first, second = StatusPush.objects.filter(dossier=dossier, kind="status").order_by("sequence")
    assert first.state == PushState.FAILED
    assert first.last_error == NO_CODE
    assert second.state == PushState.PENDING and second.attempts == 0  # held back
    assert second.next_attempt_at is None and services.enqueue_due_pushes() == 0
    assert services.push_pending(dossier_id=dossier.pk).held  # an attempt sends nothing
    assert portal.statuses(world.dept.code, dossier.code) == []
    # The officer sees the failure with its reason on the sync page and the dossier page.
    client.force_login(world.counter)
    page = client.get(reverse("dvcqg:sync") + "?state=failed").content.decode()
    assert dossier.code in page and NO_CODE in page
    assert 'data-testid="push-failed"' in page and 'data-testid="push-pending"' not in page
    services.set_procedure_code(actor=None, procedure=world.procedure, code=CODE)
    response = client.post(reverse("dvcqg:retry", args=[dossier.pk]))
    assert response.status_code == 302
    run_tasks()
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2]
    assert StatusPush.objects.filter(dossier=dossier).unacknowledged().count() == 0
    detail = client.get(reverse("onestop:dossier", args=[dossier.pk])).content.decode()
    assert f'data-testid="dvcqg-procedure-code">{CODE}<' in detail
    assert 'data-testid="dvcqg-sync"' in detail and f"?dossier={dossier.pk}" in detail


def test_the_portal_refuses_an_out_of_order_status_and_acknowledges_a_resend_once(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    dossier = _received(world)
    run_tasks()
    record = dict(StatusPush.objects.get(dossier=dossier, sequence=2).payload, MaTTHC=CODE)
    portal_client = HttpPortalClient(
        base_url=portal.url, username="tinh-ca-mau", password="mat-khau-thu"
    )
    # A re-sent push (its acknowledgement lost): acknowledged, no second history entry.
    assert portal_client.push_dossier(agency_code=world.dept.code, record=record).duplicate
    StatusPush.objects.filter(dossier=dossier, sequence=2).update(state=PushState.SENT)
    services.push_pending(dossier_id=dossier.pk)
    assert StatusPush.objects.get(dossier=dossier, sequence=2).duplicate
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2]
    # Returned (10) cannot follow received (2): refused, for a missing date first.
    with pytest.raises(PortalRefusal) as refused:
        portal_client.push_dossier(
            agency_code=world.dept.code, record={**record, "TrangThaiHoSo": 10, "NgayTra": ""}
        )
    assert refused.value.code == 2  # 10 needs NgayTra
    with pytest.raises(PortalRefusal) as refused:
        portal_client.push_dossier(
            agency_code=world.dept.code,
            record={
                **record,
                "TrangThaiHoSo": 10,
                "NgayTra": "20261123100000",
                "DanhSachGiayToKetQua": [{"TenGiayTo": "Giấy phép", "GiayToId": "12/GP"}],
            },
        )
    assert refused.value.code == 4 and "không thể theo sau 2" in refused.value.message
    assert portal.statuses(world.dept.code, dossier.code) == [1, 2]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"MaTTHC": "2.000555"}, 3),  # not in the national database
        ({"ChuHoSo": ""}, 2),  # a required field missing
        ({"NgayTiepNhan": "23/11/2026"}, 2),  # not yyyyMMddHHmmss
        ({"TrangThaiHoSo": "2"}, 2),  # a string, not a number
    ],
)
def test_the_simulator_checks_what_the_portal_checks(
    world: World, portal: Portal, run_tasks: Any, change: dict[str, Any], code: int
) -> None:
    dossier = _received(world)
    record = {**StatusPush.objects.get(dossier=dossier, sequence=1).payload, "MaTTHC": CODE}
    record["MaHoSo"] = "000.00.01.H12-261123-9999"
    portal_client = HttpPortalClient(
        base_url=portal.url, username="tinh-ca-mau", password="mat-khau-thu"
    )
    with pytest.raises(PortalRefusal) as refused:
        portal_client.push_dossier(agency_code=world.dept.code, record={**record, **change})
    assert refused.value.code == code
    assert portal.statuses(world.dept.code, record["MaHoSo"]) == []


def test_authentication_is_checked_and_an_expired_session_renewed(
    world: World, portal: Portal, run_tasks: Any
) -> None:
    wrong = HttpPortalClient(base_url=portal.url, username="tinh-ca-mau", password="sai")
    with pytest.raises(PortalRefusal):
        wrong.new_dossiers(agency_code=world.dept.code)
    right = HttpPortalClient(base_url=portal.url, username="tinh-ca-mau", password="mat-khau-thu")
    assert right.new_dossiers(agency_code=world.dept.code) == []
    portal.state.sessions.clear()  # the portal restarted: our session is unknown
    assert right.new_dossiers(agency_code=world.dept.code) == []
    assert len(portal.state.sessions) == 1


def test_no_portal_configured_nothing_is_queued(world: World, settings: Any) -> None:
    settings.LIENTHONG_DVCQG_URL = ""
    dossier = _received(world)
    assert not StatusPush.objects.filter(dossier=dossier).exists()
    assert services.enqueue_due_pushes() == 0
