"""The Decision 766 index from one-stop data: each component a share of real rows, a component
without data left out of the total (never counted as 0), the page and its export scoped to the
leader's agency."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency
from lienthong.dvcqg.models import StatusPush
from lienthong.onestop.models import Dossier
from lienthong.reports import index766
from tests.onestop.conftest import make_user
from tests.reports.dates import month

PERIOD = month()


@pytest.mark.django_db
def test_components_are_shares_of_the_dossiers_and_missing_data_is_left_out(
    three_dossiers: list[Dossier], world: Any
) -> None:
    [dept] = [
        i for i in index766.compute(Agency.objects.all(), *PERIOD) if i.agency_id == world.dept.pk
    ]
    scores = {s.component.key: s for s in dept.scores}
    # A early, B on time, C late; all filed on-line; A very satisfied, B neutral, C dissatisfied.
    assert (scores["on_time"].part, scores["on_time"].whole) == (2, 3)
    assert scores["on_time"].points == Decimal("13.33")
    assert (scores["dossiers_online"].part, scores["dossiers_online"].whole) == (3, 3)
    assert (scores["satisfied"].part, scores["satisfied"].whole) == (1, 3)
    assert (scores["results_electronic"].part, scores["results_electronic"].whole) == (3, 3)
    # No data: no fee, nothing filed on paper, feedback not held by the one-stop data.
    for key in ("paid_online", "digitised", "feedback"):
        assert not scores[key].has_data and scores[key].points is None
    assert scores["synchronised"].has_data == StatusPush.objects.exists()
    with_data = [s for s in dept.scores if s.has_data]
    assert dept.max_points == sum(s.component.points for s in with_data) < 100
    expected = (dept.points * 100 / dept.max_points).quantize(Decimal("0.1"))
    assert dept.index == expected


@pytest.mark.django_db
def test_the_page_and_export_show_the_leaders_agency_only(
    three_dossiers: list[Dossier], world: Any
) -> None:
    client = Client()
    client.force_login(world.leader)
    query = {"tu": PERIOD[0].isoformat(), "den": PERIOD[1].isoformat()}
    page = client.get("/bao-cao/chi-so-766/", query)
    assert page.status_code == 200
    assert [i.agency_id for i in page.context["indexes"]] == [world.dept.pk]
    export = client.get("/bao-cao/chi-so-766/", {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert row[0] == world.dept.name
    on_time = next(n for n, name in enumerate(header) if "2." in str(name))
    assert row[on_time] == pytest.approx(66.7)
    feedback = [c.key for c in index766.COMPONENTS].index("feedback") + 1
    assert row[feedback] is None  # no data, not 0
    api = client.get("/api/v1/reports/index-766/", query).json()
    [agency] = api["agencies"]
    assert agency["agency_id"] == world.dept.pk and agency["index"] == str(
        page.context["indexes"][0].index
    )
    components = {c["key"]: c for c in agency["components"]}
    assert (components["on_time"]["counted"], components["on_time"]["of"]) == (2, 3)
    assert components["feedback"]["points"] is None and components["feedback"]["counted"] is None
    specialist_client = Client()
    specialist_client.force_login(world.bc_handler)
    assert specialist_client.get("/bao-cao/chi-so-766/").status_code == 404
    assert specialist_client.get("/api/v1/reports/index-766/").status_code == 404
    outsider = Client()
    outsider.force_login(make_user(world.other, [Role.AGENCY_LEADER], None, "giamdoc.khdt"))
    other_page = outsider.get("/bao-cao/chi-so-766/", query)
    assert world.dept.pk not in [i.agency_id for i in other_page.context["indexes"]]
    assert (
        outsider.get("/bao-cao/chi-so-766/", {**query, "co_quan": world.dept.pk}).status_code == 404
    )
