"""A full disk on upload: the file store is a tiny tmpfs (a real file system that runs out of
room), filled to the last byte. Uploading an attachment to a document, a paper to a one-stop
dossier and a new version of a draft, through the API and the attachment page, is refused with a
clear Vietnamese message (API: 507 Insufficient Storage), the database is unchanged and no
partial file is left; once room is made, the same upload succeeds.

Mounting needs root (scripts/test runs as root in CI); without it the test fails and says so."""

from __future__ import annotations

import errno
import io
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from lienthong.accounts.models import User
from lienthong.catalogue.models import Procedure
from lienthong.documents.models import DocumentType
from lienthong.drafting import services as drafting
from lienthong.onestop import services as onestop
from tests.documents import files

from .conftest import FIGURES
from .world import World

STORE_FULL = "Kho lưu trữ tệp đã đầy"  # the start of the Vietnamese message


@pytest.fixture
def tiny_store(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs as MEDIA_ROOT, unmounted at the end."""
    mount_point = tmp_path / "kho-tep"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            "The full-disk test mounts a small tmpfs as the file store and needs root "
            f"(scripts/test runs as root): mount said {done.stderr.strip()!r}"
        )
    try:
        with override_settings(MEDIA_ROOT=str(mount_point)):
            yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(root: Path) -> Path:
    """Write a filler file until the file system refuses: not one byte is left."""
    filler = root / "filler.bin"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        while True:
            try:
                out.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                break
        while True:  # the last few bytes
            try:
                out.write(b"\0" * 512)
            except OSError:
                break
    return filler


def _files(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): p.stat().st_size
        for p in root.rglob("*")
        if p.is_file() and p.name != "filler.bin"
    }


def _pdf_upload(name: str, text: str) -> io.BytesIO:
    upload = io.BytesIO(files.text_pdf(text))
    upload.name = name
    return upload


def _api_attachment(client: Client, w: World, tag: str) -> Any:
    return client.post(
        f"/api/v1/documents/{w.ids['document']}/attachments/",
        {"file": _pdf_upload("cong-van.pdf", f"Công văn kèm theo {tag}")},
    )


def _page_attachment(client: Client, w: World, tag: str) -> Any:
    return client.post(
        f"/van-ban/{w.ids['document']}/dinh-kem/",
        {"file": _pdf_upload("to-trinh.pdf", f"Tờ trình kèm theo {tag}")},
        follow=True,
    )


def _dossier_paper(client: Client, dossier_id: int, tag: str) -> Any:
    return client.post(
        f"/api/v1/dossiers/{dossier_id}/papers/",
        {"file": _pdf_upload("giay-to.pdf", f"Bản sao giấy khai sinh {tag}")},
    )


def _draft_version(client: Client, draft_id: int, tag: str) -> Any:
    upload = io.BytesIO(files.docx(f"Dự thảo công văn, bản sửa {tag}."))
    upload.name = "du-thao.docx"
    return client.post(
        f"/api/v1/drafts/{draft_id}/versions/", {"file": upload, "note": "Sửa theo góp ý"}
    )


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_full_disk_refuses_uploads_cleanly_and_they_succeed_once_room_is_made(
    world: World, db: Any, tiny_store: Path, db_snapshot: Callable[[], dict[str, int]]
) -> None:
    officer = User.objects.get(username="chuyenvien.stp")
    draft = drafting.create_draft(
        actor=officer,
        document_type=DocumentType.objects.get(name="Công văn"),
        signer=User.objects.get(username="lanhdao.stp"),
        subject="V/v báo cáo sự cố hệ thống lưu trữ",
        recipient_agencies=[],
        external_recipients="Các phòng chuyên môn",
        upload=io.BytesIO(files.docx("Dự thảo ban đầu.")),
        file_name="du-thao.docx",
    )
    dossier = onestop.create_dossier(
        actor=User.objects.get(username="motcua.stp"),
        procedure=Procedure.objects.get(pk=world.ids["procedure"]),
        idempotency_key=uuid.uuid4(),
        applicant=onestop.Applicant(
            kind="citizen",
            name="Trần Văn Đầy",
            id_number="096188000999",
            phone="0913000999",
            email="day@example.vn",
            address="Phường 8, TP Cà Mau",
        ),
    )
    clerk, counter, drafter = (
        _client("vanthu.stp"),
        _client("motcua.stp"),
        _client(officer.username),
    )
    uploads: list[tuple[str, Callable[[str], Any]]] = [
        ("API: document attachment", lambda tag: _api_attachment(clerk, world, tag)),
        ("API: dossier paper", lambda tag: _dossier_paper(counter, dossier.pk, tag)),
        ("API: draft version", lambda tag: _draft_version(drafter, draft.pk, tag)),
    ]

    filler = _fill(tiny_store)
    before, files_before = db_snapshot(), _files(tiny_store)
    for label, send in uploads:
        response = send("lần 1")
        assert response.status_code == 507, (label, response.status_code, response.content)
        message = " ".join(response.json()["file"])
        assert message.startswith(STORE_FULL), (label, message)
        assert db_snapshot() == before, label
        assert _files(tiny_store) == files_before, label  # no partial file
        FIGURES["full-disk uploads refused"] += 1
    page = _page_attachment(clerk, world, "lần 1")
    assert page.status_code == 200
    assert STORE_FULL in page.content.decode()
    assert db_snapshot() == before
    assert _files(tiny_store) == files_before
    FIGURES["full-disk uploads refused"] += 1

    filler.unlink()  # the administrator makes room
    for label, send in uploads:
        response = send("lần 1")
        assert response.status_code == 201, (label, response.status_code, response.content)
    page = _page_attachment(clerk, world, "lần 1")
    assert STORE_FULL not in page.content.decode()
    after = db_snapshot()
    assert after["documents_attachmentversion"] == before["documents_attachmentversion"] + 2
    assert after["onestop_dossiercomponent"] == before["onestop_dossiercomponent"] + 1
    assert after["drafting_draftversion"] == before["drafting_draftversion"] + 1
    assert len(_files(tiny_store)) == len(files_before) + 4
