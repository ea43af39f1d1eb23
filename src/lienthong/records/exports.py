"""Export of a whole work file (Phụ lục VI III.4.g): a PDF (cover, table of contents — mục lục
văn bản trong hồ sơ — and each document's metadata), an XML metadata file with the data
standard's field names (Phụ lục VI part III), and a ZIP holding both and the documents' current
attachment files named by their number in the file.

The PDF's headings and labels are the legal forms' wording, so they are Vietnamese constants
and are not translated with the user interface."""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from lxml import etree

from lienthong.documents.constants import ALLOWED_TYPES, VIETNAM_TZ, Confidentiality, Direction
from lienthong.documents.models import AttachmentVersion, Document
from lienthong.documents.search import fold

from .constants import RIGHTS_LABELS_VI, CaseFileStatus
from .models import CaseFile, CaseFileItem
from .totals import FileSummary, current_versions, document_pages, prefetch_attachments, summarize

VN_TZ = ZoneInfo(VIETNAM_TZ)
PDF_TYPE = "application/pdf"
XML_TYPE = "application/xml"
ZIP_TYPE = "application/zip"
# Kept in memory up to this size, then spilled to a temporary file.
_SPOOL_BYTES = 32 * 1024 * 1024

CONFIDENTIALITY_VI: dict[int, str] = {
    Confidentiality.CONFIDENTIAL: "Mật",
    Confidentiality.SECRET: "Tối mật",
    Confidentiality.TOP_SECRET: "Tuyệt mật",
}
URGENCY_VI: dict[int, str] = {
    0: "Thường",
    1: "Khẩn",
    2: "Thượng khẩn",
    3: "Hỏa tốc",
    4: "Hỏa tốc hẹn giờ",
}
TOC_COLUMNS = (
    ("STT", 7),
    ("Số, ký hiệu văn bản", 17),
    ("Ngày tháng năm văn bản", 13),
    ("Tên loại và trích yếu nội dung văn bản", 33),
    ("Tác giả văn bản", 17),
    ("Tờ số/ Trang số", 8),
    ("Ghi chú", 10),
)


@dataclass(frozen=True)
class ExportedDocument:
    ordinal: int
    document: Document
    pages: int | None
    page_range: str
    # (name inside the ZIP, version) of each current attachment file.
    files: tuple[tuple[str, AttachmentVersion], ...]


@dataclass(frozen=True)
class FileExport:
    case_file: CaseFile
    summary: FileSummary
    documents: tuple[ExportedDocument, ...]
    withdrawn: tuple[CaseFileItem, ...]
    created_at: datetime


def file_stem(case_file: CaseFile) -> str:
    """ASCII file name from the file code: ho-so-000.00.05.h12.2026.05.vp."""
    return "ho-so-" + re.sub(r"[^0-9a-z.]+", "-", fold(case_file.file_code)).strip("-.")


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^0-9a-z]+", "-", fold(text)).strip("-")[:limit].strip("-")


def _extension(version: AttachmentVersion) -> str:
    suffix = version.original_name.rsplit(".", 1)[-1] if "." in version.original_name else ""
    if re.fullmatch(r"[A-Za-z0-9]{1,5}", suffix):
        return "." + suffix.lower()
    return ALLOWED_TYPES.get(version.blob.content_type, "")


def _zip_name(ordinal: int, n: int, version: AttachmentVersion) -> str:
    """van-ban/003-1-quyet-dinh-thanh-lap.pdf: the document's number in the file, the
    attachment's order, its name in ASCII."""
    stem = _slug(version.original_name.rsplit(".", 1)[0]) or "tep"
    return f"van-ban/{ordinal:03d}-{n}-{stem}{_extension(version)}"


def _page_ranges(counts: list[int | None]) -> list[str]:
    """Tờ số/Trang số: each document's pages counted through the file (“1-3”, “4”); unknown
    from the first document whose pages are not known."""
    ranges, position = [], 1
    for count in counts:
        if count is None or position == 0:
            ranges.append("")
            position = 0
            continue
        last = position + count - 1
        ranges.append(str(position) if count == 1 else f"{position}-{last}")
        position = last + 1
    return ranges


def build_export(case_file: CaseFile) -> FileExport:
    """Everything the PDF, the XML and the ZIP show, in the order of the numbers in the file.
    The caller has checked that the user may see every document of the file."""
    items = list(CaseFileItem.objects.current().filter(case_file=case_file).for_table())
    documents = [item.document for item in items]
    prefetch_attachments(documents)
    prefetch_related_objects(documents, "recipient_agencies")
    counts = [document_pages(document, read_files=True) for document in documents]
    ranges = _page_ranges(counts)
    exported = []
    for item, count, page_range in zip(items, counts, ranges, strict=True):
        files = tuple(
            (_zip_name(item.ordinal, n, version), version)
            for n, version in enumerate(current_versions(item.document), start=1)
        )
        exported.append(ExportedDocument(item.ordinal, item.document, count, page_range, files))
    if case_file.status == CaseFileStatus.CLOSED:
        # A closed file's dates and totals are those recorded when it was closed.
        summary = FileSummary(
            start_date=case_file.start_date,
            end_date=case_file.end_date,
            doc_total=case_file.doc_total,
            page_total=case_file.page_total,
        )
    else:
        summary = summarize(((item.ordinal, item.document) for item in items), read_files=True)
    withdrawn = tuple(
        CaseFileItem.objects.withdrawn().filter(case_file=case_file).order_by("ordinal")
    )
    return FileExport(case_file, summary, tuple(exported), withdrawn, timezone.now())


