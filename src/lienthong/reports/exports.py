"""The report as an XLSX workbook (one sheet per table)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lienthong.core.spreadsheets import append_row

from .indicators import Report


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    for cell in append_row(sheet, header):
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    ind = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    _sheet(
        workbook,
        _("Agencies"),
        [
            _("Agency"),
            _("Dossiers"),
            *[_("Indicator %s") % i for i in ind],
            _("Total"),
            _("Out of"),
            _("On the 18-point scale"),
            _("Rating"),
        ],
        [
            [
                r["agency"],
                r["dossiers"],
                *[r[f"i{i}"] for i in ind],
                r["total"],
                r["max_total"],
                r["scaled_total"],
                r["band"],
            ]
            for r in report.agencies
        ],
    )
    per = ["1", "2", "3", "4", "7"]
    _sheet(
        workbook,
        _("Officers"),
        [
            _("Officer"),
            _("Agency"),
            _("Dossiers"),
            *[_("Indicator %s") % i for i in per],
            _("Total"),
            _("Rating"),
        ],
        [
            [
                r["officer"],
                r["agency"],
                r["dossiers"],
                *[r[f"i{i}"] for i in per],
                r["total"],
                r["band"],
            ]
            for r in report.officers
        ],
    )
    dossier_ind = ["1", "2", "3", "4", "6", "7"]
    _sheet(
        workbook,
        _("Dossiers"),
        [
            _("Dossier code"),
            _("Procedure"),
            _("Agency"),
            _("Outcome"),
            *[_("Indicator %s") % i for i in dossier_ind],
            _("Total"),
        ],
        [
            [
                r["code"],
                r["procedure__name"],
                r["agency__name"],
                r["outcome_label"],
                *[r[f"i{i}"] for i in dossier_ind],
                r["total"],
            ]
            for r in report.dossiers
        ],
    )
    rate_header = [_("Closed"), _("Early"), _("On time"), _("Late"), _("On-time rate (%)")]

    def rates(r: dict[str, Any]) -> list[Any]:
        return [r["closed"], r["early"], r["on_time"], r["late"], r["on_time_rate"]]

    _sheet(
        workbook,
        _("On time by agency"),
        [_("Agency"), *rate_header],
        [[r["agency__name"], *rates(r)] for r in report.on_time_by_agency],
    )
    _sheet(
        workbook,
        _("On time by procedure"),
        [_("Procedure"), *rate_header],
        [[r["procedure__name"], *rates(r)] for r in report.on_time_by_procedure],
    )
    _sheet(
        workbook,
        _("On time by month"),
        [_("Month"), *rate_header],
        [[r["month"].strftime("%m/%Y"), *rates(r)] for r in report.on_time_by_month],
    )
    _sheet(
        workbook,
        _("Satisfaction"),
        [
            _("Agency"),
            _("Ratings"),
            _("Average (1-4)"),
            _("Very satisfied"),
            _("Satisfied"),
            _("Neutral"),
            _("Dissatisfied"),
            _("Satisfied (%)"),
        ],
        [
            [
                r["name"],
                r["ratings"],
                r["average"],
                r["very_satisfied"],
                r["satisfied"],
                r["neutral"],
                r["dissatisfied"],
                r["satisfied_rate"],
            ]
            for r in report.satisfaction_by_agency
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def statistics_xlsx(year: int, months: list[Any], types: list[Any]) -> bytes:
    """The statistics page's two tables as a workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Theo thang"
    append_row(sheet, [f"Thống kê văn bản năm {year}"])
    append_row(sheet, ["Tháng", "Văn bản đến", "Văn bản đi"])
    for bar in months:
        append_row(sheet, [bar.label, bar.incoming, bar.outgoing])
    by_type = book.create_sheet("Theo loai")
    append_row(by_type, ["Loại văn bản", "Văn bản đến", "Văn bản đi"])
    for bar in types:
        append_row(by_type, [bar.label, bar.incoming, bar.outgoing])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tables_xlsx(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """Sheets of (title, header, rows): the leaders' dashboard and the Decision 766 index."""
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        _sheet(workbook, title, header, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
