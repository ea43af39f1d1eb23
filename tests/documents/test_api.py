"""The REST API of official documents: registration, duplicates, validation, uploads,
issuing and numbering through /api/v1/, with agency scoping (404) and clerk-only writes (404 to
anyone else)."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfWriter
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lienthong.documents import services
from lienthong.documents.constants import Confidentiality, RegisterKind
from lienthong.documents.models import Document, NumberAllocation
from lienthong.documents.uploads import storage_name
from tests.documents.conftest import doc_type


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def incoming_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "document_type": doc_type("Quyết định").pk,
        "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
        "code_number": "1234",
        "code_notation": "QĐ-UBND",
        "issued_date": "2026-11-02",
        "subject": "Quyết định về việc cấp Giấy chứng nhận đăng ký kinh doanh",
        **overrides,
    }


def outgoing_payload(unit, recipient, **overrides: Any) -> dict[str, Any]:
    return {
        "document_type": doc_type("Quyết định").pk,
        "subject": "Quyết định ban hành quy chế văn thư",
        "drafting_unit": unit.pk,
        "recipient_agencies": [recipient.pk],
        "signer_name": "Dương Văn Thắng",
        "signer_position": "Giám đốc",
        **overrides,
    }


def upload(client: APIClient, document_id: int, content: bytes, name: str, **fields: Any):
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        f"/api/v1/documents/{document_id}/attachments/",
        {"file": file, **fields},
        format="multipart",
    )


@pytest.fixture
def outgoing_register(clerk):
    return services.ensure_register(
        agency=clerk.agency, year=timezone.localdate().year, kind=RegisterKind.OUTGOING
    )


# --- Authentication and reading ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/",
        "/api/v1/documents/1/",
        "/api/v1/registers/",
        "/api/v1/document-types/",
        "/api/v1/attachment-versions/1/file/",
    ],
)
def test_anonymous_gets_401(db, path) -> None:
    assert APIClient().get(path).status_code == 401
    assert APIClient().post("/api/v1/documents/incoming/", {}, format="json").status_code == 401


def test_document_types_are_listed(specialist) -> None:
    rows = client_for(specialist).get("/api/v1/document-types/").json()
    assert {"name": "Quyết định", "abbreviation": "QĐ"}.items() <= next(
        r for r in rows if r["name"] == "Quyết định"
    ).items()


# --- Incoming documents ------------------------------------------------------------------------


def test_register_incoming_by_api(clerk) -> None:
    client = client_for(clerk)
    response = client.post(
        "/api/v1/documents/incoming/",
        incoming_payload(urgency=2, page_count=3, signer_name="Nguyễn Văn Hùng"),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["arrival_number"] == 1 and body["arrival_date"]
    assert body["number_and_symbol"] == "1234/QĐ-UBND"
    assert body["direction"] == "incoming" and body["status"] == "registered"
    assert body["urgency"] == 2 and body["attachments"] == []
    assert response["Location"].endswith(f"/api/v1/documents/{body['id']}/")
    document = Document.objects.get(pk=body["id"])
    assert document.agency == clerk.agency and document.signer_name == "Nguyễn Văn Hùng"
    detail = client.get(f"/api/v1/documents/{document.pk}/")
    assert detail.status_code == 200 and detail.json()["subject"] == document.subject


def test_duplicate_gives_409_then_is_accepted_explicitly(clerk, db_snapshot) -> None:
    client = client_for(clerk)
    first = client.post("/api/v1/documents/incoming/", incoming_payload(), format="json").json()
    before = db_snapshot()
    again = incoming_payload(code_number=" 1234 ", issuer_name="ủy ban nhân dân tỉnh cà mau")
    response = client.post("/api/v1/documents/incoming/", again, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] and [d["id"] for d in body["duplicates"]] == [first["id"]]
    assert db_snapshot() == before
    response = client.post(
        "/api/v1/documents/incoming/", {**again, "accept_duplicate": True}, format="json"
    )
    assert response.status_code == 201 and response.json()["arrival_number"] == 2


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"subject": "   "}, "subject"),
        ({"code_notation": "TB-UBND"}, "code_notation"),
        ({"arrival_date": (timezone.now() + timedelta(days=2)).isoformat()}, "arrival_date"),
        ({"issued_date": "2026-13-40"}, "issued_date"),
        ({"issuer_name": ""}, "issuer_name"),
        ({"urgency": 9}, "urgency"),
        ({"document_type": 999999}, "document_type"),
        ({"signer_name": "x" * 51}, "signer_name"),
    ],
)
def test_bad_incoming_input_gets_400_and_stores_nothing(
    clerk, db_snapshot, overrides, field
) -> None:
    client = client_for(clerk)
    before = db_snapshot()
    response = client.post(
        "/api/v1/documents/incoming/", incoming_payload(**overrides), format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    assert db_snapshot() == before


def test_wrong_abbreviation_message_names_the_expected_one(clerk) -> None:
    response = client_for(clerk).post(
        "/api/v1/documents/incoming/", incoming_payload(code_notation="TB-UBND"), format="json"
    )
    assert "QĐ-" in response.json()["code_notation"][0]


# --- Attachments -------------------------------------------------------------------------------


def test_executable_named_pdf_is_refused_and_nothing_is_stored(
    clerk, register_incoming, db_snapshot
) -> None:
    document = register_incoming()
    content = open("/bin/true", "rb").read()  # noqa: SIM115
    client = client_for(clerk)
    before = db_snapshot()
    response = upload(client, document.pk, content, "quyet-dinh.pdf")
    assert response.status_code == 400
    assert "quyet-dinh.pdf" in response.json()["file"][0]
    assert db_snapshot() == before
    assert not default_storage.exists(storage_name(hashlib.sha256(content).hexdigest()))


def test_pdf_upload_new_version_and_download(clerk, unit, two_agencies) -> None:
    # An outgoing document being prepared: its files may still be replaced (issued or received
    # documents are final, see the next test).
    document = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Quyết định"),
        subject="Quyết định ban hành quy chế",
        drafting_unit=unit,
        recipient_agencies=[two_agencies[1]],
    )
    client = client_for(clerk)
    pdf = blank_pdf()
    response = upload(client, document.pk, pdf, "quyet-dinh.pdf", title="Bản ký số")
    assert response.status_code == 201, response.content
    version = response.json()
    assert version["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert version["size"] == len(pdf) and version["content_type"] == "application/pdf"
    assert version["version"] == 1 and version["text_status"] == "pending"
    assert version["ocr_used"] is False and version["original_name"] == "quyet-dinh.pdf"

    file = client.get(version["download_url"])
    assert file.status_code == 200 and b"".join(file.streaming_content) == pdf
    assert file["Content-Type"] == "application/pdf" and file["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in file["Content-Disposition"]
    assert client.get(version["download_url"], HTTP_ACCEPT="application/pdf").status_code == 200

    pdf2 = blank_pdf() + b"\n% second version\n"
    second = upload(client, document.pk, pdf2, "quyet-dinh-v2.pdf", replaces=version["attachment"])
    assert second.status_code == 201, second.content
    assert (second.json()["attachment"], second.json()["version"]) == (version["attachment"], 2)

    detail = client.get(f"/api/v1/documents/{document.pk}/").json()
    [attachment] = detail["attachments"]
    assert attachment["title"] == "Bản ký số"
    assert [v["version"] for v in attachment["versions"]] == [2, 1]
    assert attachment["versions"][1]["sha256"] == version["sha256"]
    metadata = client.get(f"/api/v1/attachment-versions/{version['id']}/")
    assert metadata.status_code == 200 and metadata.json()["sha256"] == version["sha256"]


def test_a_received_document_is_final_even_for_an_appended_update(
    clerk, register_incoming, db_snapshot
) -> None:
    client = client_for(clerk)
    document = register_incoming()
    first = upload(client, document.pk, blank_pdf(), "quyet-dinh.pdf").json()
    before = db_snapshot()
    appended = blank_pdf() + b"\n% an incremental update\n"
    response = upload(client, document.pk, appended, "v2.pdf", replaces=first["attachment"])
    assert response.status_code == 400, response.content
    assert "thay thế" in response.json()["replaces"][0]
    assert db_snapshot() == before


def test_replacing_an_attachment_of_another_document_is_refused(
    clerk, register_incoming, db_snapshot
) -> None:
    client = client_for(clerk)
    first = upload(client, register_incoming().pk, blank_pdf(), "a.pdf").json()
    other = register_incoming()
    before = db_snapshot()
    response = upload(client, other.pk, blank_pdf(), "b.pdf", replaces=first["attachment"])
    assert response.status_code == 400 and response.json()["replaces"]
    assert db_snapshot() == before


# --- Agency scoping and roles ------------------------------------------------------------------


def test_officer_of_another_agency_gets_404_and_changes_nothing(
    clerk, other_clerk, register_incoming, unit, two_agencies, outgoing_register, db_snapshot
) -> None:
    incoming = register_incoming()
    version = services.add_attachment(
        actor=clerk, document=incoming, upload=io.BytesIO(blank_pdf()), name="a.pdf"
    )
    outgoing = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Quyết định"),
        subject="Quyết định nội bộ",
        drafting_unit=unit,
        recipient_agencies=[two_agencies[1]],
    )
    reserved = services.reserve_number(actor=clerk, register=outgoing_register, note="QĐ")
    client = client_for(other_clerk)  # a clerk, but of Sở Nội vụ
    before = db_snapshot()
    assert client.get(f"/api/v1/documents/{incoming.pk}/").status_code == 404
    assert client.get("/api/v1/documents/999999/").status_code == 404
    assert client.get("/api/v1/documents/").json()["results"] == []
    assert upload(client, incoming.pk, blank_pdf(), "x.pdf").status_code == 404
    assert client.post(f"/api/v1/documents/{outgoing.pk}/issue/", {}).status_code == 404
    assert client.get(f"/api/v1/attachment-versions/{version.pk}/").status_code == 404
    assert client.get(f"/api/v1/attachment-versions/{version.pk}/file/").status_code == 404
    register_url = f"/api/v1/registers/{outgoing_register.pk}/"
    assert client.get(register_url).status_code == 404
    assert client.get(register_url + "allocations/").status_code == 404
    assert client.post(register_url + "reserve/", {"note": "x"}).status_code == 404
    release = {"allocation": reserved.pk, "reason": "x"}
    assert client.post(register_url + "release/", release).status_code == 404
    assert db_snapshot() == before
    outgoing.refresh_from_db()
    assert outgoing.status == "draft"


def test_specialist_reads_but_gets_404_on_writes(
    clerk, specialist, register_incoming, unit, two_agencies, outgoing_register, db_snapshot
) -> None:
    incoming = register_incoming()
    outgoing = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Quyết định"),
        subject="Quyết định nội bộ",
        drafting_unit=unit,
        recipient_agencies=[two_agencies[1]],
    )
    reserved = services.reserve_number(actor=clerk, register=outgoing_register, note="QĐ")
    client = client_for(specialist)
    assert client.get(f"/api/v1/documents/{incoming.pk}/").status_code == 200
    assert len(client.get("/api/v1/documents/").json()["results"]) == 2
    before = db_snapshot()
    writes = [
        client.post("/api/v1/documents/incoming/", incoming_payload(), format="json"),
        client.post(
            "/api/v1/documents/outgoing/",
            outgoing_payload(unit, two_agencies[1]),
            format="json",
        ),
        client.post(f"/api/v1/documents/{outgoing.pk}/issue/", {}, format="json"),
        upload(client, incoming.pk, blank_pdf(), "a.pdf"),
        client.post(f"/api/v1/registers/{outgoing_register.pk}/reserve/", {"note": "x"}),
        client.post(
            f"/api/v1/registers/{outgoing_register.pk}/release/",
            {"allocation": reserved.pk, "reason": "x"},
        ),
    ]
    # Only the clerk registers: to anyone else the writes do not exist (404, as a missing or
    # forbidden object; docs/architecture.md).
    assert [w.status_code for w in writes] == [404] * len(writes)
    assert db_snapshot() == before


def test_confidential_document_is_404_for_a_specialist(
    clerk, specialist, register_incoming
) -> None:
    secret = register_incoming(confidentiality=Confidentiality.SECRET)
    assert client_for(specialist).get(f"/api/v1/documents/{secret.pk}/").status_code == 404
    assert client_for(clerk).get(f"/api/v1/documents/{secret.pk}/").status_code == 200


# --- Search and pages --------------------------------------------------------------------------


def test_search_without_tone_marks_and_filters(clerk, register_incoming, run_tasks) -> None:
    wanted = register_incoming(
        subject="Quyết định về việc cấp Giấy chứng nhận đăng ký kinh doanh", urgency=1
    )
    other = register_incoming(subject="Thông báo lịch tiếp công dân tháng 12")
    client = client_for(clerk)
    run_tasks()

    def ids(**params: Any) -> list[int]:
        response = client.get("/api/v1/documents/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(q="dang ky kinh doanh") == [wanted.pk]
    assert ids(q="ĐĂNG KÝ kinh") == [wanted.pk]
    assert ids(q="dang ky ket hon") == []
    assert ids() == [other.pk, wanted.pk]
    assert ids(urgency=1) == [wanted.pk]
    assert ids(direction="outgoing") == []
    assert ids(document_type=doc_type("Quyết định").pk, q="thong bao") == [other.pk]
    assert ids(register=wanted.register_id) == [other.pk, wanted.pk]
    today = timezone.localdate()
    assert ids(date_from=today.isoformat(), date_to=today.isoformat()) == [other.pk, wanted.pk]
    assert ids(date_to=(today - timedelta(days=1)).isoformat()) == []
    assert client.get("/api/v1/documents/", {"date_from": "not-a-date"}).status_code == 400


def test_keyset_pages_without_count(clerk, register_incoming, run_tasks) -> None:
    docs = [register_incoming(subject=f"Kế hoạch kiểm tra số {i}") for i in range(5)]
    run_tasks()
    client = client_for(clerk)
    seen: list[int] = []
    url: str | None = "/api/v1/documents/?q=ke+hoach&page_size=2"
    with CaptureQueriesContext(connection) as queries:
        while url:
            body = client.get(url).json()
            seen.extend(row["id"] for row in body["results"])
            url = body["next"]
    assert seen == sorted((d.pk for d in docs), reverse=True)
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert client.get("/api/v1/documents/?cursor=garbage").json()["results"] == []


# --- Outgoing documents and numbers --------------------------------------------------------------


@pytest.mark.usefixtures("in_november_2026")
def test_record_and_issue_outgoing(clerk, unit, two_agencies) -> None:
    client = client_for(clerk)
    response = client.post(
        "/api/v1/documents/outgoing/",
        outgoing_payload(unit, two_agencies[1], copies=5),
        format="json",
    )
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and draft["number_and_symbol"] == ""
    assert draft["recipient_agencies"] == [two_agencies[1].pk]
    issued = client.post(
        f"/api/v1/documents/{draft['id']}/issue/", {"issued_date": "2026-04-03"}, format="json"
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["number_and_symbol"] == "01/QĐ-STP"
    assert issued.json()["issued_date"] == "2026-04-03" and issued.json()["status"] == "issued"
    again = client.post(f"/api/v1/documents/{draft['id']}/issue/", {}, format="json")
    assert again.status_code == 400 and again.json()["non_field_errors"]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"recipient_agencies": []}, "recipient_agencies"),
        ({"drafting_unit": None, "document_type": None}, "drafting_unit"),
        ({"copies": 0}, "copies"),
        ({"subject": ""}, "subject"),
    ],
)
def test_bad_outgoing_input(clerk, unit, two_agencies, db_snapshot, overrides, field) -> None:
    payload = outgoing_payload(unit, two_agencies[1], **overrides)
    if payload["document_type"] is None:
        payload["document_type"] = doc_type("Công văn").pk
    client = client_for(clerk)
    before = db_snapshot()
    response = client.post("/api/v1/documents/outgoing/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    assert db_snapshot() == before


def test_drafting_unit_of_another_agency_is_unknown(clerk, unit, two_agencies, db_snapshot) -> None:
    from lienthong.accounts import services as account_services

    foreign = account_services.create_unit(
        actor=None, agency=two_agencies[1], name="Phòng Tổ chức", abbreviation="TC"
    )
    client = client_for(clerk)
    before = db_snapshot()
    response = client.post(
        "/api/v1/documents/outgoing/",
        outgoing_payload(unit, two_agencies[1], drafting_unit=foreign.pk),
        format="json",
    )
    assert response.status_code == 400 and response.json()["drafting_unit"]
    assert db_snapshot() == before


def test_reserve_issue_with_reservation_and_release(
    clerk, unit, two_agencies, outgoing_register
) -> None:
    client = client_for(clerk)
    registers = client.get("/api/v1/registers/").json()["results"]
    assert [r["id"] for r in registers] == [outgoing_register.pk]
    url = f"/api/v1/registers/{outgoing_register.pk}/"
    first = client.post(url + "reserve/", {"note": "Quyết định quy chế"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["number"] == 1 and first.json()["status"] == "reserved"
    second = client.post(url + "reserve/", {"note": "Thông báo"}, format="json").json()
    assert second["number"] == 2
    assert [a["number"] for a in client.get(url + "allocations/").json()] == [1, 2]

    draft = client.post(
        "/api/v1/documents/outgoing/", outgoing_payload(unit, two_agencies[1]), format="json"
    ).json()
    issued = client.post(
        f"/api/v1/documents/{draft['id']}/issue/",
        {"reservation": first.json()["id"]},
        format="json",
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["number_and_symbol"] == "01/QĐ-STP"
    assert NumberAllocation.objects.get(pk=first.json()["id"]).status == "used"

    no_reason = client.post(url + "release/", {"allocation": second["id"], "reason": " "})
    assert no_reason.status_code == 400 and no_reason.json()["reason"]
    released = client.post(url + "release/", {"allocation": second["id"], "reason": "Không dùng"})
    assert released.status_code == 200, released.content
    assert released.json()["status"] == "released"
    used = client.post(url + "release/", {"allocation": first.json()["id"], "reason": "x"})
    assert used.status_code == 400 and used.json()["non_field_errors"]
    again = client.post(url + "reserve/", {"note": "Kế hoạch"}, format="json").json()
    assert again["number"] == 2  # a released number is handed out again first


def test_numbers_are_not_reserved_in_an_incoming_register(clerk, register_incoming) -> None:
    register = register_incoming().register
    response = client_for(clerk).post(f"/api/v1/registers/{register.pk}/reserve/", {"note": "x"})
    assert response.status_code == 400 and response.json()["non_field_errors"]


def test_issue_with_a_reservation_of_another_agency_is_refused(
    clerk, other_clerk, unit, two_agencies
) -> None:
    theirs = services.ensure_register(
        agency=other_clerk.agency, year=date.today().year, kind=RegisterKind.OUTGOING
    )
    reservation = services.reserve_number(actor=other_clerk, register=theirs, note="x")
    client = client_for(clerk)
    draft = client.post(
        "/api/v1/documents/outgoing/", outgoing_payload(unit, two_agencies[1]), format="json"
    ).json()
    response = client.post(
        f"/api/v1/documents/{draft['id']}/issue/", {"reservation": reservation.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["reservation"]


# --- Schema --------------------------------------------------------------------------------------


def test_openapi_schema_describes_the_documents_api(db, client) -> None:
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/documents/",
        "/api/v1/documents/{id}/",
        "/api/v1/documents/incoming/",
        "/api/v1/documents/outgoing/",
        "/api/v1/documents/{id}/issue/",
        "/api/v1/documents/{id}/attachments/",
        "/api/v1/attachment-versions/{id}/file/",
        "/api/v1/registers/",
        "/api/v1/registers/{id}/reserve/",
        "/api/v1/registers/{id}/release/",
        "/api/v1/document-types/",
    ]:
        assert path in paths, path
    incoming = paths["/api/v1/documents/incoming/"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409"} <= set(incoming)
    assert "clerk" in incoming["404"]["description"]
    upload_body = paths["/api/v1/documents/{id}/attachments/"]["post"]["requestBody"]
    assert "multipart/form-data" in upload_body["content"]
    listing = {p["name"] for p in paths["/api/v1/documents/"]["get"]["parameters"]}
    assert {"q", "cursor", "direction", "document_type", "urgency", "register"} <= listing
