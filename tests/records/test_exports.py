"""Export of a whole file: the ZIP with the PDF (cover, table of contents, documents'
metadata), the XML metadata (Phụ lục VI part III names) and the attachment files."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from lienthong.documents import services as document_services
from lienthong.records import exports, services
from lienthong.records.models import CaseFile, CaseFileItem

from .conftest import doc_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_file(open_file, register_incoming, attach_pdf, clerk, unit, other_agency) -> CaseFile:
    case_file = open_file(
        title="Hồ sơ kiện toàn tổ chức bộ máy Sở Tư pháp năm 2026",
        notation="05.TCCB",
        description="Gồm các quyết định về tổ chức bộ máy.",
    )
    first = register_incoming(
        issued_date=date(2026, 2, 3),
        subject="Quyết định về việc thành lập Phòng Hành chính tư pháp",
        page_count=None,
    )
    attach_pdf(first, pages=3, name="QĐ 101 thành lập phòng.pdf")
    second = register_incoming(
        document_type=doc_type("Công văn"),
        code_number="45",
        code_notation="SNV-TCBC",
        issuer_name="Sở Nội vụ tỉnh Cà Mau",
        issued_date=date(2026, 4, 20),
        subject="Về việc hướng dẫn sắp xếp tổ chức bộ máy",
        page_count=2,
        to_places="Phòng Tổ chức cán bộ",
    )
    outgoing = document_services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Báo cáo"),
        subject="Báo cáo kết quả kiện toàn tổ chức bộ máy",
        drafting_unit=unit,
        recipient_agencies=[other_agency],
        signer_name="Trần Thị Bình",
        signer_position="Giám đốc",
        page_count=4,
    )
    outgoing = document_services.issue_outgoing(actor=clerk, document=outgoing)
    duplicate = register_incoming(subject="Bản trùng của quyết định thành lập phòng")
    for document in (first, second, duplicate, outgoing):
        services.add_document(actor=case_file.creator, case_file=case_file, document=document)
    services.remove_document(
        actor=case_file.creator,
        case_file=case_file,
        item=CaseFileItem.objects.get(case_file=case_file, document=duplicate),
        reason="Bản trùng",
    )
    return services.close_file(actor=case_file.creator, case_file=case_file)


def unzip(case_file: CaseFile) -> dict[str, bytes]:
    with zipfile.ZipFile(exports.write_zip(exports.build_export(case_file))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_zip_holds_the_pdf_the_xml_and_the_files_named_by_number(filled_file, agency):
    files = unzip(filled_file)
    stem = f"ho-so-{agency.code.lower()}.2026.05.tccb"
    assert set(files) == {
        f"{stem}.pdf",
        f"{stem}.xml",
        "van-ban/001-1-qd-101-thanh-lap-phong.pdf",
    }
    assert len(PdfReader(io.BytesIO(files["van-ban/001-1-qd-101-thanh-lap-phong.pdf"])).pages) == 3


def test_xml_metadata_follows_the_data_standard(filled_file, agency, other_agency):
    files = unzip(filled_file)
    xml = next(content for name, content in files.items() if name.endswith(".xml"))
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(xml)
    assert root.tag == "File"
    code = root.find("FileCode")
    parts = [code.findtext(tag) for tag in ("OrganId", "FileCatalog", "FileNotation")]
    assert parts == [agency.code, "2026", "05.TCCB"]
    assert ".".join(parts) == filled_file.file_code
    assert root.findtext("Title") == "Hồ sơ kiện toàn tổ chức bộ máy Sở Tư pháp năm 2026"
    assert root.findtext("Maintenance") == "20 năm"
    assert root.findtext("Rights") == "Công khai"
    assert root.findtext("Creator") == filled_file.creator.full_name
    assert root.findtext("Language") == "Tiếng Việt"
    assert root.findtext("StartDate") == "2026-02-03"
    assert root.findtext("EndDate") == filled_file.end_date.isoformat()
    assert root.findtext("DocTotal") == "3"
    assert root.findtext("PageTotal") == "9"  # 3 read from the PDF + 2 + 4
    assert root.findtext("Description") == "Gồm các quyết định về tổ chức bộ máy."
    documents = root.findall("Documents/Document")
    assert [d.findtext("DocOrdinal") for d in documents] == ["1", "2", "4"]
    first, second, outgoing = documents
    assert first.findtext("TypeName") == "Quyết định"
    assert first.findtext("CodeNotation") == "QĐ-UBND"
    assert first.findtext("IssuedDate") == "2026-02-03"
    assert first.findtext("PageAmount") == "3"
    assert first.findtext("SignerInfo/FullName") == "Lê Văn Sử"
    assert first.findtext("Attachments/Attachment/FileName") == (
        "van-ban/001-1-qd-101-thanh-lap-phong.pdf"
    )
    assert second.findtext("CodeNumber") == "45"
    assert second.findtext("OrganName") == "Sở Nội vụ tỉnh Cà Mau"
    assert second.findtext("Subject") == "Về việc hướng dẫn sắp xếp tổ chức bộ máy"
    assert second.findtext("ToPlaces") == "Phòng Tổ chức cán bộ"
    assert second.findtext("ArrivalNumber")
    assert outgoing.findtext("TypeName") == "Báo cáo"
    assert outgoing.findtext("To/OrganId") == other_agency.code
    assert outgoing.findtext("SignerInfo/Position") == "Giám đốc"


def test_pdf_shows_the_cover_the_table_of_contents_and_every_document(filled_file, agency):
    files = unzip(filled_file)
    pdf = next(
        content for name, content in files.items() if name.endswith(".pdf") and "/" not in name
    )
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert filled_file.file_code in flat
    assert "Hồ sơ kiện toàn tổ chức bộ máy Sở Tư pháp năm 2026" in flat
    assert "MỤC LỤC VĂN BẢN" in flat
    assert "Thời hạn bảo quản: 20 năm" in flat
    assert "Từ ngày 03/02/2026" in flat
    for subject in (
        "thành lập Phòng Hành chính tư pháp",
        "hướng dẫn sắp xếp tổ chức bộ máy",
        "Báo cáo kết quả kiện toàn tổ chức bộ máy",
    ):
        assert subject in flat
    assert "Số 03: không sử dụng" in flat  # the withdrawn duplicate
    assert "Bản trùng của quyết định" not in flat
    first_page = " ".join(reader.pages[0].extract_text().split())
    assert "HỒ SƠ" in first_page and "MỤC LỤC" not in first_page
    if os.environ.get("RECORDS_KEEP_PDF"):  # for looking at the layout
        Path(os.environ["RECORDS_KEEP_PDF"]).write_bytes(pdf)


def test_page_ranges_run_through_the_file():
    assert exports._page_ranges([3, 1, 2]) == ["1-3", "4", "5-6"]
    assert exports._page_ranges([2, None, 4]) == ["1-2", "", ""]
