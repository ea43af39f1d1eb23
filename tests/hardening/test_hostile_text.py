"""Hostile text: markup and script in every text field (shown escaped, and the
Content-Security-Policy forbids inline script anyway), ten-megabyte subjects, NUL and other
control characters, SQL metacharacters in search, and look-alike (homoglyph) user names."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lienthong.accounts import services as accounts
from lienthong.documents import services as documents
from lienthong.documents.models import Document, DocumentType

from .conftest import FIGURES
from .world import World, actor_user

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>"\'&'
PAGES = ["/van-ban-den/", "/tim-kiem/?q=script", "/xu-ly/", "/bang-dieu-khien/"]


def _client(actor: str) -> Client:
    client = Client()
    client.force_login(actor_user(actor))
    return client


def test_markup_in_text_fields_is_shown_escaped_under_a_strict_csp(world: World, db: Any) -> None:
    clerk = actor_user("clerk")
    result = documents.register_incoming(
        actor=clerk,
        document_type=DocumentType.objects.get(name="Quyết định"),
        issuer_name=SCRIPT,
        code_number="9",
        code_notation="QĐ-UBND",
        issued_date=date(2026, 11, 2),
        subject=SCRIPT,
        signer_name="<script>alert(2)</script>",
        signer_position="<b onclick=alert(3)>Phó</b>",
    )
    assert result.document is not None
    client = _client("clerk")
    for url in [*PAGES, f"/van-ban/{result.document.pk}/", f"/xu-ly/van-ban/{result.document.pk}/"]:
        FIGURES["hostile inputs tried"] += 1
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<script>alert("xss")' not in page and "<img src=x" not in page, url
        if "van-ban/" in url:
            assert "&lt;script&gt;alert(" in page, url
        policy = response["Content-Security-Policy"]
        script_src = next(p for p in policy.split(";") if "script-src" in p)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    api = client.get(f"/api/v1/documents/{result.document.pk}/")
    assert api.json()["subject"] == SCRIPT  # the API returns the text as given, as JSON


@pytest.mark.parametrize(
    "subject,why",
    [
        ("V" * (10 << 20), "10 MB"),
        ("Quyết định\x00về việc", "NUL"),
        ("Quyết định\x1b[31m\x07", "control characters"),
    ],
    ids=["ten-megabytes", "nul", "control"],
)
def test_oversized_or_binary_subject_is_refused_clearly(
    world: World, db: Any, subject: str, why: str
) -> None:
    FIGURES["hostile inputs tried"] += 2
    client = _client("clerk")
    count = Document.objects.count()
    form = {
        "document_type": DocumentType.objects.get(name="Quyết định").pk,
        "issuer_name": "UBND tỉnh Cà Mau",
        "code_number": "12",
        "code_notation": "QĐ-UBND",
        "issued_date": "02/11/2026",
        "subject": subject,
    }
    page = client.post("/van-ban-den/vao-so/", form)
    if why == "10 MB":  # over DATA_UPLOAD_MAX_MEMORY_SIZE: refused before any view runs
        assert page.status_code == 400
    else:
        assert page.status_code == 200, why  # the form again, with its error
        assert "errorlist" in page.content.decode() or "error" in page.content.decode()
    api = client.post(
        "/api/v1/documents/incoming/",
        {**form, "document_type": form["document_type"], "issued_date": "2026-11-02"},
        content_type="application/json",
    )
    assert api.status_code == 400, (why, api.status_code)
    assert "subject" in api.json() or why == "10 MB", api.json()
    assert Document.objects.count() == count


SEARCHES = [
    "' OR '1'='1",
    "'; DROP TABLE documents_document; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "%' AND 1=CAST((SELECT version()) AS int) --",
    "1) UNION SELECT username, password FROM accounts_user --",
    "\x00",
    "Công văn mật",
    "*:* OR subject:*",
    "a & b | !c <-> d",
    "\ufb01 \uff4d\u1eadt \uff34\u00e0i",  # ligature and full-width look-alikes
]


@pytest.mark.parametrize("query", SEARCHES)
def test_sql_metacharacters_in_search_are_plain_text(world: World, db: Any, query: str) -> None:
    FIGURES["hostile inputs tried"] += 2
    client = _client("officer")
    secret = world.ids["secret_document"]
    page = client.get("/tim-kiem/", {"q": query})
    assert page.status_code == 200
    assert f"/van-ban/{secret}/" not in page.content.decode()
    api = client.get("/api/v1/documents/", {"q": query})
    assert api.status_code in (200, 400), api.status_code
    if api.status_code == 200:
        assert secret not in {d["id"] for d in api.json()["results"]}
    assert Document.objects.filter(pk=world.ids["document"]).exists()


@pytest.mark.parametrize(
    "username",
    ["v\u0430nthu.stp", "VANTHU.STP", "vanthu.stp\u200b", "../vanthu", "van thu", "vanthu\x00"],
    ids=["cyrillic-a", "upper-case", "zero-width", "traversal", "space", "nul"],
)
def test_look_alike_user_names_are_refused(world: World, db: Any, username: str) -> None:
    """An account whose name looks like the clerk's could be mistaken for it in every list."""
    FIGURES["hostile inputs tried"] += 1
    with pytest.raises(ValidationError):
        accounts.create_user(
            actor=None,
            username=username,
            full_name="Kẻ giả danh",
            password=None,
            agency=world.stp,
        )
