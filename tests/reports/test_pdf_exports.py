"""The aggregate of a period and the leader's dashboard tables as PDF, beside the XLSX: the PDF
opens, holds the figures under Vietnamese headings, and is set landscape when the table is
wide."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from lienthong.reports import services
from tests.documents.conftest import register_incoming  # noqa: F401 (fixture)
from tests.reports.periodic import Reporting
from tests.reports.test_processing import WINDOW, Office, clerk, office  # noqa: F401


def _read(data: bytes) -> tuple[str, Any]:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages), reader.pages[0].mediabox


def test_the_aggregate_downloads_as_pdf_and_xlsx_with_its_figures(reporting: Reporting) -> None:
    for index, (dossiers, on_time, late) in enumerate([(40, 30, 10), (60, 60, 0)]):
        values = {"DOSSIERS": dossiers, "ON_TIME": on_time, "LATE": late, "SHARE": "9,62"}
        report = reporting.report(index)
        services.save_values(report=report, actor=reporting.officers[index], values=values)
        if index == 0:
            services.submit_report(report=report, actor=reporting.leaders[0])
    client = Client()
    client.force_login(reporting.receiver)
    url = f"/bao-cao/dinh-ky/ky/{reporting.period.pk}/"
    answer = client.get(url, {"format": "pdf"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text, box = _read(answer.content)
    assert "Báo cáo quý" in text and "Tổng hợp số liệu" in text
    # Only the submitted report counts: 40 dossiers, 75 % on time; the other is a gap.
    assert "Hồ sơ tiếp nhận" in text and " 40 " in f" {text} " and "75" in text
    assert "60" not in text.replace("2012", "")
    assert "1/2 cơ quan đã gửi" in text and "UBND huyện Thới Bình" in text
    assert float(box.width) < float(box.height)  # five columns: A4 portrait
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    figures = {row[0]: row[3] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert figures["DOSSIERS"] == 40
    # Another agency's officer gets no export.
    client.force_login(reporting.officers[1])
    assert client.get(url, {"format": "pdf"}).status_code == 404


@pytest.mark.django_db
def test_the_leaders_dashboard_downloads_as_a_landscape_pdf(
    office: Office,  # noqa: F811
) -> None:
    client = Client()
    client.force_login(office.leader)
    query = {"tu": WINDOW[0].isoformat(), "den": WINDOW[1].isoformat(), "format": "pdf"}
    answer = client.get("/bao-cao/lanh-dao/", query)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text, box = _read(answer.content)
    assert "Bảng điều hành của lãnh đạo" in text and "Văn bản theo đơn vị" in text
    assert "Phòng Văn bản" in text and WINDOW[0].strftime("%d/%m/%Y") in text
    # The unit's row: 4 received, 1 on time, 1 late, 1 overdue, 1 in progress.
    assert "Phòng Văn bản " + office.agency.name + " 4 1 1 1 1" in " ".join(text.split())
    assert float(box.width) > float(box.height)  # seven columns: A4 landscape
    client.force_login(office.specialist)
    assert client.get("/bao-cao/lanh-dao/", query).status_code == 404
