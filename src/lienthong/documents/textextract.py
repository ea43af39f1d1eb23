"""Text of attachments for search: read from PDFs, DOCX and XLSX, or recognised by OCR
(Tesseract with the Vietnamese language data, through OCRmyPDF) from scans and images."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import docx
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from .constants import IMAGE_TYPES

logger = logging.getLogger(__name__)

# Below this many characters per page a PDF is taken to be a scan and is OCR'd.
MIN_CHARS_PER_PAGE = 20
MAX_TEXT = 1_000_000


class ExtractionResult:
    def __init__(self, text: str, ocr_used: bool) -> None:
        self.text = text[:MAX_TEXT]
        self.ocr_used = ocr_used


def extract(path: Path, content_type: str) -> ExtractionResult:
    if content_type == "application/pdf":
        text, pages = _pdf_text(path)
        if len(text.strip()) >= MIN_CHARS_PER_PAGE * max(pages, 1):
            return ExtractionResult(text, ocr_used=False)
        return ExtractionResult(_ocr(path, is_image=False), ocr_used=True)
    if content_type in IMAGE_TYPES:
        return ExtractionResult(_ocr(path, is_image=True), ocr_used=True)
    if content_type.endswith("wordprocessingml.document"):
        return ExtractionResult(_docx_text(path), ocr_used=False)
    if content_type.endswith("spreadsheetml.sheet"):
        return ExtractionResult(_xlsx_text(path), ocr_used=False)
    return ExtractionResult("", ocr_used=False)


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(str(path), strict=False)
    parts = []
    for page in reader.pages[: settings.LIENTHONG_MAX_TEXT_PAGES]:
        parts.append(page.extract_text() or "")
    return "\n".join(parts), len(reader.pages)


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    workbook = load_workbook(str(path), read_only=True, data_only=True)
    parts: list[str] = []
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts.append(" ".join(str(v) for v in row if v is not None))
                if len(parts) > 100_000:
                    break
    finally:
        workbook.close()
    return "\n".join(parts)


def _ocr(path: Path, *, is_image: bool) -> str:
    """OCR in Vietnamese only (`vie`; adding `eng` makes Vietnamese worse)."""
    import ocrmypdf  # noqa: PLC0415  (lazy: heavy, the OCR job's only)

    with tempfile.TemporaryDirectory(prefix="lienthong-ocr-") as tmp:
        sidecar = Path(tmp) / "text.txt"
        ocrmypdf.ocr(
            str(path),
            str(Path(tmp) / "out.pdf"),
            language=["vie"],
            sidecar=str(sidecar),
            output_type="pdf",
            progress_bar=False,
            jobs=1,
            image_dpi=300 if is_image else None,
            force_ocr=not is_image,
            pages=None if is_image else f"1-{settings.LIENTHONG_MAX_OCR_PAGES}",
        )
        return sidecar.read_text(encoding="utf-8").replace("\x0c", "\n")
