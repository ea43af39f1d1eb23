"""Hostile files uploaded through the attachment page as Sở Tư pháp's clerk: each is refused
with a clear message (and nothing is stored), or stored harmlessly (served only with a safe
type, as a sandboxed download or the browser's PDF viewer), and the background worker that reads
its text finishes every job without crashing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tasks_db.models import DBTaskResult

from lienthong.documents.constants import ProcessingStatus
from lienthong.documents.models import AttachmentVersion, Blob

from . import hostile
from .conftest import FIGURES
from .world import World, actor_user, run_jobs_here

# (file name, content, the message's tell-tale words or None when it may be stored)
REFUSED = "refused"
STORED = "stored"
FILES: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("bom.docx", hostile.docx_bomb, REFUSED, "bom"),
    ("bom.xlsx", hostile.xlsx_bomb, REFUSED, "bom"),
    ("leo-thu-muc.zip", hostile.zip_with_traversal, REFUSED, "PDF"),
    ("bom-long-nhau.docx", hostile.nested_zip_bomb, STORED, ""),
    ("bom-luong.pdf", hostile.pdf_flate_bomb, REFUSED, "bom"),
    ("cay-trang-vong.pdf", hostile.pdf_page_tree_cycle, REFUSED, "PDF"),
    ("ba-nghin-trang.pdf", hostile.pdf_many_pages, STORED, ""),
    ("cat-cut.pdf", hostile.pdf_truncated, REFUSED, "PDF"),
    ("hong.pdf", hostile.pdf_broken, REFUSED, "PDF"),
    ("javascript.pdf", hostile.pdf_with_javascript, STORED, ""),
    ("bom-anh.png", hostile.png_bomb, REFUSED, "điểm ảnh"),
    ("anh-cat-cut.png", hostile.png_truncated, REFUSED, "ảnh"),
    ("script.svg", hostile.svg_with_script, REFUSED, "PDF"),
    ("trang-web.pdf", hostile.html_named_pdf, REFUSED, "PDF"),
    ("da-hinh-html.pdf", hostile.pdf_html_polyglot, STORED, ""),
    ("da-hinh-zip.pdf", hostile.pdf_zip_polyglot, STORED, ""),
    ("binh-luan-script.jpg", hostile.jpeg_with_script_comment, STORED, ""),
    ("chuong-trinh.pdf", hostile.elf, REFUSED, "PDF"),
]


def _stored_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _upload(client: Client, document_id: int, name: str, content: bytes) -> Any:
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(f"/van-ban/{document_id}/dinh-kem/", {"file": upload}, follow=True)


@pytest.mark.parametrize("name,make,outcome,words", FILES, ids=[f[0] for f in FILES])
def test_hostile_file(
    world: World,
    db: Any,
    settings: Any,
    name: str,
    make: Callable[[], bytes],
    outcome: str,
    words: str,
) -> None:
    FIGURES["hostile inputs tried"] += 1
    settings.LIENTHONG_MAX_OCR_PAGES = 2  # the three-thousand-page PDF: OCR stops at the limit
    client = Client()
    client.force_login(actor_user("clerk"))
    document_id = world.ids["document"]
    versions, blobs, stored = (
        AttachmentVersion.objects.count(),
        Blob.objects.count(),
        _stored_files(),
    )
    response = _upload(client, document_id, name, make())
    assert response.status_code == 200
    page = response.content.decode()
    if outcome == REFUSED:
        assert "alert-error" in page or "error" in page, page[:500]
        assert words in page, f"the refusal of {name} does not say why"
        assert AttachmentVersion.objects.count() == versions
        assert Blob.objects.count() == blobs
        assert _stored_files() == stored
        return
    version = AttachmentVersion.objects.order_by("-pk").first()
    assert version is not None and AttachmentVersion.objects.count() == versions + 1, page[:2000]
    # The worker reads its text: every job ends (succeeded, or failed with a recorded error).
    run_jobs_here()
    version.refresh_from_db()
    assert version.text_status in {ProcessingStatus.DONE, ProcessingStatus.FAILED}
    assert not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
    # Served with its sniffed type, never sniffed again by the browser, never run as a page.
    download = client.get(f"/tep/{version.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == version.blob.content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in download["Content-Security-Policy"]
    assert not download["Content-Type"].startswith(("text/", "image/svg"))
