"""Reports as PDF (WeasyPrint, as training certificates and records exports are made): a
period's aggregate, the leader's dashboard tables and the Decision 766 index for printing, and
an agency's report as the document its leader signs when the form says it is submitted as a
signed document. Tables of more than `LANDSCAPE_FROM` columns are set on A4 landscape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .aggregation import Aggregate
from .models import AgencyReport

LANDSCAPE_FROM = 6


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "normalize"):  # Decimal: no trailing zeros, Vietnamese decimal comma
        text = format(value.normalize(), "f")
        return text.replace(".", ",")
    if isinstance(value, float):  # shares and points of the exports: the decimal comma too
        return str(value).replace(".", ",")
    return str(value)


def _pdf(html: str) -> bytes:
    # Deliberately lazy: WeasyPrint loads Pango and its fonts on import; only PDFs need it.
    from weasyprint import HTML, URLFetcher  # noqa: PLC0415

    document: Any = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def tables_pdf(title: str, subtitle: str, tables: list[Table]) -> bytes:
    """Tables under a title, one after the other; landscape when one of them is wide."""
    wide = any(len(t.header) > LANDSCAPE_FROM for t in tables)
    shown = [
        {"title": t.title, "header": t.header, "rows": [[_shown(c) for c in r] for r in t.rows]}
        for t in tables
    ]
    html = render_to_string(
        "reports/pdf/tables.html",
        {
            "title": title,
            "subtitle": subtitle,
            "tables": shown,
            "landscape": wide,
            "made": timezone.localtime(),
        },
    )
    return _pdf(html)


def aggregate_tables(result: Aggregate) -> list[Table]:
    figures = Table(
        "Tổng hợp số liệu",
        ["Mã", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp", "Số báo cáo có số liệu"],
        [
            [
                row.indicator.code,
                row.indicator.name,
                row.indicator.unit,
                row.value,
                f"{row.reported}/{len(result.counted)}",
            ]
            for row in result.rows
        ],
    )
    late_ids = {r.pk for r in result.late}
    agencies = Table(
        "Tình hình gửi báo cáo",
        ["Cơ quan", "Trạng thái", "Thời điểm gửi", "Trễ hạn"],
        [
            [
                r.agency.name,
                r.get_status_display(),
                timezone.localtime(r.submitted_at).strftime("%d/%m/%Y %H:%M")
                if r.submitted_at
                else "",
                "Trễ hạn" if r.pk in late_ids else "",
            ]
            for r in result.reports
        ],
    )
    return [figures, agencies]


def aggregate_pdf(result: Aggregate) -> bytes:
    period = result.period
    subtitle = (
        f"{period.label} (số liệu từ {period.starts_on:%d/%m/%Y} đến {period.ends_on:%d/%m/%Y}); "
        f"{len(result.counted)}/{result.total} cơ quan đã gửi"
    )
    return tables_pdf(period.form.name, subtitle, aggregate_tables(result))


def report_pdf(report: AgencyReport) -> bytes:
    """The agency's report as an official document (báo cáo, Decree 30/2020 layout): heading,
    the period, one row per indicator with its value and note, the signer's place."""
    stored = {v.indicator_id: v for v in report.values.all()}
    rows = []
    for indicator in report.period.version.indicators.all():
        value = stored.get(indicator.pk)
        shown = "—"
        if value is not None:
            shown = value.text or _shown(value.number)
        rows.append(
            [indicator.code, indicator.name, indicator.unit, shown, value.note if value else ""]
        )
    html = render_to_string(
        "reports/pdf/report.html",
        {
            "report": report,
            "agency": report.agency,
            "period": report.period,
            "form": report.period.form,
            "rows": rows,
            "today": timezone.localdate(),
        },
    )
    return _pdf(html)
