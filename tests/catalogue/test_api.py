"""The catalogue REST API: public reads, administrators' writes through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from lienthong.accounts.models import Agency, User
from lienthong.catalogue.models import Procedure, Sector

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalogue/procedures/"


def _payload(agency: Agency, sector: Sector, **extra: Any) -> dict[str, Any]:
    data = {
        "national_code": "T-CMU-777001-TT",
        "name": "Cấp giấy phép hoạt động in",
        "sector": sector.pk,
        "agency": agency.pk,
        "level_2011": 3,
        "legal_basis": "Nghị định số 105/2007/NĐ-CP",
        "processing_days": "15",
        "result_name": "Giấy phép hoạt động in",
        "components": [{"order": 1, "name": "Đơn đề nghị", "copy_kind": "original"}],
        "steps": [
            {
                "order": 1,
                "name": "Tiếp nhận",
                "agency": agency.pk,
                "role": "reception",
                "days": "1",
            },
            {
                "order": 2,
                "name": "Thẩm định",
                "agency": agency.pk,
                "role": "processing",
                "days": 13,
            },
            {"order": 3, "name": "Trả", "agency": agency.pk, "role": "result", "days": "1"},
        ],
        "publish": True,
    }
    data.update(extra)
    return data


def test_anonymous_reads_published_procedures_with_keyset_pages(
    make_procedure: Callable[..., Procedure], justice: Agency
) -> None:
    procedures = [make_procedure(justice) for _ in range(3)]
    draft = make_procedure(justice, publish=False)
    client = APIClient()

    first = client.get(BASE, {"page_size": 2})
    assert first.status_code == 200
    assert [p["id"] for p in first.json()["results"]] == [procedures[0].pk, procedures[1].pk]
    second = client.get(first.json()["next"])
    assert [p["id"] for p in second.json()["results"]] == [procedures[2].pk]
    assert client.get(f"{BASE}{draft.pk}/").status_code == 404

    detail = client.get(f"{BASE}{procedures[0].pk}/").json()
    assert [s["order"] for s in detail["steps"]] == [1, 2, 3]
    assert detail["components"][0]["copy_kind"] == "original"
    assert detail["web_url"] == f"/thu-tuc/{procedures[0].pk}/"


def test_api_search_is_tone_mark_insensitive_and_filters(
    make_procedure: Callable[..., Procedure], justice: Agency, home_affairs: Agency
) -> None:
    wanted = make_procedure(justice, name="Đăng ký sử dụng máy photocopy màu")
    make_procedure(home_affairs, name="Cấp giấy phép in")
    client = APIClient()
    found = client.get(BASE, {"q": "dang ky su dung may"}).json()["results"]
    assert [p["id"] for p in found] == [wanted.pk]
    by_agency = client.get(BASE, {"agency_code": home_affairs.code}).json()["results"]
    assert [p["agency_code"] for p in by_agency] == [home_affairs.code]
    assert client.get("/api/v1/catalogue/sectors/").status_code == 200


def test_agency_admin_creates_and_updates_through_the_api(
    justice: Agency, sector: Sector, justice_admin: User
) -> None:
    client = APIClient()
    client.force_authenticate(justice_admin)
    created = client.post(BASE, _payload(justice, sector), format="json")
    assert created.status_code == 201, created.json()
    procedure = Procedure.objects.get(national_code="T-CMU-777001-TT")
    assert procedure.is_published and procedure.steps.count() == 3

    changed = client.patch(
        f"{BASE}{procedure.pk}/", {"name": "Cấp giấy phép hoạt động in (sửa)"}, format="json"
    )
    assert changed.status_code == 200
    procedure.refresh_from_db()
    assert procedure.name.endswith("(sửa)")

    refused = client.patch(f"{BASE}{procedure.pk}/", {"processing_days": "20"}, format="json")
    assert refused.status_code == 400
    procedure.refresh_from_db()
    assert procedure.processing_days == 15


def test_writes_are_refused_to_others_and_change_nothing(
    justice: Agency,
    sector: Sector,
    other_admin: User,
    justice_officer: User,
    make_procedure: Callable[..., Procedure],
    db_snapshot: Callable[[], dict[str, int]],
) -> None:
    procedure = make_procedure(justice)
    before = db_snapshot()
    anonymous = APIClient()
    assert anonymous.post(BASE, _payload(justice, sector), format="json").status_code == 401
    assert anonymous.post(f"{BASE}{procedure.pk}/unpublish/").status_code == 401
    for user in (other_admin, justice_officer):
        client = APIClient()
        client.force_authenticate(user)
        assert client.post(BASE, _payload(justice, sector), format="json").status_code == 403
        assert (
            client.patch(f"{BASE}{procedure.pk}/", {"name": "X"}, format="json").status_code == 403
        )
        assert client.post(f"{BASE}{procedure.pk}/unpublish/").status_code == 403
        assert (
            client.post("/api/v1/catalogue/sectors/", {"code": "Z", "name": "Z"}).status_code == 403
        )
    assert db_snapshot() == before


def test_refusals_are_explained_in_vietnamese(
    justice: Agency, sector: Sector, other_admin: User, justice_officer: User
) -> None:
    officer, admin = APIClient(), APIClient()
    officer.force_authenticate(justice_officer)
    admin.force_authenticate(other_admin)
    editors_only = "Chỉ quản trị hệ thống và quản trị cơ quan được sửa danh mục thủ tục."
    refused = officer.post(BASE, _payload(justice, sector), format="json")
    assert (refused.status_code, refused.json()) == (403, {"detail": editors_only})
    for client in (officer, admin):
        refused = client.post("/api/v1/catalogue/sectors/", {"code": "Z", "name": "Z"})
        assert (refused.status_code, refused.json()) == (
            403,
            {"detail": "Chỉ quản trị hệ thống được sửa lĩnh vực."},
        )


def test_steps_that_do_not_add_up_are_a_400_naming_the_problem(
    justice: Agency, sector: Sector, sysadmin: User
) -> None:
    client = APIClient()
    client.force_authenticate(sysadmin)
    response = client.post(BASE, _payload(justice, sector, processing_days="16"), format="json")
    assert response.status_code == 400
    assert "steps" in response.json()
    assert not Procedure.objects.exists()
