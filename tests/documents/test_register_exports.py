"""Printable (PDF) and spreadsheet (XLSX) registers of Decree 30/2020 Phụ lục IV, through the
register page's `format` parameter."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.documents import services
from lienthong.documents.constants import (
    Confidentiality,
    NumberStatus,
    RegisterKind,
    Urgency,
)
from lienthong.documents.models import Document, DocumentType, Register
from lienthong.documents.register_exports import (
    INCOMING_COLUMNS,
    OUTGOING_COLUMNS,
    XLSX_TYPE,
)
from tests.core.test_spreadsheets import PAYLOADS, assert_no_formula

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Documents dated in 2026 are issued: the register of 2026 must be the current one.
pytestmark = pytest.mark.usefixtures("in_november_2026")


def export(
    user: User, register: Register, date_from: date, date_to: date, fmt: str
) -> tuple[int, str, str, bytes]:
    client = Client()
    client.force_login(user)
    response = client.get(
        f"/so-van-ban/{register.pk}/",
        {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "format": fmt},
    )
    return (
        response.status_code,
        response.get("Content-Type", ""),
        response.get("Content-Disposition", ""),
        response.content,
    )


def squashed(text: str) -> str:
    """Without any whitespace: pypdf glues or splits the lines of a wrapped heading."""
    return "".join(text.split())


def pdf_text(content: bytes) -> str:
    """All pages' text, whitespace collapsed (cells wrap their words over lines)."""
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(BytesIO(content))
    assert len(workbook.worksheets) == 1
    return list(workbook.active.iter_rows(values_only=True))


def header_index(rows: list[tuple], first_heading: str) -> int:
    return next(i for i, row in enumerate(rows) if row[0] == first_heading)


@pytest.fixture
def agency(two_agencies) -> Agency:
    agency = two_agencies[0]
    agency.governing_body_name = "UBND tỉnh Cà Mau"
    agency.save(update_fields=["governing_body_name"])
    return agency


@pytest.fixture
def incoming(register_incoming, agency) -> dict[str, Document]:
    """One document before the period (số đến 01) and two in it (02, 03)."""
    early = register_incoming(
        issued_date=date(2026, 2, 2),
        arrival_date=datetime(2026, 2, 10, 9, 0, tzinfo=VN),
        subject="Kế hoạch tuyên truyền pháp luật quý I",
    )
    first = register_incoming(
        arrival_date=datetime(2026, 11, 5, 8, 30, tzinfo=VN),
        subject="Về việc tăng cường công tác hộ tịch trên địa bàn tỉnh",
        to_places="Phòng Hành chính tư pháp",
        urgency=Urgency.FLASH,
        description="Trình lãnh đạo trong ngày",
    )
    # 00:30 on 20 November in Vietnam is still the 19th in UTC: the register shows Vietnam's.
    second = register_incoming(
        arrival_date=datetime(2026, 11, 20, 0, 30, tzinfo=VN),
        subject="Quyết định công bố thủ tục hành chính lĩnh vực chứng thực",
    )
    return {"early": early, "first": first, "second": second}