# --- XML -----------------------------------------------------------------------------------------


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


# Characters XML 1.0 cannot hold (control characters pasted with a text).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sub(parent: Any, tag: str, value: object = "") -> Any:
    element = etree.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", "" if value is None else str(value))
    return element


def render_xml(export: FileExport) -> bytes:
    """The file's metadata (Phụ lục VI part III) and each document's (parts I and II), UTF-8.
    Dates are ISO 8601 (YYYY-MM-DD). `Attachments` (the files' names in the ZIP and their
    SHA-256) is our addition, not a field of the standard."""
    case_file, summary = export.case_file, export.summary
    root = etree.Element("File")
    root.append(etree.Comment(" Nghị định 30/2020/NĐ-CP, Phụ lục VI: dữ liệu đặc tả hồ sơ "))
    code = _sub(root, "FileCode")
    _sub(code, "OrganId", case_file.agency.code)
    _sub(code, "FileCatalog", case_file.year)
    _sub(code, "FileNotation", case_file.notation)
    _sub(root, "Title", case_file.title)
    _sub(root, "Maintenance", case_file.retention.name)
    _sub(root, "Rights", RIGHTS_LABELS_VI[case_file.rights])
    # Creator is String 30 in the standard.
    _sub(root, "Creator", (case_file.creator.full_name or case_file.creator.username)[:30])
    _sub(root, "Language", case_file.language)
    _sub(root, "StartDate", _date(summary.start_date))
    _sub(root, "EndDate", _date(summary.end_date))
    _sub(root, "DocTotal", summary.doc_total)
    _sub(root, "PageTotal", summary.page_total)
    _sub(root, "Description", case_file.description)
    documents = _sub(root, "Documents")
    for entry in export.documents:
        _document_xml(documents, entry, case_file.language)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _document_xml(parent: Any, entry: ExportedDocument, language: str) -> None:
    document = entry.document
    element = _sub(parent, "Document")
    _sub(element, "DocOrdinal", entry.ordinal)
    _sub(element, "TypeName", document.document_type.name)
    _sub(element, "CodeNumber", document.code_number)
    _sub(element, "CodeNotation", document.code_notation)
    _sub(element, "IssuedDate", _date(document.issued_date))
    _sub(element, "OrganName", document.issuer_name)
    _sub(element, "Subject", document.subject)
    _sub(element, "Language", language)
    _sub(element, "PageAmount", entry.pages if entry.pages is not None else "")
    _sub(element, "Description", document.description)
    incoming = document.direction == Direction.INCOMING
    if incoming:
        arrival = document.arrival_date.astimezone(VN_TZ).date() if document.arrival_date else None
        _sub(element, "ArrivalDate", _date(arrival))
        _sub(element, "ArrivalNumber", document.arrival_number or "")
    signer = _sub(element, "SignerInfo")
    _sub(signer, "Position", document.signer_position)
    _sub(signer, "FullName", document.signer_name)
    if not incoming:
        for agency in document.recipient_agencies.all():
            to = _sub(element, "To")
            _sub(to, "OrganId", agency.code)
            _sub(to, "OrganName", agency.name)
    _sub(element, "Priority", document.urgency)
    if incoming:
        _sub(element, "ToPlaces", document.to_places)
    else:
        _sub(element, "IssuedAmount", document.copies or "")
    _sub(element, "DueDate", _date(document.due_date))
    if entry.files:
        attachments = _sub(element, "Attachments")
        for name, version in entry.files:
            attachment = _sub(attachments, "Attachment")
            _sub(attachment, "FileName", name)
            _sub(attachment, "Sha256", version.blob.sha256)


# --- PDF -----------------------------------------------------------------------------------------


def vn_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def kind_and_subject(document: Document) -> str:
    """Tên loại và trích yếu: “Quyết định về việc …”, without repeating a type already there."""
    kind, subject = document.document_type.name, document.subject.strip()
    if subject.casefold().startswith(kind.casefold()):
        return subject
    return f"{kind}: {subject}"


def _notes(document: Document) -> str:
    parts = [
        URGENCY_VI.get(document.urgency, "") if document.urgency else "",
        CONFIDENTIALITY_VI.get(document.confidentiality, ""),
        document.description.strip(),
    ]
    return "\n".join(part for part in parts if part)


