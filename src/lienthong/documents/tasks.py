"""Background jobs of the documents app. Each is idempotent: running it twice gives the same
result, so a job re-run after a crash is harmless."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django_tasks import task

from lienthong.core.jobs import retrying

from . import textextract
from .constants import ALLOWED_TYPES, ProcessingStatus
from .models import AttachmentVersion, Document, SearchEntry
from .search import fold, plain

logger = logging.getLogger(__name__)


def _document_text(document: Document) -> str:
    parts = [
        document.subject,
        document.number_and_symbol,
        document.code_number,
        document.code_notation,
        document.issuer_name,
        document.signer_name,
        document.document_type.name,
        document.to_places,
        document.external_recipients,
        document.description,
    ]
    texts = AttachmentVersion.objects.filter(attachment__document=document).values_list(
        "text", flat=True
    )
    parts.extend(texts)
    return "\n".join(p for p in parts if p)


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=5)
def index_document(document_id: int) -> None:
    """(Re)write the search entry of a document."""
    document = Document.objects.select_related("document_type").filter(pk=document_id).first()
    if document is None:
        return
    text = _document_text(document)
    with transaction.atomic():
        SearchEntry.objects.update_or_create(
            document=document, defaults={"folded": fold(text), "plain": plain(text)}
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM documents_search_fts WHERE rowid = %s", [document.pk])
                cursor.execute(
                    "INSERT INTO documents_search_fts(rowid, folded) VALUES (%s, %s)",
                    [document.pk, fold(text)],
                )


# The text of a file depends only on its content: versions sharing a stored file (a received
# copy shares the sender's, an upload of a file already stored shares it too) share its text.
FINISHED = (ProcessingStatus.DONE, ProcessingStatus.NOT_NEEDED)


@task(queue_name="default")
def extract_text(version_id: int) -> None:
    """Read or OCR the text of one attachment version, then re-index its document. The text
    goes to every version of the same stored file still waiting for it (and their documents are
    re-indexed), and a file whose text is already known is not read again."""
    version = (
        AttachmentVersion.objects.select_related("blob", "attachment").filter(pk=version_id).first()
    )
    if version is None or version.text_status in FINISHED:
        return
    known = (
        AttachmentVersion.objects.filter(blob_id=version.blob_id, text_status__in=FINISHED)
        .exclude(pk=version.pk)
        .first()
    )
    if known is not None:
        _share_text(
            version.blob_id, text=known.text, ocr_used=known.ocr_used, status=known.text_status
        )
        return
    AttachmentVersion.objects.filter(pk=version.pk).update(text_status=ProcessingStatus.RUNNING)
    try:
        with tempfile.TemporaryDirectory(prefix="lienthong-text-") as tmp:
            # Keep the usual extension: some readers (openpyxl) look at it.
            path = Path(tmp) / ("input" + ALLOWED_TYPES.get(version.blob.content_type, ""))
            with (
                default_storage.open(version.blob.storage_name, "rb") as src,
                open(path, "wb") as dst,
            ):
                shutil.copyfileobj(src, dst)
            result = textextract.extract(path, version.blob.content_type)
    except Exception as exc:
        logger.exception("text extraction failed for attachment version %s", version_id)
        AttachmentVersion.objects.filter(pk=version.pk).update(
            text_status=ProcessingStatus.FAILED, text_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        return
    _share_text(
        version.blob_id,
        text=result.text,
        ocr_used=result.ocr_used,
        status=ProcessingStatus.DONE,
        also=version.pk,
    )


def _share_text(
    blob_id: int, *, text: str, ocr_used: bool, status: str, also: int | None = None
) -> None:
    """Give the text of a stored file to its versions that wait for it (and to `also`, the
    version just read), then re-index their documents."""
    waiting = AttachmentVersion.objects.filter(blob_id=blob_id).exclude(text_status__in=FINISHED)
    if also is not None:
        waiting = AttachmentVersion.objects.filter(blob_id=blob_id).filter(
            Q(pk=also) | ~Q(text_status__in=FINISHED)
        )
    documents = set(waiting.values_list("attachment__document_id", flat=True))
    waiting.update(text=text, ocr_used=ocr_used, text_error="", text_status=status)
    for document_id in sorted(documents):
        index_document.enqueue(document_id)
