"""What `documents` does when `core` announces something (lienthong.core.events); subscribed in
DocumentsConfig.ready()."""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage

from lienthong.core.backup import BackupError, Restored

from .models import Blob


def check_restored_blobs(event: Restored) -> None:
    """After a restore, every stored file a Blob row names must be there with its hash."""
    for blob in Blob.objects.iterator():
        with default_storage.open(blob.storage_name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != blob.sha256:
            raise BackupError(f"The restored file {blob.storage_name} does not match its row.")