def _facts(entry: ExportedDocument) -> list[tuple[str, str]]:
    document = entry.document
    facts = [
        ("Tên loại văn bản", document.document_type.name),
        ("Số, ký hiệu", document.number_and_symbol or "—"),
        ("Ngày tháng năm", vn_date(document.issued_date) or "—"),
        ("Cơ quan ban hành", document.issuer_name),
        ("Trích yếu nội dung", document.subject),
        (
            "Người ký",
            " ".join(p for p in (document.signer_position, document.signer_name) if p) or "—",
        ),
        ("Độ khẩn", URGENCY_VI.get(document.urgency, "")),
        ("Độ mật", CONFIDENTIALITY_VI.get(document.confidentiality, "Không")),
        ("Số trang", str(entry.pages) if entry.pages is not None else "—"),
    ]
    if document.direction == Direction.INCOMING:
        arrival = (
            timezone.localtime(document.arrival_date, VN_TZ).strftime("%H:%M %d/%m/%Y")
            if document.arrival_date
            else "—"
        )
        facts += [
            ("Số đến", f"{document.arrival_number:02d}" if document.arrival_number else "—"),
            ("Ngày đến", arrival),
            ("Đơn vị, người nhận", document.to_places or "—"),
        ]
    else:
        recipients = [agency.name for agency in document.recipient_agencies.all()]
        if document.external_recipients:
            recipients.append(document.external_recipients)
        facts.append(("Nơi nhận", "; ".join(recipients) or "—"))
    if document.due_date:
        facts.append(("Hạn xử lý", vn_date(document.due_date)))
    if document.description:
        facts.append(("Ghi chú", document.description))
    files = "\n".join(
        f"{name} ({version.original_name}, SHA-256 {version.blob.sha256[:16]}…)"
        for name, version in entry.files
    )
    facts.append(("Tệp đính kèm", files or "Không có"))
    return facts


def render_pdf(export: FileExport) -> bytes:
    """A4 portrait through WeasyPrint; nothing is fetched from outside."""
    from weasyprint import HTML, URLFetcher  # noqa: PLC0415 (seconds to import; PDFs only)

    case_file, summary = export.case_file, export.summary
    agency = case_file.agency
    total = sum(width for _heading, width in TOC_COLUMNS)
    html = render_to_string(
        "records/file_print.html",
        {
            "case_file": case_file,
            "file_code": case_file.file_code,
            "governing_body": agency.governing_body_name.upper(),
            "agency_name": agency.name.upper(),
            "is_open": case_file.status == CaseFileStatus.OPEN,
            "period": (
                f"Từ ngày {vn_date(summary.start_date)} đến ngày {vn_date(summary.end_date)}"
                if summary.start_date
                else "—"
            ),
            "summary": summary,
            "rights": RIGHTS_LABELS_VI[case_file.rights],
            "creator": case_file.creator.full_name or case_file.creator.username,
            "columns": [
                {"heading": heading, "width": f"{100 * width / total:.2f}"}
                for heading, width in TOC_COLUMNS
            ],
            "rows": [
                {
                    "ordinal": f"{entry.ordinal:02d}",
                    "number": entry.document.number_and_symbol,
                    "date": vn_date(entry.document.issued_date),
                    "subject": kind_and_subject(entry.document),
                    "author": entry.document.issuer_name,
                    "pages": entry.page_range,
                    "notes": _notes(entry.document),
                }
                for entry in export.documents
            ],
            "withdrawn": [
                f"Số {item.ordinal:02d}: không sử dụng — văn bản đã rút khỏi hồ sơ ngày "
                f"{vn_date(timezone.localtime(item.removed_at, VN_TZ).date())}"
                + (f" (lý do: {item.removal_reason})." if item.removal_reason else ".")
                for item in export.withdrawn
                if item.removed_at is not None
            ],
            "documents": [
                {
                    "heading": f"{entry.ordinal:02d}. {entry.document.document_type.name} "
                    f"{entry.document.number_and_symbol}".strip(),
                    "facts": _facts(entry),
                }
                for entry in export.documents
            ],
            "printed_on": "In ngày " + vn_date(timezone.localtime(export.created_at, VN_TZ).date()),
        },
    )
    fetcher = URLFetcher(allowed_protocols=())
    pdf = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


# --- ZIP -----------------------------------------------------------------------------------------


def write_zip(export: FileExport) -> IO[bytes]:
    """The PDF, the XML and every current attachment file, in a temporary file positioned at
    its start (kept in memory while small)."""
    stem = file_stem(export.case_file)
    output: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", render_pdf(export))
        archive.writestr(f"{stem}.xml", render_xml(export))
        for entry in export.documents:
            for name, version in entry.files:
                with (
                    default_storage.open(version.blob.storage_name, "rb") as source,
                    archive.open(name, "w") as target,
                ):
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        target.write(chunk)
    output.seek(0)
    return output
