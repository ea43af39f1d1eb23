"""What a file's metadata says about its documents: their dates (StartDate, EndDate), how
many there are (DocTotal) and their pages (PageAmount, PageTotal)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db.models import Prefetch, prefetch_related_objects
from pypdf import PdfReader

from lienthong.documents.constants import VIETNAM_TZ
from lienthong.documents.models import Attachment, AttachmentVersion, Document

PDF = "application/pdf"
_VN_TZ = ZoneInfo(VIETNAM_TZ)


@dataclass(frozen=True)
class FileSummary:
    start_date: date | None
    end_date: date | None
    doc_total: int
    page_total: int
    # Documents whose number of pages is known neither from their record nor their PDF.
    without_pages: tuple[int, ...] = ()


def document_date(document: Document) -> date | None:
    """The document's own date (IssuedDate); for an incoming one not dated, its arrival day."""
    if document.issued_date is not None:
        return document.issued_date
    if document.arrival_date is not None:
        return document.arrival_date.astimezone(_VN_TZ).date()
    return None


def current_versions(document: Document) -> list[AttachmentVersion]:
    """The current version of each of the document's attachments, in attachment order (needs
    `prefetch_attachments` for a list of documents)."""
    versions = []
    for attachment in document.attachments.all():
        current = attachment.current
        if current is not None:
            versions.append(current)
    return versions


def prefetch_attachments(documents: Sequence[Document]) -> None:
    prefetch_related_objects(
        list(documents),
        Prefetch(
            "attachments",
            queryset=Attachment.objects.order_by("id").prefetch_related(
                Prefetch("versions", queryset=AttachmentVersion.objects.select_related("blob"))
            ),
        ),
    )


def _pdf_pages(version: AttachmentVersion) -> int | None:
    try:
        with default_storage.open(version.blob.storage_name, "rb") as handle:
            return len(PdfReader(handle, strict=False).pages)
    except Exception:  # a damaged or missing file: the count stays unknown
        return None


def document_pages(document: Document, *, read_files: bool) -> int | None:
    """PageAmount: the number recorded with the document, else (when `read_files`) the pages
    of its current PDF attachments; None when unknown."""
    if document.page_count:
        return document.page_count
    if not read_files:
        return None
    counts = [
        _pdf_pages(version)
        for version in current_versions(document)
        if version.blob.content_type == PDF
    ]
    known = [count for count in counts if count]
    return sum(known) if known else None


def summarize(items: Iterable[tuple[int, Document]], *, read_files: bool) -> FileSummary:
    """The summary of a file from its (ordinal, document) pairs still in it."""
    pairs = list(items)
    if read_files:
        prefetch_attachments([document for _ordinal, document in pairs])
    dates = [d for d in (document_date(document) for _ordinal, document in pairs) if d]
    pages = 0
    without: list[int] = []
    for ordinal, document in pairs:
        count = document_pages(document, read_files=read_files)
        if count is None:
            without.append(ordinal)
        else:
            pages += count
    return FileSummary(
        start_date=min(dates) if dates else None,
        end_date=max(dates) if dates else None,
        doc_total=len(pairs),
        page_total=pages,
        without_pages=tuple(without),
    )
