"""The OpenAPI description of the upload endpoints: each operation that stores a file documents
the 507 answer of a full file store with its JSON body, and the body a real full store gives
(a tmpfs filled to the last byte) matches that description."""

from __future__ import annotations

import errno
import io
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client, override_settings
from drf_spectacular.generators import SchemaGenerator

from lienthong.accounts.constants import Role
from lienthong.documents import services as documents
from lienthong.documents.models import DocumentType
from tests.documents import files

# (path, method) of every operation that writes an uploaded file to the store
UPLOADS = {
    ("/api/v1/documents/{id}/attachments/", "post"),
    ("/api/v1/dossiers/{id}/papers/", "post"),
    ("/api/v1/drafts/", "post"),
    ("/api/v1/drafts/{id}/versions/", "post"),
    ("/api/v1/drafts/{id}/sign-off/", "post"),
}


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    return schema


def _storage_full(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    answer = schema["paths"][path][method]["responses"]["507"]
    body: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return body


def test_upload_operations_and_only_they_document_507_storage_full(db: Any) -> None:
    schema = _schema()
    documented = {
        (path, method)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "507" in operation.get("responses", {})
    }
    assert documented == UPLOADS
    for path, method in UPLOADS:
        operation = schema["paths"][path][method]
        assert "file store is full" in operation["responses"]["507"]["description"]
        body = _storage_full(schema, path, method)
        assert body["properties"]["file"] == {"type": "array", "items": {"type": "string"}}
        # the documented body accepts the answer's shape and refuses another
        jsonschema.validate({"file": ["Kho lưu trữ tệp đã đầy"]}, body)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"file": "not a list"}, body)


@pytest.fixture
def full_store(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs as MEDIA_ROOT, filled until the file system refuses (needs root, as
    scripts/test runs; the hardening suite's full-disk test does the same)."""
    mount_point = tmp_path / "kho-tep"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"mounting a small tmpfs needs root: {done.stderr.strip()!r}")
    try:
        with (mount_point / "filler.bin").open("wb", buffering=0) as out:
            for size in (65536, 512, 1):
                while True:
                    try:
                        out.write(b"\0" * size)
                    except OSError as exc:
                        assert exc.errno == errno.ENOSPC, exc
                        break
        with override_settings(MEDIA_ROOT=str(mount_point)):
            yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_the_507_body_of_a_full_store_matches_the_description(
    two_agencies: Any, user_factory: Any, full_store: Path
) -> None:
    clerk = user_factory(two_agencies[0], [Role.CLERK], username="vanthu.stp")
    document = documents.register_incoming(
        actor=clerk,
        document_type=DocumentType.objects.get(name="Quyết định"),
        issuer_name="Ủy ban nhân dân tỉnh Cà Mau",
        code_number="101",
        code_notation="QĐ-UBND",
        issued_date=date(2026, 11, 2),
        subject="Quyết định về việc kiện toàn tổ chức",
    ).document
    assert document is not None
    client = Client()
    client.force_login(clerk)
    upload = io.BytesIO(files.text_pdf("Công văn kèm theo"))
    upload.name = "cong-van.pdf"
    response = client.post(f"/api/v1/documents/{document.pk}/attachments/", {"file": upload})
    assert response.status_code == 507, response.content
    body = response.json()
    documented = _storage_full(_schema(), "/api/v1/documents/{id}/attachments/", "post")
    jsonschema.validate(body, documented)
    assert body["file"][0].startswith("Kho lưu trữ tệp đã đầy")
