"""The periodic reporting pages: fill in with per-field errors, submit, return, the period's
collection and aggregate; another agency's report is a 404 and nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client

from lienthong.reports.constants import ReportStatus
from lienthong.reports.models import ReportValue

from .periodic import Reporting

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_district_fills_sees_its_errors_and_submits(reporting: Reporting) -> None:
    report = reporting.report(0)
    officer = _client(reporting.officers[0])
    page = officer.get(f"/bao-cao/dinh-ky/bao-cao/{report.pk}/")
    assert page.status_code == 200 and "Hồ sơ tiếp nhận" in page.content.decode()
    wrong = officer.post(
        f"/bao-cao/dinh-ky/bao-cao/{report.pk}/",
        {"v_DOSSIERS": "mười", "v_ON_TIME": "8", "v_LATE": "2", "n_DOSSIERS": "ghi chú"},
    )
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert 'id="e_DOSSIERS"' in text and 'value="mười"' in text  # what was typed is kept
    assert 'id="e_ON_TIME"' not in text
    assert not ReportValue.objects.filter(report=report).exists()
    saved = officer.post(
        f"/bao-cao/dinh-ky/bao-cao/{report.pk}/",
        {"v_DOSSIERS": "10", "v_ON_TIME": "8", "v_LATE": "2"},
    )
    assert saved.status_code == 302
    assert report.values.get(indicator__code="RATE").number == 80
    # The officer cannot submit; the leader can.
    assert officer.post(f"/bao-cao/dinh-ky/bao-cao/{report.pk}/gui/").status_code == 404
    leader = _client(reporting.leaders[0])
    assert leader.post(f"/bao-cao/dinh-ky/bao-cao/{report.pk}/gui/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_another_agency_gets_404_and_changes_nothing(reporting: Reporting) -> None:
    report = reporting.report(0)
    other = _client(reporting.officers[1])
    url = f"/bao-cao/dinh-ky/bao-cao/{report.pk}/"
    assert other.get(url).status_code == 404
    assert other.post(url, {"v_DOSSIERS": "5"}).status_code == 404
    assert other.get(url + "xlsx/").status_code == 404
    assert other.get(f"/bao-cao/dinh-ky/ky/{reporting.period.pk}/").status_code == 404
    assert not ReportValue.objects.filter(report=report).exists()


def test_the_province_returns_a_report_and_the_period_page_shows_the_gap(
    reporting: Reporting,
) -> None:
    report = reporting.report(0)
    _client(reporting.officers[0]).post(
        f"/bao-cao/dinh-ky/bao-cao/{report.pk}/",
        {"v_DOSSIERS": "10", "v_ON_TIME": "8", "v_LATE": "2"},
    )
    _client(reporting.leaders[0]).post(f"/bao-cao/dinh-ky/bao-cao/{report.pk}/gui/")
    receiver = _client(reporting.receiver)
    period = receiver.get(f"/bao-cao/dinh-ky/ky/{reporting.period.pk}/")
    assert period.status_code == 200
    assert "1 of 2" in period.content.decode() or "1/2" in period.content.decode()
    no_reason = receiver.post(
        f"/bao-cao/dinh-ky/bao-cao/{report.pk}/xu-ly/", {"decision": "return", "reason": ""}
    )
    assert no_reason.status_code == 400
    returned = receiver.post(
        f"/bao-cao/dinh-ky/bao-cao/{report.pk}/xu-ly/",
        {"decision": "return", "reason": "Số liệu quá hạn chưa khớp"},
    )
    assert returned.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    page = receiver.get(f"/bao-cao/dinh-ky/ky/{reporting.period.pk}/").content.decode()
    assert "Số liệu quá hạn chưa khớp" in page and 'id="gaps"' in page


def test_the_aggregating_agency_opens_a_period_from_the_form_page(reporting: Reporting) -> None:
    receiver = _client(reporting.receiver)
    url = f"/bao-cao/dinh-ky/bieu-mau/{reporting.form.pk}/"
    assert receiver.get(url).status_code == 200
    assert receiver.post(url, {"year": "2012", "number": "9"}).status_code == 400
    opened = receiver.post(url, {"year": "2012", "number": "3"})
    assert opened.status_code == 302
    assert reporting.form.periods.count() == 2
    assert _client(reporting.officers[0]).get(url).status_code == 404


def test_the_menu_and_list_show_my_reports(reporting: Reporting) -> None:
    page = _client(reporting.officers[0]).get("/bao-cao/dinh-ky/")
    assert page.status_code == 200
    assert f"/bao-cao/dinh-ky/bao-cao/{reporting.report(0).pk}/" in page.content.decode()
    assert f"/bao-cao/dinh-ky/bao-cao/{reporting.report(1).pk}/" not in page.content.decode()
