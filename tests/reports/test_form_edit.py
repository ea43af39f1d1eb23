"""The report officer's page to edit a form: a new version with its indicators; a formula with
an unknown code or a cycle is refused with nothing saved; open periods keep their version."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from lienthong.reports.models import FormVersion

from .periodic import INDICATORS, Reporting

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(specs: list[dict[str, str]]) -> dict[str, str]:
    data = {"rows": str(len(specs)), "note": "Thêm chỉ tiêu"}
    for n, spec in enumerate(specs):
        data.update({f"i{n}-{k}": v for k, v in spec.items()})
    return data


def test_the_aggregating_report_officer_saves_a_new_version(reporting: Reporting) -> None:
    url = f"/bao-cao/dinh-ky/bieu-mau/{reporting.form.pk}/sua/"
    client = _client(reporting.receiver)
    page = client.get(url)
    assert page.status_code == 200
    # The current indicators are offered for editing (and three blank rows).
    assert len(page.context["rows"]) == len(INDICATORS) + 3
    assert page.context["rows"][3]["formula"] == "ROUND(ON_TIME / (ON_TIME + LATE) * 100, 2)"
    assert page.context["rows"][5]["choices"] == "Có; Không"
    specs = [
        {
            "code": "IN",
            "name": "Văn bản đến",
            "type": "integer",
            "aggregation": "sum",
            "min_value": "0",
        },
        {"code": "OUT", "name": "Văn bản đi", "type": "integer", "aggregation": "sum"},
        {
            "code": "ALL",
            "name": "Tổng",
            "type": "integer",
            "aggregation": "formula",
            "formula": "IN + OUT + MISSING",
        },
    ]
    with translation.override("en"):
        refused = client.post(url, _rows(specs))
    assert refused.status_code == 400
    assert "MISSING" in refused.content.decode()
    assert FormVersion.objects.filter(form=reporting.form).count() == 1
    specs[2]["formula"] = "IN + OUT"
    specs.append(
        {"code": "GONE", "name": "Bỏ", "type": "text", "aggregation": "none", "remove": "on"}
    )
    saved = client.post(url, _rows(specs))
    assert saved.status_code == 302
    version = reporting.form.current_version()
    assert version is not None and version.number == 2 and version.note == "Thêm chỉ tiêu"
    assert [i.code for i in version.indicators.all()] == ["IN", "OUT", "ALL"]
    assert version.formula_order == ["ALL"]
    reporting.period.refresh_from_db()
    assert reporting.period.version.number == 1  # the open period keeps its version


def test_a_cycle_is_refused_and_others_may_not_edit(reporting: Reporting) -> None:
    url = f"/bao-cao/dinh-ky/bieu-mau/{reporting.form.pk}/sua/"
    specs = [
        {"code": "A", "name": "A", "type": "integer", "aggregation": "formula", "formula": "B + 1"},
        {"code": "B", "name": "B", "type": "integer", "aggregation": "formula", "formula": "A + 1"},
    ]
    assert _client(reporting.receiver).post(url, _rows(specs)).status_code == 400
    assert FormVersion.objects.filter(form=reporting.form).count() == 1
    for user in (reporting.officers[0], reporting.leaders[0]):
        client = _client(user)
        assert client.get(url).status_code == 404
        specs[1]["formula"] = "1"
        assert client.post(url, _rows(specs)).status_code == 404
    assert FormVersion.objects.filter(form=reporting.form).count() == 1
