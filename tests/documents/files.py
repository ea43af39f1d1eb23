"""Files made by the tests themselves: real PDFs, scans, Office files and hostile ones."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

NOTO = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")


def text_pdf(text: str) -> bytes:
    """An electronic PDF with a text layer (WeasyPrint)."""
    from weasyprint import HTML

    html = (
        '<html lang="vi"><body style="font-family: Noto Serif; font-size: 14pt">'
        f"<p>{text}</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def scan_image(text: str, fmt: str = "PNG") -> bytes:
    """A 300 dpi “scan”: black text rendered on white, no text layer."""
    font = ImageFont.truetype(str(NOTO), 64)
    lines = text.split("\n")
    image = Image.new("L", (2480, 300 + 110 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((150, 150 + 110 * i), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, fmt, dpi=(300, 300), resolution=300.0) if fmt == "PDF" else image.save(
        out, fmt, dpi=(300, 300)
    )
    return out.getvalue()


def scanned_pdf(text: str) -> bytes:
    return scan_image(text, "PDF")


def docx(text: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def elf_executable() -> bytes:
    return Path("/bin/true").read_bytes()


def zip_bomb_docx() -> bytes:
    """A DOCX-shaped zip whose content expands a thousandfold."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (200 * 1024 * 1024))
    return out.getvalue()


def broken_pdf() -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage without pages\n%%EOF"
    )
