"""The API of periodic reporting: forms, a period with its aggregate, a report and its figures
(errors by indicator code, nothing saved), scoped like the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from lienthong.reports.models import ReportValue

from .periodic import Reporting

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_reads_forms_periods_and_saves_figures(reporting: Reporting) -> None:
    report = reporting.report(0)
    officer = _client(reporting.officers[0])
    url = f"/api/v1/reports/agency-reports/{report.pk}/values/"
    wrong = officer.post(
        url, {"values": {"DOSSIERS": "abc", "ON_TIME": 3}}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "DOSSIERS" in wrong.json()
    assert not ReportValue.objects.filter(report=report).exists()
    saved = officer.post(
        url,
        {"values": {"DOSSIERS": 10, "ON_TIME": 9, "LATE": 1}, "notes": {"LATE": "Sổ"}},
        content_type="application/json",
    )
    assert saved.status_code == 200
    values = {v["code"]: v for v in saved.json()["values"]}
    assert values["RATE"]["number"] == "90" and values["LATE"]["note"] == "Sổ"
    other = _client(reporting.officers[1])
    assert other.get(f"/api/v1/reports/agency-reports/{report.pk}/").status_code == 404
    assert (
        other.post(url, {"values": {"DOSSIERS": 1}}, content_type="application/json").status_code
        == 404
    )

    receiver = _client(reporting.receiver)
    forms = receiver.get("/api/v1/reports/forms/").json()
    assert [f["code"] for f in forms] == ["quy"] and len(forms[0]["indicators"]) == 7
    assert other.get("/api/v1/reports/forms/").json() == []
    period = receiver.get(f"/api/v1/reports/periods/{reporting.period.pk}/").json()
    assert period["deadline"] == "2012-06-19"
    assert {r["status"] for r in period["reports"]} == {"draft"}
    assert all(row["value"] is None for row in period["aggregate"])
    assert len(period["gaps"]) == 2
    assert other.get(f"/api/v1/reports/periods/{reporting.period.pk}/").status_code == 404
