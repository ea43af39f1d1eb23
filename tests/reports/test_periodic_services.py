"""Periodic reporting through its services: forms as data, versions, filling in, the XLSX,
submitting, returning, the aggregate with its gaps, late reports, pre-filled figures."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import load_workbook

from lienthong.core.models import AuditEvent
from lienthong.reports import services
from lienthong.reports.aggregation import aggregate
from lienthong.reports.constants import ReportStatus
from lienthong.reports.models import AgencyReport, FormVersion, ReportValue
from lienthong.reports.services import IndicatorSpec

from .periodic import INDICATORS, Reporting


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The messages are checked in English (the msgids), whatever language ran before."""
    with translation.override("en"):
        yield


def _fill(
    r: Reporting, index: int, dossiers: int, on_time: int, late: int, **more: str
) -> AgencyReport:
    report = r.report(index)
    values = {"DOSSIERS": str(dossiers), "ON_TIME": str(on_time), "LATE": str(late), **more}
    return services.save_values(report=report, actor=r.officers[index], values=values)


def test_a_cycle_or_a_missing_code_is_refused_when_the_form_is_saved(reporting: Reporting) -> None:
    before = FormVersion.objects.count()
    bad = [
        *INDICATORS[:3],
        IndicatorSpec("X", "X", "decimal", formula="Y + 1"),
        IndicatorSpec("Y", "Y", "decimal", formula="X * 2"),
        IndicatorSpec("Z", "Z", "decimal", formula="DOSSIERS / MISSING"),
        IndicatorSpec("W", "W", "text", formula="DOSSIERS"),
    ]
    with pytest.raises(ValidationError) as caught:
        services.save_form_version(form=reporting.form, indicators=bad, actor=None)
    errors = caught.value.message_dict
    assert "circle" in errors["X"][0] and "circle" in errors["Y"][0]
    assert "MISSING" in errors["Z"][0]
    assert "numeric" in errors["W"][0]
    assert FormVersion.objects.count() == before


def test_a_changed_form_does_not_rewrite_the_open_periods_reports(reporting: Reporting) -> None:
    _fill(reporting, 0, 10, 8, 2)
    changed = [IndicatorSpec("DOSSIERS", "Tổng hồ sơ", "integer", required=True)]
    version = services.save_form_version(form=reporting.form, indicators=changed, actor=None)
    assert version.number == 2
    report = reporting.report(0)
    assert report.period.version.number == 1
    assert report.period.version.indicators.count() == len(INDICATORS)
    assert report.values.get(indicator__code="RATE").number == Decimal("80.0000")


def test_every_wrong_input_is_named_against_its_indicator_and_nothing_is_stored(
    reporting: Reporting,
) -> None:
    report = reporting.report(0)
    with pytest.raises(ValidationError) as caught:
        services.save_values(
            report=report,
            actor=reporting.officers[0],
            values={
                "DOSSIERS": "12.5",
                "ON_TIME": "abc",
                "LATE": "-1",
                "SHARE": "120",
                "ISO": "Maybe",
            },
        )
    errors = caught.value.message_dict
    assert "whole number" in errors["DOSSIERS"][0]
    assert "not a number" in errors["ON_TIME"][0]
    assert "At least 0" in errors["LATE"][0]
    assert "At most 100" in errors["SHARE"][0]
    assert "Có" in errors["ISO"][0]
    assert not ReportValue.objects.filter(report=report).exists()


def test_derived_indicators_are_computed_from_the_values(reporting: Reporting) -> None:
    report = _fill(reporting, 0, 40, 30, 10, SHARE="9,62", ISO="Có", NOTE="Không")
    values = {v.indicator.code: v for v in report.values.select_related("indicator")}
    assert values["RATE"].number == Decimal("75.0000")
    assert values["SHARE"].number == Decimal("9.6200")
    assert values["ISO"].text == "Có"


