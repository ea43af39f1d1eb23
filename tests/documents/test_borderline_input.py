"""Valid or borderline input is answered, never with a server error (issue 15, finding 8): the
schema's optional fields left out, ids beyond the database's bigint range, dates from year 1 to
9999."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lienthong.accounts.constants import Role
from lienthong.documents.constants import EARLIEST_DOCUMENT_DATE
from lienthong.documents.models import Document
from tests.documents.conftest import doc_type

TOO_BIG = str(2**63)  # one past the largest bigint: SQLite cannot even bind it


def api(user: Any) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def test_outgoing_without_the_optional_drafting_unit(clerk, two_agencies, db_snapshot) -> None:
    client = api(clerk)
    body = {"subject": "Quyết định ban hành quy chế", "external_recipients": "Các sở, ngành"}
    response = client.post(
        "/api/v1/documents/outgoing/",
        {**body, "document_type": doc_type("Quyết định").pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Document.objects.get().drafting_unit is None

    # An official letter (công văn) needs its drafting unit: a 400 that says so.
    before = db_snapshot()
    response = client.post(
        "/api/v1/documents/outgoing/",
        {**body, "document_type": doc_type("Công văn").pk},
        format="json",
    )
    assert response.status_code == 400 and "drafting_unit" in response.json()
    assert db_snapshot() == before


def test_incoming_without_the_optional_number_and_symbol(clerk) -> None:
    response = api(clerk).post(
        "/api/v1/documents/incoming/",
        {
            "document_type": doc_type("Công văn").pk,
            "issuer_name": "Công ty TNHH Minh Phát",
            "issued_date": timezone.localdate().isoformat(),
            "subject": "Đề nghị cung cấp thông tin",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert (document.code_number, document.code_notation) == ("", "")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/documents/?register=" + TOO_BIG,
        "/api/v1/documents/?document_type=" + TOO_BIG,
        "/api/v1/documents/?register=-9223372036854775809",
        "/api/v1/documents/?register=0",
        "/api/v1/assignments/?document=" + TOO_BIG,
        "/api/v1/catalogue/procedures/?sector=" + TOO_BIG,
        "/api/v1/catalogue/procedures/?agency=" + TOO_BIG,
    ],
)
def test_ids_beyond_the_bigint_range_are_invalid_input(clerk, url: str) -> None:
    response = api(clerk).get(url)
    assert response.status_code == 400, (url, response.status_code)


def test_the_largest_id_is_valid_and_finds_nothing(clerk, register_incoming) -> None:
    register_incoming()
    response = api(clerk).get(f"/api/v1/documents/?register={2**63 - 1}")
    assert response.status_code == 200 and response.json()["results"] == []


def test_pages_refuse_ids_beyond_the_bigint_range(clerk, register_incoming) -> None:
    document = register_incoming()
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    page = client.get(reverse("documents:search"), {"register": TOO_BIG})
    assert page.status_code == 200 and page.context["form"].has_error("register")
    response = client.post(
        reverse("documents:add-attachment", args=[document.pk]), {"replaces": "abc"}
    )
    assert response.status_code == 302  # back to the document with the message, not a 500
    response = client.post(reverse("notifications:mark-all-read"), {"up_to": TOO_BIG})
    assert response.status_code < 500
    for after in (TOO_BIG, "abc", "-1"):
        assert client.get(reverse("notifications:list"), {"after": after}).status_code == 200


@pytest.mark.parametrize(
    "field,value",
    [
        ("issued_date", "0001-01-01"),
        ("issued_date", "1945-09-01"),
        ("issued_date", "9999-12-31"),
        ("due_date", "9999-12-31"),
        ("due_date", "0001-01-01"),
        ("arrival_date", "0001-01-01T00:00:00Z"),
        ("arrival_date", "9999-12-31T23:59:59Z"),
    ],
)
def test_document_dates_outside_the_sane_range_are_refused(
    clerk, db_snapshot, field: str, value: str
) -> None:
    before = db_snapshot()
    body = {
        "document_type": doc_type("Quyết định").pk,
        "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
        "code_number": "12",
        "code_notation": "QĐ-UBND",
        "issued_date": "1990-05-04",
        "subject": "Quyết định cũ",
        field: value,
    }
    response = api(clerk).post("/api/v1/documents/incoming/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert db_snapshot() == before


def test_the_first_day_of_the_republic_is_a_valid_document_date(clerk) -> None:
    assert date(1945, 9, 2) == EARLIEST_DOCUMENT_DATE
    body = {
        "document_type": doc_type("Quyết định").pk,
        "issuer_name": "Chính phủ lâm thời",
        "code_number": "1",
        "code_notation": "QĐ-UBND",
        "issued_date": "1945-09-02",
        "subject": "Tuyên ngôn độc lập (bản lưu)",
    }
    response = api(clerk).post("/api/v1/documents/incoming/", body, format="json")
    assert response.status_code == 201, response.content


def test_an_outgoing_reply_deadline_in_the_year_9999_is_refused(
    clerk, unit, two_agencies, db_snapshot
) -> None:
    before = db_snapshot()
    response = api(clerk).post(
        "/api/v1/documents/outgoing/",
        {
            "document_type": doc_type("Quyết định").pk,
            "subject": "Quyết định",
            "external_recipients": "Các sở",
            "due_date": "9999-12-31",
        },
        format="json",
    )
    assert response.status_code == 400 and "due_date" in response.json()
    assert db_snapshot() == before


def test_the_registration_page_refuses_year_one(clerk, two_agencies) -> None:
    client = Client()
    client.force_login(clerk)
    page = client.post(
        reverse("documents:register-incoming"),
        {
            "document_type": doc_type("Quyết định").pk,
            "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
            "issued_date": "0001-01-01",
            "subject": "Quyết định",
            "urgency": "0",
            "confidentiality": "0",
        },
    )
    assert page.status_code == 200 and page.context["form"].has_error("issued_date")
    assert not Document.objects.exists()


@pytest.mark.parametrize("raw", ["abc", TOO_BIG, "0"])
def test_the_counter_page_answers_a_procedure_that_is_no_id_with_404(
    two_agencies, user_factory, raw: str
) -> None:
    counter = user_factory(two_agencies[0], [Role.ONESTOP_OFFICER])
    client = Client(raise_request_exception=False)
    client.force_login(counter)
    assert client.get(reverse("onestop:intake"), {"procedure": raw}).status_code == 404
