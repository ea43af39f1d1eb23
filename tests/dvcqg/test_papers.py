"""The papers of a dossier filed on the national portal: fetched from the portal (its
simulator) with the session, checked as any upload and against the declared size and hash,
stored as the dossier's components; one bad paper and nothing of the dossier is written."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from lienthong.documents.models import Blob
from lienthong.documents.uploads import storage_name
from lienthong.dvcqg import services
from lienthong.dvcqg.client import HttpPortalClient, PortalRefusal
from lienthong.dvcqg.models import NationalDossier
from lienthong.onestop.models import Dossier, DossierComponent
from tests.documents.files import text_pdf
from tests.onestop.conftest import World

from .conftest import Portal
from .test_pull import file_on_portal


def _paper(name: str, content: bytes, **declared: Any) -> dict[str, Any]:
    return {
        "TenTepDinhKem": name,
        "MaThanhPhanHoSo": "TP01",
        "NoiDung": base64.b64encode(content).decode(),
        **declared,
    }


def test_the_papers_are_fetched_checked_and_stored_as_components(
    world: World, portal: Portal
) -> None:
    application = text_pdf("Đơn đề nghị cấp giấy phép bưu chính")
    licence = text_pdf("Giấy chứng nhận đăng ký doanh nghiệp 2001234567")
    tracking = file_on_portal(
        portal,
        world.dept.code,
        TaiLieuNop=[
            _paper("Đơn đề nghị cấp giấy phép bưu chính.pdf", application),
            _paper("gcn-dkdn.pdf", licence, LoaiTep="application/pdf"),
            {"TenTepDinhKem": "bo.pdf", "DuongDanTaiTepTin": "/files/x", "IsDeleted": True},
        ],
    )
    result = services.pull_new_dossiers(actor=world.counter, agency=world.dept)
    assert result.refused == [] and len(result.imported) == 1
    dossier = result.imported[0]
    papers = list(DossierComponent.objects.filter(dossier=dossier).order_by("pk"))
    assert [(p.original_name, p.blob.sha256) for p in papers] == [
        ("Đơn đề nghị cấp giấy phép bưu chính.pdf", hashlib.sha256(application).hexdigest()),
        ("gcn-dkdn.pdf", hashlib.sha256(licence).hexdigest()),
    ]
    # The first is recognised as the procedure's application form by its name.
    assert papers[0].procedure_component == world.components[0]
    assert papers[1].procedure_component is None and papers[1].name == "gcn-dkdn.pdf"
    with default_storage.open(papers[1].blob.storage_name, "rb") as stored:
        assert stored.read() == licence
    assert portal.state.filed[tracking]["confirmed"] == dossier.code


@pytest.mark.parametrize(
    ("declared", "content", "reason"),
    [
        ({"MaBam": "0" * 64}, None, "does not match its hash"),
        ({"KichThuoc": 10}, None, "the portal declared 10"),
        ({"LoaiTep": "image/png"}, None, "is declared image/png"),
        ({}, b"MZ\x90\x00 not a paper at all", "is not a PDF, Word"),
        ({"DuongDanTaiTepTin": "http://example.org/files/1"}, None, "outside the portal"),
        ({"DuongDanTaiTepTin": "/files/none"}, None, "not found on the portal"),
    ],
)
def test_a_bad_paper_refuses_the_dossier_and_writes_nothing(
    world: World, portal: Portal, declared: dict[str, Any], content: bytes | None, reason: str
) -> None:
    good = text_pdf("Đơn đề nghị")
    bad = content or text_pdf("Giấy chứng nhận")
    tracking = file_on_portal(
        portal,
        world.dept.code,
        TaiLieuNop=[_paper("don.pdf", good), _paper("gcn.pdf", bad, **declared)],
    )
    blobs = Blob.objects.count()
    with translation.override("en"):
        result = services.pull_new_dossiers(actor=world.counter, agency=world.dept)
    assert result.imported == []
    [(code, message)] = result.refused
    assert code == tracking and reason in message and "gcn.pdf" in message
    assert not Dossier.objects.exists() and not NationalDossier.objects.exists()
    assert Blob.objects.count() == blobs
    assert not default_storage.exists(storage_name(hashlib.sha256(good).hexdigest()))
    assert portal.state.filed[tracking]["confirmed"] == ""  # still on the portal


def test_a_file_is_fetched_only_with_a_session_and_within_the_size_limit(
    world: World, portal: Portal
) -> None:
    content = text_pdf("Tờ khai")
    file_on_portal(portal, world.dept.code, TaiLieuNop=[_paper("to-khai.pdf", content)])
    [file_id] = portal.state.files
    client = HttpPortalClient(base_url=portal.url, username="tinh-ca-mau", password="mat-khau-thu")
    assert client.fetch_file(url=f"/files/{file_id}", max_bytes=len(content)) == content
    with pytest.raises(PortalRefusal, match="larger than"):
        client.fetch_file(url=f"/files/{file_id}", max_bytes=len(content) - 1)
    portal.state.sessions.clear()  # the session expired: logged in again, then fetched
    assert client.fetch_file(url=f"{portal.url}/files/{file_id}", max_bytes=10**6) == content