def test_submitting_needs_the_leader_and_every_required_indicator(reporting: Reporting) -> None:
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values={"DOSSIERS": "5"})
    with pytest.raises(PermissionDenied):
        services.submit_report(report=report, actor=reporting.officers[0])
    with pytest.raises(PermissionDenied):
        services.submit_report(report=report, actor=reporting.leaders[1])  # another district
    with pytest.raises(ValidationError) as caught:
        services.submit_report(report=report, actor=reporting.leaders[0])
    assert set(caught.value.message_dict) == {"ON_TIME", "LATE"}
    assert reporting.report(0).status == ReportStatus.DRAFT
    _fill(reporting, 0, 5, 5, 0)
    services.submit_report(report=report, actor=reporting.leaders[0])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == reporting.leaders[0]
    with pytest.raises(PermissionDenied):  # a submitted report is with the province
        services.save_values(report=report, actor=reporting.officers[0], values={"DOSSIERS": "6"})
    assert AuditEvent.objects.filter(action="reports.submit").count() == 1


def test_the_aggregate_sums_counted_reports_shows_gaps_and_follows_a_return(
    reporting: Reporting,
) -> None:
    for index, (dossiers, on_time, late, share) in enumerate(
        [(40, 30, 10, "10"), (60, 60, 0, "20")]
    ):
        _fill(reporting, index, dossiers, on_time, late, SHARE=share)
        services.submit_report(report=reporting.report(index), actor=reporting.leaders[index])
    result = aggregate(reporting.period, date(2012, 6, 20))
    rows = {row.indicator.code: row for row in result.rows}
    assert rows["DOSSIERS"].value == Decimal(100)
    assert rows["RATE"].value == Decimal("90.00")  # recomputed from the totals: 90 / 100
    assert rows["SHARE"].value == Decimal("15.00")
    assert rows["ISO"].value is None and rows["ISO"].reported == 0
    assert result.gaps == []

    with pytest.raises(ValidationError):  # a return needs its reason
        services.return_report(report=reporting.report(1), actor=reporting.receiver, reason=" ")
    with pytest.raises(PermissionDenied):  # the district does not return its own report
        services.return_report(report=reporting.report(1), actor=reporting.leaders[1], reason="x")
    services.return_report(report=reporting.report(1), actor=reporting.receiver, reason="Sai số")
    result = aggregate(reporting.period, date(2012, 6, 20))
    rows = {row.indicator.code: row for row in result.rows}
    assert rows["DOSSIERS"].value == Decimal(40) and rows["DOSSIERS"].reported == 1
    assert rows["RATE"].value == Decimal("75.00")
    assert [r.agency for r in result.gaps] == [reporting.districts[1]]
    # Back with its agency: corrected and submitted again.
    _fill(reporting, 1, 60, 50, 10)
    services.submit_report(report=reporting.report(1), actor=reporting.leaders[1])
    services.accept_report(report=reporting.report(1), actor=reporting.receiver)
    assert aggregate(reporting.period, date(2012, 6, 20)).rows[0].value == Decimal(100)


def test_late_and_missing_reports(reporting: Reporting) -> None:
    assert reporting.period.deadline == date(2012, 6, 19)
    _fill(reporting, 0, 1, 1, 0)
    services.submit_report(report=reporting.report(0), actor=reporting.leaders[0])
    reports = AgencyReport.objects.filter(period=reporting.period)
    # Submitted today, years after the deadline: late.
    assert reporting.report(0) in reports.late(date(2012, 6, 1))
    reports.filter(agency=reporting.districts[0]).update(
        submitted_at=datetime(2012, 6, 18, 9, tzinfo=UTC)
    )
    assert not reports.late(date(2012, 6, 19)).exists()
    late = list(reports.late(date(2012, 6, 20)))
    assert late == [reporting.report(1)]
    assert list(reports.missing(date(2012, 6, 20))) == [reporting.report(1)]


def test_the_period_is_opened_by_the_aggregating_agency_once(reporting: Reporting) -> None:
    with pytest.raises(PermissionDenied):
        services.open_period(form=reporting.form, actor=reporting.officers[0], year=2012, number=3)
    with pytest.raises(ValidationError, match="already open"):
        services.open_period(form=reporting.form, actor=reporting.receiver, year=2012, number=2)
    with pytest.raises(ValidationError):
        services.open_period(form=reporting.form, actor=reporting.receiver, year=2012, number=5)
    period = services.open_period(
        form=reporting.form, actor=reporting.receiver, year=2012, number=3
    )
    assert period.reports.count() == 2
    assert (period.starts_on, period.ends_on) == (date(2012, 6, 15), date(2012, 9, 14))


