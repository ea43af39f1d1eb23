"""The work-file pages: status and database state, with and without permission."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from lxml import etree

from lienthong.core.models import AuditEvent
from lienthong.documents.constants import Confidentiality
from lienthong.records import services
from lienthong.records.constants import CaseFileStatus
from lienthong.records.models import CaseFile, CaseFileItem, CatalogEntry, FileCatalog

from .conftest import retention

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def filed(open_file, register_incoming):
    """An open file of the specialist with two documents."""
    case_file = open_file(title="Hồ sơ kiện toàn bộ máy Sở Tư pháp")
    for subject in ("Quyết định thành lập phòng", "Quyết định bổ nhiệm trưởng phòng"):
        document = register_incoming(subject=subject)
        services.add_document(actor=case_file.creator, case_file=case_file, document=document)
    return case_file


def test_anonymous_visitors_are_sent_to_sign_in(client, filed):
    for url in (
        reverse("records:mine"),
        reverse("records:catalog"),
        reverse("records:detail", args=[filed.pk]),
        reverse("records:export", args=[filed.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/dang-nhap/" in response["Location"] or "login" in response["Location"]


def test_my_open_files(client, filed, specialist, colleague, django_assert_max_num_queries):
    login(client, specialist)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("records:mine"))
    assert response.status_code == 200
    assert filed.title in response.content.decode()
    login(client, colleague)
    assert filed.title not in client.get(reverse("records:mine")).content.decode()
    # …but the colleague sees it among the agency's files.
    page = client.get(reverse("records:list"), {"nam": filed.year}).content.decode()
    assert filed.title in page


def test_file_page_lists_the_documents_in_order(client, filed, specialist):
    login(client, specialist)
    response = client.get(reverse("records:detail", args=[filed.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert filed.file_code in page
    assert page.index("Quyết định thành lập phòng") < page.index("bổ nhiệm trưởng phòng")


def test_another_agency_gets_404_and_nothing_changes(client, filed, other_clerk, db_snapshot):
    login(client, other_clerk)
    item = CaseFileItem.objects.get(case_file=filed, ordinal=1)
    before = db_snapshot()
    for url in (
        reverse("records:detail", args=[filed.pk]),
        reverse("records:add-document", args=[filed.pk]),
        reverse("records:close", args=[filed.pk]),
        reverse("records:export", args=[filed.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("records:withdraw", args=[filed.pk, item.ordinal]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert client.post(reverse("records:close", args=[filed.pk]), {"title": "x"}).status_code == 404
    assert (
        client.post(reverse("records:reopen", args=[filed.pk]), {"reason": "x"}).status_code == 404
    )
    assert (
        client.post(
            reverse("records:add-document", args=[filed.pk]), {"document": item.document_id}
        ).status_code
        == 404
    )
    assert db_snapshot() == before


def test_opening_a_file_from_the_page(client, specialist, agency):
    login(client, specialist)
    response = client.get(reverse("records:open"))
    assert response.status_code == 200
    assert "creator" not in response.context["form"].fields  # only the clerk names another
    response = client.post(
        reverse("records:open"),
        {
            "title": "Hồ sơ hội nghị cán bộ, công chức năm 2026",
            "notation": "03.TCCB",
            "year": "2026",
            "retention": retention("10 năm").pk,
            "rights": "public",
            "language": "Tiếng Việt",
        },
    )
    case_file = CaseFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:detail", args=[case_file.pk])
    assert case_file.file_code == f"{agency.code}.2026.03.TCCB"


def test_opening_with_a_bad_number_shows_the_error(client, specialist):
    login(client, specialist)
    response = client.post(
        reverse("records:open"),
        {
            "title": "Hồ sơ",
            "notation": "TCCB",
            "retention": retention().pk,
            "rights": "public",
            "language": "Tiếng Việt",
        },
    )
    assert response.status_code == 200
    assert "05.VP" in response.content.decode()
    assert not CaseFile.objects.exists()


def test_a_leader_cannot_open_files(client, leader):
    login(client, leader)
    assert client.get(reverse("records:open")).status_code == 403


def test_adding_a_document_found_by_its_number(client, filed, specialist, register_incoming):
    document = register_incoming(code_number="777", subject="Công văn về việc bố trí trụ sở")
    login(client, specialist)
    url = reverse("records:add-document", args=[filed.pk])
    page = client.get(url, {"q": "777/QĐ-UBND"}).content.decode()
    assert "bố trí trụ sở" in page
    page = client.get(url, {"q": "bố trí trụ sở"}).content.decode()
    assert "bố trí trụ sở" in page
    response = client.post(url + "?q=777", {"document": document.pk})
    assert response.status_code == 302
    item = CaseFileItem.objects.get(case_file=filed, document=document)
    assert item.ordinal == 3
    # Already in the file: no longer offered.
    assert client.get(url, {"q": "777"}).context["candidates"] == []


def test_a_specialist_cannot_add_a_confidential_document(
    client, filed, specialist, register_incoming, db_snapshot
):
    secret = register_incoming(
        subject="Quyết định mật về nhân sự", confidentiality=Confidentiality.SECRET
    )
    login(client, specialist)
    url = reverse("records:add-document", args=[filed.pk])
    response = client.get(url, {"q": "nhân sự"})
    assert response.context["candidates"] == []
    assert "Quyết định mật" not in response.content.decode()
    before = db_snapshot()
    assert client.post(url, {"document": secret.pk}).status_code == 404
    assert db_snapshot() == before


def test_a_colleague_may_see_but_not_change_the_file(
    client, filed, colleague, register_incoming, db_snapshot
):
    document = register_incoming()
    login(client, colleague)
    assert client.get(reverse("records:detail", args=[filed.pk])).status_code == 200
    before = db_snapshot()
    url = reverse("records:add-document", args=[filed.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"document": document.pk}).status_code == 403
    assert client.post(reverse("records:close", args=[filed.pk]), {"title": "x"}).status_code == 403
    assert db_snapshot() == before


def test_withdraw_close_and_reopen(client, filed, specialist, clerk):
    login(client, specialist)
    response = client.post(reverse("records:withdraw", args=[filed.pk, 2]), {"reason": "Bản trùng"})
    assert response.status_code == 302
    assert CaseFileItem.objects.get(case_file=filed, ordinal=2).removal_reason == "Bản trùng"
    page = client.get(reverse("records:detail", args=[filed.pk])).content.decode()
    assert "Bản trùng" in page

    assert client.get(reverse("records:close", args=[filed.pk])).status_code == 200
    response = client.post(
        reverse("records:close", args=[filed.pk]),
        {"title": "Hồ sơ kiện toàn bộ máy (hoàn chỉnh)", "retention": retention("Vĩnh viễn").pk},
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == CaseFileStatus.CLOSED
    assert filed.doc_total == 1
    assert filed.retention.name == "Vĩnh viễn"

    login(client, clerk)
    response = client.post(reverse("records:reopen", args=[filed.pk]), {"reason": ""})
    filed.refresh_from_db()
    assert filed.status == CaseFileStatus.CLOSED  # no reason, no reopening
    client.post(reverse("records:reopen", args=[filed.pk]), {"reason": "Bổ sung văn bản"})
    filed.refresh_from_db()
    assert filed.status == CaseFileStatus.OPEN
    assert AuditEvent.objects.for_object(filed).filter(action="case_file.reopened").exists()


def test_catalogue_page_create_and_add_entries(client, clerk, unit, specialist):
    login(client, clerk)
    page = client.get(reverse("records:catalog"), {"nam": 2026}).content.decode()
    assert "2026" in page
    response = client.post(
        reverse("records:create-catalog"), {"year": 2026, "numbering": "per_heading"}
    )
    assert response.status_code == 302
    catalog = FileCatalog.objects.get()
    url = reverse("records:add-entry", args=[catalog.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "unit": unit.pk,
            "title": "Hồ sơ tuyển dụng công chức",
            "retention": retention().pk,
            "creator": specialist.pk,
        },
    )
    assert response.status_code == 302
    entry = CatalogEntry.objects.get()
    assert entry.notation == "01.TCCB"
    page = client.get(reverse("records:catalog"), {"nam": 2026}).content.decode()
    assert "I. PHÒNG TỔ CHỨC CÁN BỘ" in page
    assert "Hồ sơ tuyển dụng công chức" in page

    login(client, specialist)
    assert (
        client.post(url, {"unit": unit.pk, "title": "x", "retention": retention().pk}).status_code
        == 403
    )
    response = client.get(reverse("records:open"), {"muc": entry.pk})
    assert response.status_code == 200
    response = client.post(
        reverse("records:open"),
        {"catalog_entry": entry.pk, "rights": "public", "language": "Tiếng Việt"},
    )
    assert response.status_code == 302
    assert CaseFile.objects.get().catalog_entry == entry


def test_retention_table_page(client, specialist):
    login(client, specialist)
    page = client.get(reverse("records:retention")).content.decode()
    assert "Vĩnh viễn" in page and "Thông tư 10/2022/TT-BNV" in page


def test_export_downloads(client, filed, specialist):
    login(client, specialist)
    response = client.get(reverse("records:export", args=[filed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert ".zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    xml = next(n for n in archive.namelist() if n.endswith(".xml"))
    root = etree.fromstring(archive.read(xml))
    assert root.findtext("FileCode/FileNotation") == filed.notation
    assert root.findtext("DocTotal") == "2"
    response = client.get(reverse("records:export", args=[filed.pk]), {"dinh-dang": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(reverse("records:export", args=[filed.pk]), {"dinh-dang": "xml"})
    assert etree.fromstring(response.content).findtext("Title") == filed.title
    assert AuditEvent.objects.for_object(filed).filter(action="case_file.exported").count() == 3


def test_export_refused_when_the_file_holds_documents_hidden_from_the_user(
    client, filed, clerk, colleague, register_incoming
):
    secret = register_incoming(confidentiality=Confidentiality.CONFIDENTIAL)
    services.add_document(actor=clerk, case_file=filed, document=secret)
    login(client, colleague)
    page = client.get(reverse("records:detail", args=[filed.pk])).content.decode()
    assert secret.subject not in page
    assert 'colspan="5" class="muted"' in page  # a placeholder row for the hidden document
    assert client.get(reverse("records:export", args=[filed.pk])).status_code == 403
    login(client, clerk)
    assert client.get(reverse("records:export", args=[filed.pk])).status_code == 200
