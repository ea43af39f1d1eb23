"""The work-files REST API under /api/v1/, with token authentication: status and database
state, agency scoping (404) and role checks (403)."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from rest_framework.test import APIClient

from lienthong.documents.constants import Confidentiality
from lienthong.records.constants import CaseFileStatus
from lienthong.records.models import CaseFile, CaseFileItem, CatalogEntry, FileCatalog

from .conftest import api_client, retention

pytestmark = pytest.mark.django_db

FILES = "/api/v1/case-files/"
CATALOGS = "/api/v1/file-catalogs/"


def open_payload(**overrides):
    return {
        "title": "Hồ sơ kiện toàn tổ chức bộ máy",
        "notation": "05.TCCB",
        "year": 2026,
        "retention": retention().pk,
        **overrides,
    }


def test_anonymous_callers_get_401(db):
    for url in (FILES, CATALOGS, "/api/v1/retention-periods/"):
        assert APIClient().get(url).status_code == 401


def test_retention_periods(specialist):
    response = api_client(specialist).get("/api/v1/retention-periods/")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()][:2] == ["Vĩnh viễn", "70 năm"]
    assert response.json()[0]["years"] is None


def test_open_add_withdraw_close_reopen_and_export(specialist, clerk, register_incoming, agency):
    client = api_client(specialist)
    response = client.post(FILES, open_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["file_code"] == f"{agency.code}.2026.05.TCCB"
    assert body["organ_id"] == agency.code
    assert body["maintenance"] == "20 năm"
    assert body["status"] == "open"
    assert response["Location"].endswith(f"{FILES}{body['id']}/")
    pk = body["id"]

    documents = [register_incoming() for _ in range(3)]
    for n, document in enumerate(documents, start=1):
        response = client.post(f"{FILES}{pk}/documents/", {"document": document.pk}, format="json")
        assert response.status_code == 201
        assert response.json()["ordinal"] == n
    response = client.post(f"{FILES}{pk}/documents/", {"document": documents[0].pk}, format="json")
    assert response.status_code == 400
    assert "document" in response.json()

    response = client.post(
        f"{FILES}{pk}/withdraw/", {"ordinal": 2, "reason": "Bản trùng"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["withdrawn"] is True

    response = client.post(f"{FILES}{pk}/close/", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "closed"
    assert body["doc_total"] == 2
    assert body["page_total"] == 4
    assert [i["ordinal"] for i in body["items"]] == [1, 2, 3]
    assert [i["withdrawn"] for i in body["items"]] == [False, True, False]
    assert body["hidden_documents"] == 0

    response = client.get(f"{FILES}{pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    xml = next(name for name in archive.namelist() if name.endswith(".xml"))
    root = etree.fromstring(archive.read(xml))
    code = root.find("FileCode")
    assert [code.findtext(t) for t in ("OrganId", "FileCatalog", "FileNotation")] == [
        agency.code,
        "2026",
        "05.TCCB",
    ]
    assert [d.findtext("DocOrdinal") for d in root.findall("Documents/Document")] == ["1", "3"]

    response = client.post(f"{FILES}{pk}/reopen/", {"reason": ""}, format="json")
    assert response.status_code == 400
    response = api_client(clerk).post(
        f"{FILES}{pk}/reopen/", {"reason": "Bổ sung văn bản"}, format="json"
    )
    assert response.status_code == 200
    assert CaseFile.objects.get(pk=pk).status == CaseFileStatus.OPEN


def test_list_filters_and_scoping(open_file, specialist, colleague, other_clerk):
    mine = open_file(notation="01.TCCB")
    open_file(actor=colleague, notation="02.TCCB")
    response = api_client(specialist).get(FILES, {"mine": "true"})
    assert [f["id"] for f in response.json()["results"]] == [mine.pk]
    response = api_client(specialist).get(FILES, {"year": "2026", "status": "open"})
    assert len(response.json()["results"]) == 2
    assert api_client(other_clerk).get(FILES).json()["results"] == []


def test_another_agency_gets_404_and_nothing_changes(
    open_file, register_incoming, other_clerk, db_snapshot
):
    case_file = open_file()
    document = register_incoming()
    client = api_client(other_clerk)
    before = db_snapshot()
    assert client.get(f"{FILES}{case_file.pk}/").status_code == 404
    assert client.get(f"{FILES}{case_file.pk}/export/").status_code == 404
    for action, payload in (
        ("documents", {"document": document.pk}),
        ("withdraw", {"ordinal": 1, "reason": "x"}),
        ("close", {}),
        ("reopen", {"reason": "x"}),
    ):
        response = client.post(f"{FILES}{case_file.pk}/{action}/", payload, format="json")
        assert response.status_code == 404, action
    assert db_snapshot() == before


def test_a_specialist_cannot_add_a_confidential_document_they_cannot_see(
    open_file, register_incoming, specialist, db_snapshot
):
    case_file = open_file()
    secret = register_incoming(confidentiality=Confidentiality.TOP_SECRET)
    client = api_client(specialist)
    before = db_snapshot()
    response = client.post(
        f"{FILES}{case_file.pk}/documents/", {"document": secret.pk}, format="json"
    )
    assert response.status_code == 400
    assert "document" in response.json()
    assert db_snapshot() == before


def test_hidden_documents_are_counted_not_shown(open_file, register_incoming, clerk, colleague):
    case_file = open_file()
    secret = register_incoming(confidentiality=Confidentiality.CONFIDENTIAL, subject="Mật")
    from lienthong.records import services

    services.add_document(actor=clerk, case_file=case_file, document=secret)
    body = api_client(colleague).get(f"{FILES}{case_file.pk}/").json()
    assert body["items"] == []
    assert body["hidden_documents"] == 1
    assert api_client(colleague).get(f"{FILES}{case_file.pk}/export/").status_code == 403


def test_a_colleague_gets_403_on_changes(open_file, register_incoming, colleague, db_snapshot):
    case_file = open_file()
    document = register_incoming()
    client = api_client(colleague)
    before = db_snapshot()
    response = client.post(
        f"{FILES}{case_file.pk}/documents/", {"document": document.pk}, format="json"
    )
    assert response.status_code == 403
    assert db_snapshot() == before


def test_catalogue_through_the_api(clerk, specialist, unit):
    client = api_client(clerk)
    response = client.post(CATALOGS, {"year": 2026}, format="json")
    assert response.status_code == 201
    catalog_id = response.json()["id"]
    assert client.post(CATALOGS, {"year": 2026}, format="json").status_code == 400
    response = client.post(
        f"{CATALOGS}{catalog_id}/entries/",
        {
            "unit": unit.pk,
            "title": "Hồ sơ tuyển dụng công chức",
            "retention": retention().pk,
            "creator": specialist.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    entry = response.json()
    assert entry["notation"] == "01.TCCB"
    assert entry["case_file"] is None

    response = api_client(specialist).post(FILES, {"catalog_entry": entry["id"]}, format="json")
    assert response.status_code == 201
    assert response.json()["notation"] == "01.TCCB"
    detail = client.get(f"{CATALOGS}{catalog_id}/").json()
    assert detail["entries"][0]["case_file"] == response.json()["id"]

    response = api_client(specialist).post(CATALOGS, {"year": 2027}, format="json")
    assert response.status_code == 403
    assert FileCatalog.objects.count() == 1
    assert CatalogEntry.objects.count() == 1


def test_catalogue_of_another_agency_is_404(clerk, other_clerk, unit, db_snapshot):
    catalog_id = api_client(clerk).post(CATALOGS, {"year": 2026}, format="json").json()["id"]
    client = api_client(other_clerk)
    before = db_snapshot()
    assert client.get(f"{CATALOGS}{catalog_id}/").status_code == 404
    response = client.post(
        f"{CATALOGS}{catalog_id}/entries/",
        {"unit": unit.pk, "title": "x", "retention": retention().pk},
        format="json",
    )
    assert response.status_code == 404
    assert db_snapshot() == before
    assert not CaseFileItem.objects.exists()
