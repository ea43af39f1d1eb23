"""Printable (PDF) and spreadsheet (XLSX) registers of documents: sổ đăng ký văn bản đến / đi
(Decree 30/2020, Phụ lục IV).

The headings and labels are the legal form's wording, so they are Vietnamese constants and are
not translated with the user interface."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from lienthong.core.spreadsheets import write_cell

from .constants import VIETNAM_TZ, Confidentiality, NumberStatus, RegisterKind, Urgency
from .models import Document, Register
from .numbering import format_number
from .search import fold

CellKind = Literal["text", "date", "number", "count"]
Cell = str | int | date | None


@dataclass(frozen=True)
class Column:
    """One column of the form; `width` is in spreadsheet characters, the PDF uses it as a share."""

    heading: str
    width: float
    kind: CellKind = "text"


INCOMING_COLUMNS: tuple[Column, ...] = (
    Column("Ngày đến", 12, "date"),
    Column("Số đến", 7, "number"),
    Column("Tác giả", 23),
    Column("Số, ký hiệu văn bản", 16),
    Column("Ngày tháng văn bản", 12, "date"),
    Column("Tên loại và trích yếu nội dung", 42),
    Column("Đơn vị hoặc người nhận", 20),
    Column("Ngày chuyển", 10, "date"),
    Column("Ký nhận", 10),
    Column("Ghi chú", 18),
)
OUTGOING_COLUMNS: tuple[Column, ...] = (
    Column("Số, ký hiệu văn bản", 16),
    Column("Ngày tháng văn bản", 12, "date"),
    Column("Tên loại và trích yếu nội dung", 44),
    Column("Người ký", 17),
    Column("Nơi nhận văn bản", 26),
    Column("Đơn vị, người nhận bản lưu", 18),
    Column("Số lượng bản", 8, "count"),
    Column("Ngày chuyển", 10, "date"),
    Column("Ký nhận", 10),
    Column("Ghi chú", 16),
)

TITLES = {
    RegisterKind.INCOMING: "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    RegisterKind.OUTGOING: "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
    RegisterKind.OUTGOING_CONFIDENTIAL: "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI",
}
FILE_STEMS = {
    RegisterKind.INCOMING: "so-van-ban-den",
    RegisterKind.OUTGOING: "so-van-ban-di",
    RegisterKind.OUTGOING_CONFIDENTIAL: "so-van-ban-mat-di",
}
URGENCY_LABELS: dict[int, str] = {
    Urgency.URGENT: "Khẩn",
    Urgency.VERY_URGENT: "Thượng khẩn",
    Urgency.FLASH: "Hỏa tốc",
    Urgency.FLASH_TIMED: "Hỏa tốc hẹn giờ",
}
CONFIDENTIALITY_LABELS: dict[int, str] = {
    Confidentiality.CONFIDENTIAL: "Mật",
    Confidentiality.SECRET: "Tối mật",
    Confidentiality.TOP_SECRET: "Tuyệt mật",
}
NOTES_HEADING = "Ghi chú:"
NO_DOCUMENTS = "Không có văn bản nào trong thời gian này."

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VN_TZ = ZoneInfo(VIETNAM_TZ)
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class RegisterSheet:
    """Everything printed on a register, the same for both formats."""

    governing_body: str
    agency_name: str
    title: str
    register_line: str
    period_line: str
    number_line: str
    columns: tuple[Column, ...]
    rows: list[list[Cell]]
    notes: list[str]


def export_register(
    register: Register, rows: Sequence[Document], date_from: date, date_to: date, fmt: str
) -> HttpResponse:
    """The register's documents of the period as a PDF or XLSX download."""
    sheet = build_sheet(register, rows, date_from, date_to)
    if fmt == "pdf":
        content, content_type = render_pdf(sheet), PDF_TYPE
    elif fmt == "xlsx":
        content, content_type = render_xlsx(sheet, sheet_name=register.name), XLSX_TYPE
    else:
        raise ValueError(f"Unknown register export format: {fmt!r}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{file_stem(register)}.{fmt}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def file_stem(register: Register) -> str:
    """ASCII file name: so-van-ban-den-2026, so-van-ban-di-quyet-dinh-2026."""
    parts = [FILE_STEMS[RegisterKind(register.kind)]]
    if register.document_type is not None:
        slug = re.sub(r"[^0-9a-z]+", "-", fold(register.document_type.name)).strip("-")
        if slug:
            parts.append(slug)
    parts.append(str(register.year))
    return "-".join(parts)


def vn_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def build_sheet(
    register: Register, rows: Sequence[Document], date_from: date, date_to: date
) -> RegisterSheet:
    agency = register.agency
    incoming = register.kind == RegisterKind.INCOMING
    numbers = [
        n
        for n in ((d.arrival_number if incoming else d.register_number) for d in rows)
        if n is not None
    ]
    number_line = (
        f"Từ số {format_number(min(numbers))} đến số {format_number(max(numbers))}"
        if numbers
        else ""
    )
    return RegisterSheet(
        governing_body=agency.governing_body_name.upper(),
        agency_name=agency.name.upper(),
        title=TITLES[RegisterKind(register.kind)],
        register_line=f"{register.name} — Năm {register.year}",
        period_line=f"Từ ngày {vn_date(date_from)} đến ngày {vn_date(date_to)}",
        number_line=number_line,
        columns=INCOMING_COLUMNS if incoming else OUTGOING_COLUMNS,
        rows=[_incoming_row(d) if incoming else _outgoing_row(d) for d in rows],
        notes=released_number_notes(register, date_from, date_to),
    )


def released_number_notes(register: Register, date_from: date, date_to: date) -> list[str]:
    """“Số 07: không sử dụng (lý do: …)” for each number taken in the period and given back
    unused; a number handed out again later is in the table instead."""
    active = register.allocations.exclude(status=NumberStatus.RELEASED).values("number")
    released = (
        register.allocations.filter(
            status=NumberStatus.RELEASED,
            allocated_at__date__gte=date_from,
            allocated_at__date__lte=date_to,
        )
        .exclude(number__in=active)
        .order_by("number", "allocated_at")
    )
    latest = {allocation.number: allocation.note.strip() for allocation in released}
    return [
        f"Số {format_number(number)}: không sử dụng" + (f" (lý do: {reason})." if reason else ".")
        for number, reason in latest.items()
    ]


def _local_date(document: Document) -> date | None:
    if document.arrival_date is None:
        return None
    return timezone.localtime(document.arrival_date, VN_TZ).date()


def _kind_and_subject(document: Document) -> str:
    """Tên loại và trích yếu: “Quyết định về việc …”, without repeating a type already there."""
    kind, subject = document.document_type.name, document.subject.strip()
    if subject.casefold().startswith(kind.casefold()):
        return subject
    if subject.startswith("Về "):
        return f"{kind} về {subject[3:]}"
    if subject.casefold().startswith("v/v"):
        return f"{kind} {subject}"
    return f"{kind}: {subject}"


def _notes(document: Document) -> str:
    labels = [
        URGENCY_LABELS.get(document.urgency, ""),
        CONFIDENTIALITY_LABELS.get(document.confidentiality, ""),
    ]
    return "\n".join(part for part in [*labels, document.description.strip()] if part)


def _incoming_row(document: Document) -> list[Cell]:
    return [
        _local_date(document),
        document.arrival_number,
        document.issuer_name,
        document.number_and_symbol,
        document.issued_date,
        _kind_and_subject(document),
        document.to_places,
        None,
        None,
        _notes(document),
    ]


def _outgoing_row(document: Document) -> list[Cell]:
    recipients = [agency.name for agency in document.recipient_agencies.all()]
    if document.external_recipients.strip():
        recipients.append(document.external_recipients.strip())
    signer = "\n".join(p for p in (document.signer_position, document.signer_name) if p.strip())
    return [
        document.number_and_symbol,
        document.issued_date,
        _kind_and_subject(document),
        signer,
        "\n".join(recipients),
        document.drafting_unit.name if document.drafting_unit else "",
        document.copies,
        None,
        None,
        _notes(document),
    ]


# --- PDF ---------------------------------------------------------------------------------------


def _pdf_text(value: Cell, kind: CellKind) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return vn_date(value)
    if kind == "number" and isinstance(value, int):
        return format_number(value)
    return str(value)


def render_pdf(sheet: RegisterSheet) -> bytes:
    """A4 landscape, through WeasyPrint; nothing is fetched from outside."""
    # Lazy: WeasyPrint (Pango, fonts) loads only in the processes that print a register.
    from weasyprint import HTML, URLFetcher  # noqa: PLC0415

    total = sum(c.width for c in sheet.columns)
    html = render_to_string(
        "documents/register_print.html",
        {
            "sheet": sheet,
            "columns": [
                {"heading": c.heading, "width": f"{100 * c.width / total:.2f}"}
                for c in sheet.columns
            ],
            "rows": [
                [
                    {"text": _pdf_text(v, c.kind), "kind": c.kind}
                    for v, c in zip(row, sheet.columns, strict=True)
                ]
                for row in sheet.rows
            ],
            "no_documents": NO_DOCUMENTS,
            "notes_heading": NOTES_HEADING,
            "printed_on": f"In ngày {vn_date(timezone.localtime(timezone.now(), VN_TZ))}",
        },
    )
    fetcher = URLFetcher(allowed_protocols=())
    pdf = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


# --- XLSX --------------------------------------------------------------------------------------


def _sheet_title(name: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:31] or "So van ban"


def render_xlsx(sheet: RegisterSheet, *, sheet_name: str) -> bytes:
    """One worksheet: the form's title rows, a frozen bold header, dates as real dates."""
    font, bold = Font(name="Times New Roman", size=11), Font(name="Times New Roman", bold=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    last = get_column_letter(len(sheet.columns))
    # The agency block spans the first columns, about 40 characters wide.
    widths = [sum(c.width for c in sheet.columns[: i + 1]) for i in range(len(sheet.columns))]
    agency_end = get_column_letter(next((i + 1 for i, w in enumerate(widths) if w >= 40), 1))

    workbook = Workbook()
    ws = workbook.active
    ws.title = _sheet_title(sheet_name)

    def put(row: int, col: int, value: Cell, kind: CellKind = "text") -> Any:
        cell = write_cell(ws, row, col, value)  # never a formula, whatever the text says
        if isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
        elif kind == "number":
            cell.number_format = "00"
        cell.font = font
        return cell

    def title_line(row: int, text: str, end: str, style: Any) -> None:
        cell = put(row, 1, text)
        cell.font, cell.alignment = style, center
        ws.merge_cells(f"A{row}:{end}{row}")

    italic = Font(name="Times New Roman", italic=True)
    title_line(1, sheet.governing_body, agency_end, font)
    title_line(2, sheet.agency_name, agency_end, bold)
    title_line(4, sheet.title, last, Font(name="Times New Roman", bold=True, size=14))
    title_line(5, sheet.register_line, last, font)
    title_line(6, sheet.period_line, last, italic)
    if sheet.number_line:
        title_line(7, sheet.number_line, last, italic)

    header = 9
    for col, column in enumerate(sheet.columns, start=1):
        cell = put(header, col, column.heading)
        cell.font, cell.alignment, cell.border = bold, center, border
        number = put(header + 1, col, f"({col})")
        number.font = Font(name="Times New Roman", italic=True, size=10)
        number.alignment, number.border = center, border
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.row_dimensions[header].height = 45

    row = header + 2
    ws.freeze_panes = f"A{row}"
    for values in sheet.rows:
        for col, (value, column) in enumerate(zip(values, sheet.columns, strict=True), start=1):
            cell = put(row, col, value, column.kind)
            cell.border = border
            cell.alignment = (
                Alignment(horizontal="center", vertical="top", wrap_text=True)
                if column.kind != "text"
                else wrap
            )
        row += 1
    if not sheet.rows:
        put(row, 1, NO_DOCUMENTS)
        ws.merge_cells(f"A{row}:{last}{row}")
        row += 1

    if sheet.notes:
        row += 1
        put(row, 1, NOTES_HEADING).font = bold
        for note in sheet.notes:
            row += 1
            put(row, 1, note)
            ws.merge_cells(f"A{row}:{last}{row}")

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{header + 1}"

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
