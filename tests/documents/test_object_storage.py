"""Attachments in S3-compatible object storage (as production may configure), against a local
S3 protocol server (moto's standalone server) started by the test."""

import io
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from lienthong.documents import services
from lienthong.documents.uploads import storage_name
from tests.conftest import free_port
from tests.documents import files


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to half a minute on a loaded machine
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_attachments_go_to_the_bucket_by_content_hash(
    s3_endpoint, clerk, register_incoming, run_tasks
) -> None:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="lienthong",
        aws_secret_access_key="lienthong-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="lienthong-files")
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "lienthong-files",
            "endpoint_url": s3_endpoint,
            "access_key": "lienthong",
            "secret_key": "lienthong-secret",
            "region_name": "us-east-1",
            "file_overwrite": False,
        },
    }
    from django.conf import settings

    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        doc = register_incoming()
        content = files.text_pdf("Quyết định lưu trữ trên kho đối tượng")
        version = services.add_attachment(
            actor=clerk, document=doc, upload=io.BytesIO(content), name="qd.pdf"
        )
        key = storage_name(version.blob.sha256)
        stored = client.get_object(Bucket="lienthong-files", Key=key)["Body"].read()
        assert stored == content
        assert default_storage.exists(key)
        run_tasks()  # the text job reads the file back from the bucket
        version.refresh_from_db()
        assert "kho đối tượng" in version.text