def _xlsx(report: AgencyReport, changes: dict[str, Any]) -> bytes:
    book = load_workbook(io.BytesIO(services.form_xlsx(report)))
    sheet = book.active
    assert sheet is not None
    for cell, value in changes.items():
        sheet[cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_forms_spreadsheet_is_read_back_cell_by_cell(reporting: Reporting) -> None:
    report = reporting.report(0)
    # Rows from 3 in the form's order: DOSSIERS, ON_TIME, LATE, RATE, SHARE, ISO, NOTE.
    bad = _xlsx(report, {"D3": 12, "D4": "mười", "D5": 1.5, "D8": "Có lẽ", "A10": "UNKNOWN"})
    with pytest.raises(ValidationError) as caught:
        services.upload_form(report=report, actor=reporting.officers[0], content=bad)
    messages = " | ".join(caught.value.messages)
    assert "D4 (ON_TIME)" in messages and "D5 (LATE)" in messages and "D8 (ISO)" in messages
    assert "A10" in messages and "D3" not in messages
    assert not report.values.exists()
    good = _xlsx(report, {"D3": 12, "D4": 9, "D5": 3, "D8": "Có", "E3": "Sổ một cửa"})
    services.upload_form(report=report, actor=reporting.officers[0], content=good)
    values = {v.indicator.code: v for v in report.values.select_related("indicator")}
    assert values["DOSSIERS"].number == 12 and values["DOSSIERS"].note == "Sổ một cửa"
    assert values["RATE"].number == Decimal("75.0000")
    with pytest.raises(ValidationError, match="not an XLSX"):
        services.upload_form(report=report, actor=reporting.officers[0], content=b"PK\x03\x04junk")


def test_a_prefilled_figure_is_corrected_only_with_a_note(reporting: Reporting) -> None:
    specs = [IndicatorSpec("IN", "Văn bản đến", "integer", source="documents_received")]
    services.save_form_version(form=reporting.form, indicators=specs, actor=None)
    period = services.open_period(
        form=reporting.form, actor=reporting.receiver, year=2012, number=3
    )
    report = period.reports.get(agency=reporting.districts[0])
    value = report.values.get()
    assert value.prefilled == 0 and value.number == 0  # the district registered nothing
    with pytest.raises(ValidationError, match="corrected"):
        services.save_values(report=report, actor=reporting.officers[0], values={"IN": "7"})
    services.save_values(
        report=report,
        actor=reporting.officers[0],
        values={"IN": "7"},
        notes={"IN": "Văn bản giấy chưa vào phần mềm"},
    )
    value.refresh_from_db()
    assert (value.number, value.prefilled, value.note) == (7, 0, "Văn bản giấy chưa vào phần mềm")


def test_an_unknown_source_is_refused(reporting: Reporting) -> None:
    specs = [IndicatorSpec("IN", "Văn bản đến", "integer", source="nowhere")]
    with pytest.raises(ValidationError, match="nowhere"):
        services.save_form_version(form=reporting.form, indicators=specs, actor=None)


def test_reminders_go_to_agencies_still_filling_in_once_a_day(reporting: Reporting) -> None:
    from lienthong.notifications.models import Notification
    from lienthong.reports.reminders import send_report_reminders

    _fill(reporting, 0, 1, 1, 0)
    services.submit_report(report=reporting.report(0), actor=reporting.leaders[0])
    assert send_report_reminders(today=date(2012, 6, 10)) == 0  # too early
    assert send_report_reminders(today=date(2012, 6, 17)) == 1  # only the district not in
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {reporting.officers[1].pk, reporting.leaders[1].pk}
    assert send_report_reminders(today=date(2012, 6, 17)) == 0  # once a day
    assert send_report_reminders(today=date(2012, 6, 18)) == 1
    assert send_report_reminders(today=date(2012, 6, 20)) == 0  # past the deadline: late list