def test_incoming_pdf_has_form_headings_rows_of_the_period_only(clerk, incoming) -> None:
    register = incoming["first"].register
    assert register is not None
    status, content_type, disposition, content = export(
        clerk, register, date(2026, 3, 1), date(2026, 11, 27), "pdf"
    )
    assert status == 200
    assert content_type == "application/pdf"
    assert disposition == 'attachment; filename="so-van-ban-den-2026.pdf"'
    assert content.startswith(b"%PDF-")
    page = PdfReader(BytesIO(content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = pdf_text(content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "UBND TỈNH CÀ MAU" in text
    assert "SỞ TƯ PHÁP" in text
    assert "Từ ngày 01/03/2026 đến ngày 27/11/2026" in text
    assert "Từ số 02 đến số 03" in text
    for column in INCOMING_COLUMNS:
        assert squashed(column.heading) in squashed(text)
    assert "tăng cường công tác hộ tịch trên địa bàn tỉnh" in text
    assert "Quyết định về việc tăng cường" in text  # type name + “về việc …”
    assert "Quyết định công bố thủ tục hành chính" in text  # type not repeated
    assert "Ủy ban nhân dân tỉnh Cà Mau" in text
    assert "05/11/2026" in text and "20/11/2026" in text and "19/11/2026" not in text
    assert "Hỏa tốc" in text and "Trình lãnh đạo trong ngày" in text
    assert "02" in text.split("05/11/2026", 1)[1][:20]  # Số đến right after Ngày đến
    assert "Kế hoạch tuyên truyền" not in text
    assert "10/02/2026" not in text


def test_incoming_xlsx_has_headings_typed_cells_and_frozen_header(clerk, incoming) -> None:
    register = incoming["first"].register
    assert register is not None
    status, content_type, disposition, content = export(
        clerk, register, date(2026, 3, 1), date(2026, 11, 27), "xlsx"
    )
    assert status == 200
    assert content_type == XLSX_TYPE
    assert disposition == 'attachment; filename="so-van-ban-den-2026.xlsx"'
    workbook = load_workbook(BytesIO(content))
    sheet = workbook.active
    rows = sheet_rows(content)
    assert rows[0][0] == "UBND TỈNH CÀ MAU"
    assert rows[1][0] == "SỞ TƯ PHÁP"
    assert any(row[0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" for row in rows)
    assert any(row[0] == "Từ ngày 01/03/2026 đến ngày 27/11/2026" for row in rows)
    h = header_index(rows, "Ngày đến")
    assert rows[h] == tuple(c.heading for c in INCOMING_COLUMNS)
    assert sheet.cell(row=h + 1, column=1).font.b
    assert sheet.freeze_panes == f"A{h + 3}"  # headings and the (1)…(10) row stay in view
    data = [row for row in rows[h + 2 :] if row[1] is not None]
    assert len(data) == 2
    arrival, number, issuer, code, issued, subject, to_places, sent, signed, notes = data[0]
    assert isinstance(arrival, datetime) and arrival.date() == date(2026, 11, 5)
    assert number == 2
    assert issuer == "Ủy ban nhân dân tỉnh Cà Mau"
    assert code == incoming["first"].number_and_symbol
    assert isinstance(issued, datetime) and issued.date() == date(2026, 11, 2)
    assert subject.startswith("Quyết định về việc tăng cường")
    assert to_places == "Phòng Hành chính tư pháp"
    assert sent is None and signed is None
    assert "Hỏa tốc" in notes
    assert data[1][0].date() == date(2026, 11, 20)  # Vietnam's date, not UTC's
    first_data = h + 3
    assert sheet.cell(row=first_data, column=1).number_format == "DD/MM/YYYY"
    assert sheet.cell(row=first_data, column=2).number_format == "00"
    assert sheet.cell(row=first_data, column=6).alignment.wrap_text
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["B"].width
    assert not any("Kế hoạch tuyên truyền" in str(v) for row in rows for v in row)


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_text_that_looks_like_a_formula_is_written_as_text(
    clerk, register_incoming, payload
) -> None:
    doc = register_incoming(
        arrival_date=datetime(2026, 11, 6, 9, 0, tzinfo=VN),
        issuer_name=payload,
        subject=payload,
    )
    assert doc.register is not None
    Register.objects.filter(pk=doc.register.pk).update(name=payload)
    *_, content = export(clerk, doc.register, date(2026, 11, 1), date(2026, 11, 27), "xlsx")
    written = assert_no_formula(load_workbook(BytesIO(content)))
    assert payload in written  # the issuer's name, quote-prefixed
    assert f"Quyết định: {payload}" in written


@pytest.fixture
def outgoing(clerk, unit, two_agencies) -> dict[str, Any]:
    """Decisions 01 (3 Nov), 02 (10 Nov) and 03 (20 Nov). Numbers 02 and 03 were first reserved
    and released, then handed out again; 04 was reserved and released last, a real gap."""
    decision = DocumentType.objects.get(name="Quyết định")

    def issue(subject: str, day: date, **fields: Any) -> Document:
        document = services.record_outgoing(
            actor=clerk,
            document_type=decision,
            subject=subject,
            drafting_unit=unit,
            recipient_agencies=[two_agencies[1]],
            **fields,
        )
        return services.issue_outgoing(actor=clerk, document=document, issued_date=day)

    first = issue(
        "Về việc kiện toàn Hội đồng phối hợp phổ biến, giáo dục pháp luật",
        date(2026, 11, 3),
        signer_name="Trần Thị Bích",
        signer_position="Giám đốc",
        copies=5,
        external_recipients="Sở Tư pháp tỉnh Bạc Liêu",
        confidentiality=Confidentiality.NONE,
    )
    register = first.register
    assert register is not None
    reserved = services.reserve_number(actor=clerk, register=register, note="Dự thảo tờ trình")
    services.release_number(actor=clerk, allocation=reserved, reason="Không ban hành")
    second = issue("Về việc giao chỉ tiêu", date(2026, 11, 10), copies=3)  # reuses 02
    skipped = services.reserve_number(actor=clerk, register=register)
    services.release_number(actor=clerk, allocation=skipped, reason="Hủy dự thảo")
    third = issue("Về việc thành lập tổ công tác", date(2026, 11, 20))  # reuses 03
    later = services.reserve_number(actor=clerk, register=register)
    services.release_number(actor=clerk, allocation=later, reason="Trùng nội dung")
    return {"register": register, "first": first, "second": second, "third": third}


def test_outgoing_pdf_lists_columns_and_released_numbers(clerk, outgoing) -> None:
    register = outgoing["register"]
    assert isinstance(register, Register) and register.kind == RegisterKind.OUTGOING
    assert register.allocations.filter(status=NumberStatus.RELEASED).count() == 3
    status, content_type, disposition, content = export(
        clerk, register, date(2026, 1, 1), timezone.localdate(), "pdf"
    )
    assert status == 200
    assert content_type == "application/pdf"
    assert disposition == 'attachment; filename="so-van-ban-di-2026.pdf"'
    text = pdf_text(content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    for column in OUTGOING_COLUMNS:
        assert squashed(column.heading) in squashed(text)
    assert "01/QĐ-STP" in text and "02/QĐ-STP" in text and "03/QĐ-STP" in text
    assert "Giám đốc Trần Thị Bích" in text
    assert "Sở Nội vụ" in text and "Sở Tư pháp tỉnh Bạc Liêu" in text
    assert "Văn phòng Sở" in text
    assert "kiện toàn Hội đồng phối hợp phổ biến" in text
    # 02 and 03 were released but handed out again: only 04 is a gap in the register.
    assert "Số 04: không sử dụng (lý do: Trùng nội dung)." in text
    assert "Số 02: không sử dụng" not in text and "Số 03: không sử dụng" not in text


def test_outgoing_xlsx_row_values_and_notes(clerk, outgoing) -> None:
    register = outgoing["register"]
    assert isinstance(register, Register)
    status, content_type, disposition, content = export(
        clerk, register, date(2026, 11, 1), timezone.localdate(), "xlsx"
    )
    assert status == 200
    assert content_type == XLSX_TYPE
    assert disposition == 'attachment; filename="so-van-ban-di-2026.xlsx"'
    rows = sheet_rows(content)
    h = header_index(rows, "Số, ký hiệu văn bản")
    assert rows[h] == tuple(c.heading for c in OUTGOING_COLUMNS)
    assert rows[h + 1] == tuple(f"({i})" for i in range(1, 11))
    code, issued, subject, signer, recipients, kept_by, copies, *_ = rows[h + 2]
    assert code == "01/QĐ-STP"
    assert isinstance(issued, datetime) and issued.date() == date(2026, 11, 3)
    assert subject.startswith("Quyết định về việc kiện toàn")
    assert signer == "Giám đốc\nTrần Thị Bích"
    assert recipients == "Sở Nội vụ\nSở Tư pháp tỉnh Bạc Liêu"
    assert kept_by == "Văn phòng Sở"
    assert copies == 5
    assert [r[0] for r in rows[h + 2 : h + 5]] == ["01/QĐ-STP", "02/QĐ-STP", "03/QĐ-STP"]
    notes = tuple(v for v in rows[-1] if v is not None)
    assert notes == ("Số 04: không sử dụng (lý do: Trùng nội dung).",)


def test_outside_period_documents_and_numbers_are_absent(clerk, outgoing) -> None:
    register = outgoing["register"]
    assert isinstance(register, Register)
    *_, content = export(clerk, register, date(2026, 11, 5), date(2026, 11, 15), "pdf")
    text = pdf_text(content)
    assert "02/QĐ-STP" in text
    assert "01/QĐ-STP" not in text and "03/QĐ-STP" not in text
    assert "Từ số 02 đến số 02" in text
    if timezone.localdate() > date(2026, 11, 15):
        assert "không sử dụng" not in text  # number 04 was taken after the period


def test_confidential_register_title_and_labels(clerk, unit, two_agencies) -> None:
    document = services.record_outgoing(
        actor=clerk,
        document_type=DocumentType.objects.get(name="Quyết định"),
        subject="Về việc bảo vệ bí mật nhà nước",
        drafting_unit=unit,
        recipient_agencies=[two_agencies[1]],
        confidentiality=Confidentiality.SECRET,
        urgency=Urgency.URGENT,
    )
    document = services.issue_outgoing(
        actor=clerk, document=document, issued_date=date(2026, 11, 9)
    )
    assert document.register is not None
    status, _, disposition, content = export(
        clerk, document.register, date(2026, 11, 1), date(2026, 11, 27), "pdf"
    )
    assert status == 200
    assert disposition == 'attachment; filename="so-van-ban-mat-di-2026.pdf"'
    text = pdf_text(content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI" in text
    assert "Khẩn Tối mật" in text


def test_empty_period_still_prints_the_form(clerk, incoming) -> None:
    register = incoming["first"].register
    assert register is not None
    status, _, _, content = export(clerk, register, date(2026, 6, 1), date(2026, 6, 30), "pdf")
    assert status == 200
    text = pdf_text(content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Không có văn bản nào trong thời gian này." in text
    status, _, _, content = export(clerk, register, date(2026, 6, 1), date(2026, 6, 30), "xlsx")
    assert status == 200
    assert "Ngày đến" in sheet_rows(content)[header_index(sheet_rows(content), "Ngày đến")]


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_other_agency_gets_404(fmt, incoming, two_agencies, user_factory) -> None:
    register = incoming["first"].register
    assert register is not None
    for roles in ([Role.CLERK], [Role.SPECIALIST]):
        outsider = user_factory(two_agencies[1], roles)
        status, _, _, content = export(
            outsider, register, date(2026, 1, 1), date(2026, 11, 27), fmt
        )
        assert status == 404
        assert "hộ tịch".encode() not in content
