from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.documents import services
from lienthong.documents.models import Document, DocumentType
from tests.conftest import run_tasks  # noqa: F401  (re-exported for explicit imports)


@pytest.fixture
def clerk(two_agencies, user_factory) -> User:
    return user_factory(two_agencies[0], [Role.CLERK], username="vanthu.stp")


@pytest.fixture
def other_clerk(two_agencies, user_factory) -> User:
    return user_factory(two_agencies[1], [Role.CLERK], username="vanthu.snv")


@pytest.fixture
def specialist(two_agencies, user_factory) -> User:
    return user_factory(two_agencies[0], [Role.SPECIALIST], username="chuyenvien.stp")


@pytest.fixture
def unit(two_agencies):
    return account_services.create_unit(
        actor=None, agency=two_agencies[0], name="Văn phòng Sở", abbreviation="VP"
    )


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
            "issued_date": date(2026, 11, 2),
            "subject": f"Quyết định về việc đăng ký kinh doanh số {n}",
        }
        fields.update(overrides)
        result = services.register_incoming(actor=actor or clerk, **fields)
        assert result.document is not None
        return result.document

    return make


@pytest.fixture
def agencies(two_agencies) -> tuple[Agency, Agency]:
    return two_agencies
