"""The leaders' page, its XLSX export and the API: same figures, scoped to the viewer."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from lienthong.accounts.constants import Role
from tests.onestop.conftest import make_user
from tests.reports.dates import month

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_page_shows_the_agency_figures_to_its_leader(three_dossiers, world) -> None:
    page = _client(world.leader).get("/bao-cao/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đánh giá giải quyết thủ tục hành chính" in text
    assert world.dept.name in text and "Khá" in text and "10,8" in text
    assert world.bc_handler.full_name in text and "Hoàn thành 100% nhiệm vụ" in text
    # Officers of the other agency are not the leader's to see.
    assert world.other_handler.full_name not in text
    assert three_dossiers[0].code in text
    # A period with nothing in it.
    empty = _client(world.leader).get("/bao-cao/?start=2027-01-01&end=2027-01-31")
    assert empty.status_code == 200
    assert "Không có hồ sơ nào có kết quả trong kỳ này." in empty.content.decode()


def test_period_ending_before_it_starts_is_refused(three_dossiers, world) -> None:
    page = _client(world.leader).get("/bao-cao/?start=2026-12-31&end=2026-12-01")
    assert page.status_code == 400
    assert "Ngày kết thúc của kỳ báo cáo trước ngày bắt đầu." in page.content.decode()
    api = _client(world.leader).get("/api/v1/reports/one-stop/?start=2026-12-31&end=2026-12-01")
    assert api.status_code == 400
    bad_agency = _client(world.leader).get(f"/bao-cao/?agency={world.other.pk}")
    assert bad_agency.status_code == 400  # not an agency the leader may choose


def test_only_leaders_and_administrators_read_the_report(three_dossiers, world) -> None:
    for user in (None, world.citizen, world.bc_handler, world.counter, world.clerk):
        assert _client(user).get("/bao-cao/").status_code in {302, 403, 404}, user
        assert _client(user).get("/bao-cao/xlsx/").status_code in {302, 403, 404}, user
        assert _client(user).get("/api/v1/reports/one-stop/").status_code in {401, 403, 404}
    # The leader of another agency sees nothing of this one.
    other = _client(world.outsider).get("/api/v1/reports/one-stop/")
    assert other.status_code == 200
    assert other.json()["agencies"] == [] and other.json()["dossiers"] == []
    admin = make_user(None, [Role.SYSTEM_ADMIN], None, "quantri")
    data = _client(admin).get("/api/v1/reports/one-stop/").json()
    names = {row["officer"] for row in data["officers"]}
    assert world.other_handler.full_name in names  # an administrator sees every agency


def test_api_and_xlsx_give_the_same_figures(three_dossiers, world) -> None:
    data = (
        _client(world.leader).get(f"/api/v1/reports/one-stop/?end={month()[1].isoformat()}").json()
    )
    [agency] = data["agencies"]
    assert (agency["i1"], agency["i2"], agency["i3"], agency["i9"]) == (1.0, 0.7, 1.7, 0)
    assert (agency["scaled_total"], agency["band"]) == (10.8, "Khá")
    assert data["on_time_by_agency"][0]["on_time_rate"] == 66.7
    assert data["satisfaction_by_agency"][0]["average"] == 2.3
    assert data["period"] == {"start": None, "end": month()[1].isoformat()}

    response = _client(world.leader).get(f"/bao-cao/xlsx/?end={month()[1].isoformat()}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["Cơ quan", "Cán bộ, công chức", "Hồ sơ"]
    rows = list(book["Cơ quan"].iter_rows(values_only=True))
    assert rows[0][0] == "Cơ quan" and rows[1][0] == world.dept.name
    assert rows[1][-2:] == (10.8, "Khá")
    dossier_codes = [r[0] for r in book["Hồ sơ"].iter_rows(min_row=2, values_only=True)]
    assert sorted(dossier_codes) == sorted(d.code for d in three_dossiers)


def test_menu_links_to_the_report_for_leaders_only(world) -> None:
    link = 'href="/bao-cao/"'
    assert link in _client(world.leader).get("/bang-dieu-khien/").content.decode()
    assert link not in _client(world.bc_handler).get("/bang-dieu-khien/").content.decode()
