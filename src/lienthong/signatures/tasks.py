"""Background verification of stored PDFs. Idempotent: checking again records the same."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django_tasks import task

from lienthong.core.jobs import retrying
from lienthong.documents.models import Blob

from . import services


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=3)
def verify_blob(blob_id: int) -> None:
    blob = Blob.objects.filter(pk=blob_id).first()
    if blob is None:
        return
    with default_storage.open(blob.storage_name, "rb") as stored:
        data = stored.read()
    services.record_verification(blob=blob, report=services.verify_pdf(data))


@task(queue_name="default", takes_context=True)
@retrying(max_attempts=3)
def reverify_signed_files(fingerprints: list[str] | None = None) -> None:
    """After trust roots or revocations changed: check again every signed file they affect
    (all of them for a trust change; those signed with one of `fingerprints` for a
    revocation), one job per file."""
    services.enqueue_rechecks(fingerprints=fingerprints)


@task(queue_name="default")
def settle_remote_signature_task(signature_id: int) -> None:
    """Ask the provider how a pending remote signature stands (the polling path)."""
    services.settle_remote_signature(signature_id=signature_id)
