"""Checking and storing uploaded files: type by content, size limit, parseable PDFs and
OOXML, content-addressed storage through Django's storage API (local disk or S3)."""

from __future__ import annotations

import errno
import hashlib
import logging
import zipfile
from dataclasses import dataclass
from typing import IO

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject

from .constants import ALLOWED_TYPES, IMAGE_TYPES
from .models import Blob

logger = logging.getLogger(__name__)

# Write errors that mean the file store has no room left (a full disk or a quota).
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
}
# OOXML inside a zip: expanded size allowed relative to the packed size (zip bombs).
_MAX_EXPANSION = 100


@dataclass(frozen=True)
class CheckedFile:
    sha256: str
    size: int
    content_type: str


def _sniff(upload: IO[bytes]) -> str:
    upload.seek(0)
    head = upload.read(65536)
    upload.seek(0)
    return magic.from_buffer(head, mime=True)


def check_upload(upload: IO[bytes], name: str) -> CheckedFile:
    """Validate an uploaded file or raise ValidationError with a message for the user."""
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    limit = settings.LIENTHONG_MAX_UPLOAD_BYTES
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    content_type = _sniff(upload)
    if content_type in {"application/zip", "application/octet-stream"}:
        content_type = _ooxml_type(upload) or content_type
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, Word (DOCX), Excel (XLSX) or image file (its content "
                "is %(type)s), whatever its name says."
            )
            % {"name": name, "type": content_type},
            code="bad_type",
        )
    if content_type == "application/pdf":
        _check_pdf(upload, name)
    elif content_type in IMAGE_TYPES:
        _check_image(upload, name)
    elif content_type in _OOXML_MAIN:
        _check_ooxml(upload, name, content_type, size)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(sha256=digest.hexdigest(), size=size, content_type=content_type)


def _ooxml_type(upload: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for content_type, main in _OOXML_MAIN.items():
        if main in names:
            return content_type
    return None


def _check_pdf(upload: IO[bytes], name: str) -> None:
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("“%(name)s” is a password-protected PDF; upload it without a password.")
                % {"name": name},
                code="encrypted_pdf",
            )
        if len(reader.pages) == 0:
            raise PyPdfError("no pages")
        _check_pdf_contents(reader, name)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many types on malformed input
        raise ValidationError(
            _("“%(name)s” is not a readable PDF (%(error)s).")
            % {"name": name, "error": str(exc)[:200]},
            code="bad_pdf",
        ) from exc
    finally:
        upload.seek(0)


def _check_pdf_contents(reader: PdfReader, name: str) -> None:
    """Refuse a PDF whose page contents inflate to more than the limit (a “PDF bomb”: a few
    hundred kilobytes that expand to hundreds of megabytes of drawing operations, which would
    keep the OCR busy for minutes)."""
    limit = settings.LIENTHONG_MAX_PDF_CONTENT_MB * 1024 * 1024
    total = 0
    try:
        for page in reader.pages[: settings.LIENTHONG_MAX_TEXT_PAGES]:
            contents = page.get("/Contents")
            contents = contents.get_object() if contents is not None else None
            streams = contents if isinstance(contents, ArrayObject) else [contents]
            for stream in streams:
                if stream is not None:
                    total += len(stream.get_object().get_data())
            if total > limit:
                break
    except LimitReachedError:
        total = limit + 1
    if total > limit:
        raise ValidationError(
            _(
                "“%(name)s” expands to far more than its size; it is refused as a possible "
                "decompression bomb."
            )
            % {"name": name},
            code="pdf_bomb",
        )


def _check_image(upload: IO[bytes], name: str) -> None:
    """A readable image of a sensible size: a scan, not a decompression bomb (a few kilobytes
    that expand to gigabytes of pixels when the OCR reads them)."""
    limit = settings.LIENTHONG_MAX_IMAGE_PIXELS
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    _(
                        "“%(name)s” is %(width)s × %(height)s pixels; the limit is %(limit)s "  # noqa: RUF001
                        "million pixels."
                    )
                    % {"name": name, "width": width, "height": height, "limit": limit // 10**6},
                    code="image_too_large",
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("“%(name)s” has far too many pixels (over %(limit)s million).")
            % {"name": name, "limit": limit // 10**6},
            code="image_too_large",
        ) from exc
    except Exception as exc:  # Pillow raises many types on malformed input
        raise ValidationError(
            _("“%(name)s” is not a readable image (%(error)s).")
            % {"name": name, "error": str(exc)[:200]},
            code="bad_image",
        ) from exc
    finally:
        upload.seek(0)


def _check_ooxml(upload: IO[bytes], name: str, content_type: str, size: int) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(_("“%(name)s” is damaged.") % {"name": name}, code="bad_zip") from exc
    finally:
        upload.seek(0)
    if expanded > max(size * _MAX_EXPANSION, 50 * 1024 * 1024):
        raise ValidationError(
            _(
                "“%(name)s” expands to far more than its size; it is refused as a possible "
                "decompression bomb."
            )
            % {"name": name},
            code="zip_bomb",
        )


def storage_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_blob(upload: IO[bytes], checked: CheckedFile) -> tuple[Blob, bool]:
    """Store the content once under its hash; returns (blob, whether the file was new)."""
    existing = Blob.objects.filter(sha256=checked.sha256).first()
    if existing is not None and default_storage.exists(existing.storage_name):
        return existing, False
    name = storage_name(checked.sha256)
    created_file = False
    if not default_storage.exists(name):
        upload.seek(0)
        try:
            saved = default_storage.save(name, File(upload))
        except OSError as exc:
            _remove_partial(name, checked)
            if exc.errno in _NO_SPACE:
                logger.error("the file store is full: %s", exc)
                raise ValidationError(
                    _(
                        "The file store is full, so the file could not be saved; nothing was "
                        "recorded. Please tell the system administrator, then try again."
                    ),
                    code="storage_full",
                ) from exc
            raise
        if saved != name:  # the storage renamed it: a concurrent upload of the same content
            default_storage.delete(saved)
        created_file = True
    blob, _blob_created = Blob.objects.get_or_create(
        sha256=checked.sha256,
        defaults={"size": checked.size, "content_type": checked.content_type, "storage_name": name},
    )
    return blob, created_file


def _remove_partial(name: str, checked: CheckedFile) -> None:
    """After a failed write (a full disk): remove what the storage left of this content, the
    file under its own name unless it is complete (written by a concurrent upload) and any
    renamed copy (the storage adds a suffix when the name is taken). A blob's file is always
    stored under its own name, so a renamed copy is never in use."""
    try:
        if default_storage.exists(name) and default_storage.size(name) != checked.size:
            default_storage.delete(name)
        folder, _slash, base = name.rpartition("/")
        for other in default_storage.listdir(folder)[1]:
            if other != base and other.startswith(base):
                default_storage.delete(f"{folder}/{other}")
    except OSError:  # the storage itself is failing: leave the rest to the administrator
        logger.exception("could not remove the partial file %s", name)
