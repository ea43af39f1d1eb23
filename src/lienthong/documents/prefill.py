"""Reading the registration fields of an incoming document from its electronic file (PDF or
DOCX with a text layer): number and symbol (“Số: 15/QĐ-UBND”), date (“ngày 05 tháng 01 năm
2026”), issuing agency (the block above the number), document type and subject. The clerk checks
and corrects the suggestions before registering; nothing is registered from them alone."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date
from typing import Any

import docx
from django.core.files.storage import default_storage
from pypdf import PdfReader

from lienthong.accounts.models import Agency

from .models import DocumentType
from .search import fold

_NUMBER = re.compile(r"Số\s*:?\s*(\d{1,6})\s*/\s*([A-Za-zĐđ0-9]+(?:\s*-\s*[A-Za-zĐđ0-9]+)+)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_SUBJECT_VV = re.compile(r"\bV/v\s+(.+)", re.IGNORECASE)
_HEADER_NOISE = ("CỘNG HÒA", "CỘNG HOÀ", "Độc lập", "ĐỘC LẬP", "Số", "---", "___")


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def suggest_fields(text: str) -> dict[str, Any]:
    """Best-effort suggestions from the first page's text; missing ones are left out."""
    lines = _lines(text)[:60]
    joined = "\n".join(lines)
    found: dict[str, Any] = {}
    number = _NUMBER.search(joined)
    if number:
        found["code_number"] = number.group(1)
        found["code_notation"] = re.sub(r"\s+", "", number.group(2))
    when = _DATE.search(joined)
    if when:
        with contextlib.suppress(ValueError):
            found["issued_date"] = date(int(when.group(3)), int(when.group(2)), int(when.group(1)))
    issuer = _issuer(lines)
    if issuer:
        found["issuer_name"] = issuer
    document_type, subject = _type_and_subject(lines, found.get("code_notation", ""))
    if document_type is not None:
        found["document_type"] = document_type
    if subject:
        found["subject"] = subject[:500]
    return found


def _issuer(lines: list[str]) -> str:
    """The agency block: the upper-case lines before “Số:”, governing body first; the last one
    is the issuing agency (e.g. “UBND TỈNH CÀ MAU” / “SỞ TƯ PHÁP” → “Sở Tư pháp”)."""
    block: list[str] = []
    for line in lines:
        if line.startswith("Số"):
            break
        if any(line.startswith(noise) for noise in _HEADER_NOISE):
            continue
        if line.isupper() and len(line) > 3:
            block.append(line)
    if not block:
        return ""
    name = block[-1].strip(" -_")
    # The platform's own spelling when the agency is one of ours (“SỞ TƯ PHÁP” → “Sở Tư pháp”).

    wanted = fold(name)
    for agency_name in Agency.objects.active().values_list("name", flat=True):
        if fold(agency_name) == wanted:
            return agency_name
    return name[:1] + name[1:].lower() if name.isupper() else name


def _type_and_subject(lines: list[str], notation: str) -> tuple[DocumentType | None, str]:
    types = list(DocumentType.objects.filter(is_active=True))
    by_abbreviation = {t.abbreviation: t for t in types if t.abbreviation}
    first = notation.split("-")[0] if notation else ""
    if first in by_abbreviation:
        chosen: DocumentType | None = by_abbreviation[first]
    elif notation:
        chosen = next((t for t in types if t.name == "Công văn"), None)
    else:
        chosen = None
    for index, line in enumerate(lines):
        match = _SUBJECT_VV.search(line)
        if match:
            return chosen, "V/v " + match.group(1)
        if chosen is not None and line.upper() == chosen.name.upper() and index + 1 < len(lines):
            return chosen, lines[index + 1]
    return chosen, ""


def text_of(blob_name: str, content_type: str) -> str:
    """The text layer of the first pages of a stored PDF or DOCX (no OCR: it must be quick)."""
    with default_storage.open(blob_name, "rb") as handle:
        if content_type == "application/pdf":
            reader = PdfReader(handle, strict=False)
            return "\n".join((page.extract_text() or "") for page in reader.pages[:2])
        if content_type.endswith("wordprocessingml.document"):
            return "\n".join(p.text for p in docx.Document(handle).paragraphs[:80])
    return ""
