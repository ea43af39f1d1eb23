"""The leaders' document statistics: counts by month and type computed in SQL, scoped to the
leader's agency, each figure linking to the list behind it; the XLSX export."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lienthong.accounts.constants import Role
from tests.documents.conftest import clerk, register_incoming  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_leader_sees_the_agency_documents_by_month_and_drills_down(
    register_incoming,  # noqa: F811
    two_agencies,
    user_factory,
) -> None:
    first = register_incoming()
    register_incoming(subject="Công văn thứ hai về cải cách hành chính")
    leader = user_factory(two_agencies[0], [Role.AGENCY_LEADER])
    other_leader = user_factory(two_agencies[1], [Role.AGENCY_LEADER])
    client = Client()
    client.force_login(leader)
    year = timezone.localdate().year
    month = timezone.localdate().month
    page = client.get(f"/bao-cao/thong-ke/?nam={year}")
    assert page.status_code == 200
    text = page.content.decode()
    data = json.loads(
        re.search(
            r'<script id="month-data" type="application/json">(.*?)</script>', text, re.S
        ).group(1)
    )
    assert data["datasets"][0]["data"][month - 1] == 2
    assert sum(data["datasets"][0]["data"]) == 2 and sum(data["datasets"][1]["data"]) == 0
    url = data["datasets"][0]["urls"][month - 1]
    assert url.startswith("/van-ban-den/?date_from=")
    listed = client.get(url)
    assert listed.status_code == 200 and first.subject in listed.content.decode()
    assert "<script>" not in text  # no inline script: the data sits in json_script elements
    # The line of the year so far: flat before this month, two at this month, where it stops
    # (no point for a month still to come); a point's link lists the year from 1 January to
    # the end of its month. Last year's line has its twelve months.
    line = json.loads(
        re.search(
            r'<script id="cumulative-data" type="application/json">(.*?)</script>', text, re.S
        ).group(1)
    )
    assert line["datasets"][0]["data"] == [0] * (month - 1) + [2]
    last_year = client.get(f"/bao-cao/thong-ke/?nam={year - 1}").content.decode()
    assert re.search(r'id="cumulative-data"[^>]*>\{"labels": \[("\d\d/\d{4}", ){11}"12/', last_year)
    assert 'data-type="line"' in text
    since_january = line["datasets"][0]["urls"][month - 1]
    assert f"date_from={year}-01-01" in since_january
    assert first.subject in client.get(since_january).content.decode()
    # Another agency's leader counts none of them; an officer does not see the page.
    other = Client()
    other.force_login(other_leader)
    other_data = other.get(f"/bao-cao/thong-ke/?nam={year}").content.decode()
    assert '"data": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]' in other_data
    officer = Client()
    officer.force_login(user_factory(two_agencies[0], [Role.SPECIALIST]))
    assert officer.get("/bao-cao/thong-ke/").status_code == 404
    export = client.get(f"/bao-cao/thong-ke/?nam={year}&format=xlsx")
    book = load_workbook(io.BytesIO(export.content))
    assert book["Theo thang"].cell(row=2 + month, column=2).value == 2
    assert book["Theo loai"].cell(row=2, column=1).value == "Quyết định"
