"""Hostile files, made in code: bombs, malformed and polyglot files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from tests.documents import files


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bomb() -> bytes:
    return files.zip_bomb_docx()


def xlsx_bomb() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"0" * (200 << 20)})


def zip_with_traversal() -> bytes:
    """A plain zip whose members would climb out of any extraction folder."""
    return _zip({"../../../../etc/cron.d/evil": b"* * * * * root sh", "ok.txt": b"x"})


def nested_zip_bomb() -> bytes:
    inner = _zip({"word/document.xml": b"0" * (50 << 20)})
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": inner * 3})


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer << /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def pdf_flate_bomb() -> bytes:
    """One page whose content stream inflates from ~300 KB to 300 MB."""
    stream = zlib.compress(b"0 0 m " * (50 << 20), 9)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
        ]
    )


def pdf_page_tree_cycle() -> bytes:
    """A page tree whose node lists itself as its own kid."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]
    )


def pdf_many_pages(count: int = 3000) -> bytes:
    """Thousands of blank pages sharing one page object (tiny file, long OCR)."""
    kids = b" ".join(b"3 0 R" for _ in range(count))
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]
    )


def pdf_truncated() -> bytes:
    return files.text_pdf("Quyết định bị cắt cụt")[:600]


def pdf_broken() -> bytes:
    return files.broken_pdf()


def pdf_with_javascript() -> bytes:
    """A PDF that asks the viewer to run JavaScript when opened."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
            b"<< /S /JavaScript /JS (app.alert\\('x'\\)) >>",
        ]
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 30_000) -> bytes:
    """A 1-bit grey PNG of side by side pixels (900 Mpx) in about 100 KB."""
    raw_row = b"\x00" + b"\x00" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    parts = [packer.compress(raw_row * 1000) for _ in range(side // 1000)]
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def png_truncated() -> bytes:
    return files.scan_image("Ảnh bị cắt")[:200]


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def html_named_pdf() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def pdf_html_polyglot() -> bytes:
    """A readable PDF that also carries an HTML page with a script after its end."""
    return files.text_pdf("Văn bản hợp lệ") + b"\n<html><script>alert(1)</script></html>\n"


def pdf_zip_polyglot() -> bytes:
    """A readable PDF with a zip (a DOCX bomb) appended: PDF to libmagic, zip to unzip."""
    return files.text_pdf("Văn bản hợp lệ") + files.zip_bomb_docx()


def jpeg_with_script_comment() -> bytes:
    image = files.scan_image("Ảnh quét", fmt="JPEG")
    # A COM segment right after SOI carrying markup.
    comment = b"<script>alert(1)</script><?php system($_GET['c']); ?>"
    return image[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + image[2:]


def elf() -> bytes:
    return files.elf_executable()
