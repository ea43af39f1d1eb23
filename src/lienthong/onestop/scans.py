"""The resolution of a scanned paper (Decree 107/2021/NĐ-CP, Circular 01/2023/TT-VPCP: papers
received on paper are digitised at the counter; the national standard for digitised images is
at least 200 dpi).

An image's resolution is the larger of what its header declares (JFIF, PNG pHYs, TIFF) and what
its pixels give on an A4 sheet (a phone photo often declares 72 dpi for 3,000 pixels). A PDF's
scanned pages are those that carry an image and no text; each is as fine as its largest image
spread over the page. A PDF with text on every page was born digital: it is not a scan and has
no resolution to check."""

from __future__ import annotations

import io
from typing import IO

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

MIN_DPI = 200
# An A4 sheet in inches (short side, long side): the size a scan is assumed to cover when its
# header gives no resolution.
A4_INCHES = (8.27, 11.69)


def _on_a4(width: float, height: float) -> float:
    short, long = sorted((width, height))
    return min(short / A4_INCHES[0], long / A4_INCHES[1])


def image_dpi(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        declared = image.info.get("dpi")
    declared_dpi = 0.0
    if isinstance(declared, tuple) and len(declared) == 2:
        try:
            declared_dpi = float(min(declared))
        except (TypeError, ValueError):
            declared_dpi = 0.0
    return round(max(declared_dpi, _on_a4(width, height)))


def _page_images(page: object) -> list[tuple[int, int]]:
    sizes: list[tuple[int, int]] = []
    resources = page.get("/Resources")  # type: ignore[attr-defined]
    if resources is None:
        return sizes
    resources = resources.get_object()
    xobjects = resources.get("/XObject") if isinstance(resources, DictionaryObject) else None
    if xobjects is None:
        return sizes
    for ref in xobjects.get_object().values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            sizes.append((int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))))
    return sizes


def pdf_dpi(data: bytes) -> int | None:
    """The resolution of the PDF's coarsest scanned page; None when no page is a scan."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    found: list[float] = []
    for page in reader.pages:
        images = _page_images(page)
        if not images:
            continue
        if (page.extract_text() or "").strip():
            continue  # text on the page: born digital (or already recognised), not checked
        box = page.mediabox
        page_short, page_long = sorted((float(box.width) / 72, float(box.height) / 72))
        best = 0.0
        for width, height in images:
            short, long = sorted((width, height))
            best = max(best, min(short / page_short, long / page_long))
        found.append(best)
    return round(min(found)) if found else None


def scan_dpi(upload: IO[bytes], content_type: str) -> int | None:
    """The resolution of a scanned paper in dpi, or None for a file that is not a scan (a PDF
    born digital, a Word or Excel file)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if content_type.startswith("image/"):
        return image_dpi(data)
    if content_type == "application/pdf":
        return pdf_dpi(data)
    return None
