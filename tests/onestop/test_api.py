"""REST API of dossiers and tracking: the same services and the same chokepoint as the pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lienthong.onestop.constants import DossierStatus
from lienthong.onestop.models import Dossier
from tests.documents.files import text_pdf
from tests.onestop.conftest import CITIZEN, make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _filed(world) -> dict:
    client = api(world.citizen)
    body = {
        "procedure": world.procedure.pk,
        "idempotency_key": "0b4e7f1a-5b7e-4f8e-9c1d-2a3b4c5d6e7f",
    }
    created = client.post("/api/v1/dossiers/", body, format="json")
    assert created.status_code == 201, created.content
    again = client.post("/api/v1/dossiers/", body, format="json")
    assert again.data["id"] == created.data["id"]
    pk = created.data["id"]
    for component in world.components[:2]:
        response = client.post(
            f"/api/v1/dossiers/{pk}/papers/",
            {"file": _file("p.pdf", text_pdf(component.name)), "procedure_component": component.pk},
            format="multipart",
        )
        assert response.status_code == 201, response.content
    submitted = client.post(f"/api/v1/dossiers/{pk}/submit/")
    assert submitted.status_code == 200 and submitted.data["portal_status"] == 1
    return submitted.data


def test_applicant_files_through_the_api_and_sees_only_their_own(world) -> None:
    data = _filed(world)
    assert Dossier.objects.count() == 1 and data["code"].startswith(world.dept.code)
    assert [d["id"] for d in api(world.citizen).get("/api/v1/dossiers/").data["results"]] == [
        data["id"]
    ]
    other = make_citizen(
        "binh", CITIZEN.__class__(**{**CITIZEN.__dict__, "id_number": "096188000999"})
    )
    assert api(other).get(f"/api/v1/dossiers/{data['id']}/").status_code == 404
    assert api(other).get("/api/v1/dossiers/").data["results"] == []
    assert api().get("/api/v1/dossiers/").status_code == 401


def test_bad_paper_is_a_clear_400(world, db_snapshot) -> None:
    client = api(world.citizen)
    created = client.post(
        "/api/v1/dossiers/",
        {
            "procedure": world.procedure.pk,
            "idempotency_key": "1b4e7f1a-5b7e-4f8e-9c1d-2a3b4c5d6e7f",
        },
        format="json",
    )
    before = db_snapshot()
    response = client.post(
        f"/api/v1/dossiers/{created.data['id']}/papers/",
        {"file": _file("virus.pdf", b"MZ" + b"\x00" * 100)},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.data
    assert db_snapshot() == before
    response = client.post(f"/api/v1/dossiers/{created.data['id']}/submit/")
    assert response.status_code == 400 and "components" in response.data


def test_counter_receives_and_outsiders_get_404(world, db_snapshot) -> None:
    data = _filed(world)
    before = db_snapshot()
    assert api(world.outsider).post(f"/api/v1/dossiers/{data['id']}/receive/").status_code == 404
    assert api(world.citizen).post(f"/api/v1/dossiers/{data['id']}/receive/").status_code == 403
    after = db_snapshot()
    after.pop("core_auditevent", None), before.pop("core_auditevent", None)
    assert after == before
    received = api(world.counter).post(f"/api/v1/dossiers/{data['id']}/receive/")
    assert received.status_code == 200 and received.data["portal_status"] == 2
    assert Dossier.objects.get().status == DossierStatus.RECEIVED
    assert [s["state"] for s in received.data["steps"]][:2] == ["done", "queued"]


def test_tracking_api(world, settings) -> None:
    settings.LIENTHONG_TRACKING_LIMIT = 4
    code = _filed(world)["code"]
    client = api()
    ok = client.post("/api/v1/tracking/", {"code": code, "factor": CITIZEN.phone}, format="json")
    assert ok.status_code == 200 and ok.data["portal_status"] == 1
    wrong = client.post("/api/v1/tracking/", {"code": code, "factor": "0900000000"}, format="json")
    unknown = client.post(
        "/api/v1/tracking/", {"code": code[:-4] + "0999", "factor": "0900000000"}, format="json"
    )
    assert wrong.status_code == unknown.status_code == 404 and wrong.data == unknown.data
    malformed = client.post("/api/v1/tracking/", {"code": "abc", "factor": "1"}, format="json")
    assert malformed.status_code == 400 and "code" in malformed.data
    client.post("/api/v1/tracking/", {"code": code, "factor": "0900000001"}, format="json")
    limited = client.post(
        "/api/v1/tracking/", {"code": code, "factor": CITIZEN.phone}, format="json"
    )
    assert limited.status_code == 429


def test_processing_through_the_api(world) -> None:
    from lienthong.documents.models import DocumentType

    pk = _filed(world)["id"]
    assert api(world.counter).post(f"/api/v1/dossiers/{pk}/receive/").status_code == 200
    # Only the unit's leader assigns, to someone of the unit.
    assert (
        api(world.vp_leader)
        .post(f"/api/v1/dossiers/{pk}/assign/", {"handler": world.bc_handler.pk})
        .status_code
        == 404  # the office does not even see the dossier
    )
    wrong = api(world.bc_leader).post(
        f"/api/v1/dossiers/{pk}/assign/", {"handler": world.vp_member.pk}
    )
    assert wrong.status_code == 400 and "handler" in wrong.data
    assigned = api(world.bc_leader).post(
        f"/api/v1/dossiers/{pk}/assign/", {"handler": world.bc_handler.pk}
    )
    assert assigned.status_code == 200 and assigned.data["portal_status"] == 4
    asked = api(world.bc_handler).post(
        f"/api/v1/dossiers/{pk}/consult/", {"unit": world.vp.pk, "question": "Có nợ phí?"}
    )
    assert asked.status_code == 200
    consultation = Dossier.objects.get(pk=pk).steps.get(order=2).consultations.get()
    answered = api(world.vp_member).post(
        f"/api/v1/dossiers/{pk}/answer/", {"consultation": consultation.pk, "answer": "Không."}
    )
    assert answered.status_code == 200
    assert (
        api(world.bc_handler).post(f"/api/v1/dossiers/{pk}/propose/", {"text": "Đạt"}).status_code
        == 200
    )
    assert api(world.bc_leader).post(f"/api/v1/dossiers/{pk}/approve/").status_code == 200
    for leader, handler in [(world.other_leader, world.other_handler)]:
        assert (
            api(leader).post(f"/api/v1/dossiers/{pk}/assign/", {"handler": handler.pk}).status_code
            == 200
        )
        assert (
            api(handler).post(f"/api/v1/dossiers/{pk}/propose/", {"text": "Khớp"}).status_code
            == 200
        )
        assert api(leader).post(f"/api/v1/dossiers/{pk}/approve/").status_code == 200
    due = Dossier.objects.get(pk=pk).due_at
    sorry = api(world.leader).post(
        f"/api/v1/dossiers/{pk}/apologise/",
        {"reason": "Chờ xác minh", "new_due_at": (due.replace(year=due.year + 1)).isoformat()},
    )
    assert sorry.status_code == 200
    assert api(world.leader).post(f"/api/v1/dossiers/{pk}/approve/").status_code == 200
    issued = api(world.clerk).post(
        f"/api/v1/dossiers/{pk}/result/",
        {
            "document_type": DocumentType.objects.get(name="Quyết định").pk,
            "file": _file("qd.pdf", text_pdf("Quyết định")),
        },
        format="multipart",
    )
    assert issued.status_code == 200 and issued.data["portal_status"] == 9
    returned = api(world.counter).post(f"/api/v1/dossiers/{pk}/return/", {"channel": "online"})
    assert returned.status_code == 200 and returned.data["portal_status"] == 10
    rated = api(world.citizen).post(
        f"/api/v1/dossiers/{pk}/rate/", {"satisfaction": 4, "staff_attitude": 3}, format="json"
    )
    assert rated.status_code == 200
