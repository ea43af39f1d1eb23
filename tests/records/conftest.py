from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pypdf import PdfWriter
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, Unit, User
from lienthong.documents import services as document_services
from lienthong.documents.models import Document, DocumentType
from lienthong.records import services
from lienthong.records.models import CaseFile, RetentionPeriod


@pytest.fixture
def agency(two_agencies) -> Agency:
    return two_agencies[0]


@pytest.fixture
def other_agency(two_agencies) -> Agency:
    return two_agencies[1]


@pytest.fixture
def unit(agency) -> Unit:
    return account_services.create_unit(
        actor=None, agency=agency, name="Phòng Tổ chức cán bộ", abbreviation="TCCB"
    )


@pytest.fixture
def clerk(agency, user_factory) -> User:
    return user_factory(agency, [Role.CLERK], username="vanthu.stp")


@pytest.fixture
def specialist(agency, unit, user_factory) -> User:
    return user_factory(agency, [Role.SPECIALIST], unit=unit, username="chuyenvien.stp")


@pytest.fixture
def colleague(agency, user_factory) -> User:
    """Another specialist of the same agency."""
    return user_factory(agency, [Role.SPECIALIST], username="chuyenvien2.stp")


@pytest.fixture
def leader(agency, user_factory) -> User:
    return user_factory(agency, [Role.AGENCY_LEADER], username="giamdoc.stp")


@pytest.fixture
def other_clerk(other_agency, user_factory) -> User:
    return user_factory(other_agency, [Role.CLERK], username="vanthu.snv")


@pytest.fixture
def other_specialist(other_agency, user_factory) -> User:
    return user_factory(other_agency, [Role.SPECIALIST], username="chuyenvien.snv")


def retention(name: str = "20 năm") -> RetentionPeriod:
    return RetentionPeriod.objects.get(name=name)


def doc_type(name: str) -> DocumentType:
    return DocumentType.objects.get(name=name)


@pytest.fixture
def register_incoming(clerk) -> Callable[..., Document]:
    counter = iter(range(1, 100_000))

    def make(actor: User | None = None, **overrides: Any) -> Document:
        n = next(counter)
        fields: dict[str, Any] = {
            "document_type": doc_type("Quyết định"),
            "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
            "code_number": str(100 + n),
            "code_notation": "QĐ-UBND",
            "issued_date": date(2026, 3, n % 28 + 1),
            "subject": f"Quyết định về việc kiện toàn tổ chức bộ máy số {n}",
            "signer_name": "Lê Văn Sử",
            "signer_position": "Phó Chủ tịch",
            "page_count": 2,
        }
        fields.update(overrides)
        result = document_services.register_incoming(actor=actor or clerk, **fields)
        assert result.document is not None
        return result.document

    return make


@pytest.fixture
def open_file(specialist) -> Callable[..., CaseFile]:
    counter = iter(range(1, 1000))

    def make(actor: User | None = None, **overrides: Any) -> CaseFile:
        fields: dict[str, Any] = {
            "title": "Hồ sơ kiện toàn tổ chức bộ máy Sở Tư pháp năm 2026",
            "notation": f"{next(counter):02d}.TCCB",
            "year": 2026,
            "retention": retention(),
        }
        fields.update(overrides)
        return services.open_file(actor=actor or specialist, **fields)

    return make


def blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def attach_pdf(clerk) -> Callable[..., Any]:
    def attach(document: Document, pages: int = 1, name: str = "quyet-dinh.pdf") -> Any:
        return document_services.add_attachment(
            actor=clerk, document=document, upload=io.BytesIO(blank_pdf(pages)), name=name
        )

    return attach


def api_client(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    """Attachment files of these tests go to a directory of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"
