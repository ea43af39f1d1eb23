"""Background jobs of the documents app. Each is idempotent: running it twice gives the same
result, so a job re-run after a crash is harmless."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection, transaction
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


@task(queue_name="default")
def extract_text(version_id: int) -> None:
    """Read or OCR the text of one attachment version, then re-index its document."""
    version = (
        AttachmentVersion.objects.select_related("blob", "attachment").filter(pk=version_id).first()
    )
    if version is None or version.text_status in {
        ProcessingStatus.DONE,
        ProcessingStatus.NOT_NEEDED,
    }:
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
    AttachmentVersion.objects.filter(pk=version.pk).update(
        text=result.text, ocr_used=result.ocr_used, text_error="", text_status=ProcessingStatus.DONE
    )
    index_document.enqueue(version.attachment.document_id)
