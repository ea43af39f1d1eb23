"""Opening work files, collecting documents with stable, gap-free numbers, closing and
reopening (Decree 30/2020 Điều 28-30)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lienthong.core.models import AuditEvent
from lienthong.documents.constants import Confidentiality
from lienthong.records import services
from lienthong.records.constants import CaseFileStatus, Rights
from lienthong.records.models import CaseFile, CaseFileItem

from .conftest import retention

pytestmark = pytest.mark.django_db


def ordinals(case_file: CaseFile) -> list[tuple[int, int, bool]]:
    return [
        (item.ordinal, item.document_id, item.removed_at is not None)
        for item in CaseFileItem.objects.filter(case_file=case_file).order_by("ordinal")
    ]


def test_specialist_opens_a_file_outside_the_catalogue(specialist, unit, agency):
    case_file = services.open_file(
        actor=specialist,
        title="Hồ sơ tuyển dụng công chức năm 2026",
        notation="07.TCCB",
        year=2026,
        retention=retention("20 năm"),
    )
    assert case_file.status == CaseFileStatus.OPEN
    assert case_file.creator == specialist
    assert case_file.opened_by == specialist
    assert case_file.unit == unit  # the creator's unit
    assert case_file.rights == Rights.PUBLIC
    assert case_file.language == "Tiếng Việt"
    assert case_file.file_code == f"{agency.code}.2026.07.TCCB"
    assert AuditEvent.objects.for_object(case_file).filter(action="case_file.opened").exists()


@pytest.mark.parametrize("notation", ["", "TCCB", "7-TCCB", "07.", "07.tccb", "1234.TCCB"])
def test_number_and_symbol_must_follow_the_decree(specialist, notation):
    with pytest.raises(ValidationError) as caught:
        services.open_file(
            actor=specialist, title="Hồ sơ", notation=notation, retention=retention()
        )
    assert "notation" in caught.value.message_dict
    assert not CaseFile.objects.exists()


def test_file_code_is_unique_in_the_agency_and_year(open_file, specialist):
    open_file(notation="01.TCCB")
    with pytest.raises(ValidationError) as caught:
        open_file(notation="01.TCCB")
    assert "notation" in caught.value.message_dict
    open_file(notation="01.TCCB", year=2025)  # another year, another code
    assert CaseFile.objects.count() == 2


def test_only_specialists_and_clerks_open_files(leader, user_factory, agency):
    from lienthong.accounts.constants import Role

    one_stop = user_factory(agency, [Role.ONESTOP_OFFICER])
    for actor in (leader, one_stop):
        with pytest.raises(PermissionDenied):
            services.open_file(actor=actor, title="Hồ sơ", notation="01.VP", retention=retention())
    assert not CaseFile.objects.exists()


def test_a_specialist_cannot_open_a_file_in_someone_elses_name(specialist, colleague, clerk):
    with pytest.raises(ValidationError) as caught:
        services.open_file(
            actor=specialist,
            title="Hồ sơ",
            notation="01.TCCB",
            retention=retention(),
            creator=colleague,
        )
    assert "creator" in caught.value.message_dict
    # The clerk may: the file is the colleague's.
    case_file = services.open_file(
        actor=clerk, title="Hồ sơ", notation="01.TCCB", retention=retention(), creator=colleague
    )
    assert case_file.creator == colleague
    assert case_file.opened_by == clerk


def test_documents_get_gap_free_numbers_in_order_of_addition(open_file, register_incoming):
    case_file = open_file()
    documents = [register_incoming() for _ in range(3)]
    items = [
        services.add_document(actor=case_file.creator, case_file=case_file, document=d)
        for d in documents
    ]
    assert [item.ordinal for item in items] == [1, 2, 3]
    case_file.refresh_from_db()
    assert case_file.last_ordinal == 3
    assert case_file.doc_total == 3


def test_one_document_may_be_in_two_files_but_once_in_each(open_file, register_incoming):
    first, second = open_file(), open_file()
    document = register_incoming()
    services.add_document(actor=first.creator, case_file=first, document=document)
    services.add_document(actor=second.creator, case_file=second, document=document)
    assert set(document.case_file_items.values_list("case_file", flat=True)) == {
        first.pk,
        second.pk,
    }
    with pytest.raises(ValidationError) as caught:
        services.add_document(actor=first.creator, case_file=first, document=document)
    assert "01" in caught.value.message_dict["document"][0]
    assert CaseFileItem.objects.filter(case_file=first).count() == 1


def test_withdrawing_keeps_the_other_numbers_and_records_why(open_file, register_incoming):
    case_file = open_file()
    a, b, c = (register_incoming(page_count=n) for n in (1, 2, 4))
    for document in (a, b, c):
        services.add_document(actor=case_file.creator, case_file=case_file, document=document)
    item_b = CaseFileItem.objects.get(case_file=case_file, document=b)
    services.remove_document(
        actor=case_file.creator, case_file=case_file, item=item_b, reason="Bản trùng"
    )
    item_b.refresh_from_db()
    assert item_b.removed_by == case_file.creator
    assert item_b.removal_reason == "Bản trùng"
    d = register_incoming(page_count=8)
    services.add_document(actor=case_file.creator, case_file=case_file, document=d)
    # Stable: 1 and 3 keep their numbers; the withdrawn 2 is not reused; the new one is 4.
    assert ordinals(case_file) == [
        (1, a.pk, False),
        (2, b.pk, True),
        (3, c.pk, False),
        (4, d.pk, False),
    ]
    case_file.refresh_from_db()
    assert (case_file.doc_total, case_file.page_total) == (3, 13)
    event = AuditEvent.objects.for_object(case_file).get(action="case_file.document_removed")
    assert event.data == {"document": b.pk, "ordinal": 2, "reason": "Bản trùng"}
    # A withdrawn document may come back, under a new number.
    services.add_document(actor=case_file.creator, case_file=case_file, document=b)
    assert ordinals(case_file)[-1] == (5, b.pk, False)


def test_withdrawing_needs_a_reason(open_file, register_incoming):
    case_file = open_file()
    document = register_incoming()
    item = services.add_document(actor=case_file.creator, case_file=case_file, document=document)
    with pytest.raises(ValidationError):
        services.remove_document(
            actor=case_file.creator, case_file=case_file, item=item, reason=" "
        )
    item.refresh_from_db()
    assert item.removed_at is None


def test_close_computes_totals_and_dates(open_file, register_incoming, attach_pdf):
    case_file = open_file()
    late = register_incoming(issued_date=date(2026, 6, 30), page_count=3)
    early = register_incoming(issued_date=date(2026, 2, 1), page_count=2)
    unnumbered = register_incoming(issued_date=date(2026, 4, 15), page_count=None)
    attach_pdf(unnumbered, pages=5)  # its pages are read from its PDF
    for document in (late, early, unnumbered):
        services.add_document(actor=case_file.creator, case_file=case_file, document=document)
    closed = services.close_file(
        actor=case_file.creator, case_file=case_file, title="Hồ sơ kiện toàn bộ máy (đã sửa)"
    )
    closed.refresh_from_db()
    assert closed.status == CaseFileStatus.CLOSED
    assert (closed.start_date, closed.end_date) == (date(2026, 2, 1), date(2026, 6, 30))
    assert (closed.doc_total, closed.page_total) == (3, 10)
    assert closed.title == "Hồ sơ kiện toàn bộ máy (đã sửa)"
    assert closed.closed_by == case_file.creator
    event = AuditEvent.objects.for_object(closed).get(action="case_file.closed")
    assert event.data["doc_total"] == 3
    assert event.data["changes"]["title"][1] == "Hồ sơ kiện toàn bộ máy (đã sửa)"


def test_a_closed_file_refuses_changes_until_reopened_with_a_reason(
    open_file, register_incoming, clerk
):
    case_file = open_file()
    document = register_incoming()
    item = services.add_document(actor=case_file.creator, case_file=case_file, document=document)
    services.close_file(actor=case_file.creator, case_file=case_file)
    with pytest.raises(ValidationError):
        services.add_document(
            actor=case_file.creator, case_file=case_file, document=register_incoming()
        )
    with pytest.raises(ValidationError):
        services.remove_document(
            actor=case_file.creator, case_file=case_file, item=item, reason="Bản nháp"
        )
    with pytest.raises(ValidationError):
        services.close_file(actor=case_file.creator, case_file=case_file)
    with pytest.raises(ValidationError) as caught:
        services.reopen_file(actor=clerk, case_file=case_file, reason="")
    assert "reason" in caught.value.message_dict
    assert CaseFileItem.objects.filter(case_file=case_file).count() == 1

    reopened = services.reopen_file(
        actor=clerk, case_file=case_file, reason="Bổ sung văn bản trả lời"
    )
    assert reopened.status == CaseFileStatus.OPEN
    assert reopened.closed_at is None
    event = AuditEvent.objects.for_object(case_file).get(action="case_file.reopened")
    assert event.data["reason"] == "Bổ sung văn bản trả lời"
    assert event.data["closed_by"] == case_file.creator.pk
    with pytest.raises(ValidationError):
        services.reopen_file(actor=clerk, case_file=case_file, reason="Lần nữa")


def test_an_empty_file_cannot_be_closed(open_file):
    case_file = open_file()
    with pytest.raises(ValidationError):
        services.close_file(actor=case_file.creator, case_file=case_file)
    case_file.refresh_from_db()
    assert case_file.status == CaseFileStatus.OPEN


def test_drafts_are_not_filed(open_file, clerk, unit, other_agency):
    from lienthong.documents import services as document_services

    from .conftest import doc_type

    draft = document_services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Kế hoạch"),
        subject="Kế hoạch cải cách hành chính",
        drafting_unit=unit,
        recipient_agencies=[other_agency],
    )
    case_file = open_file()
    with pytest.raises(ValidationError):
        services.add_document(actor=case_file.creator, case_file=case_file, document=draft)
    assert not CaseFileItem.objects.exists()


def test_a_specialist_cannot_file_a_confidential_document_they_cannot_see(
    open_file, register_incoming, specialist, db_snapshot
):
    secret = register_incoming(confidentiality=Confidentiality.CONFIDENTIAL)
    case_file = open_file(actor=specialist)
    before = db_snapshot()
    with pytest.raises(ValidationError) as caught:
        services.add_document(actor=specialist, case_file=case_file, document=secret)
    assert "document" in caught.value.message_dict
    assert db_snapshot() == before


def test_the_clerk_may_file_a_confidential_document(open_file, register_incoming, clerk):
    secret = register_incoming(confidentiality=Confidentiality.SECRET)
    case_file = open_file()
    item = services.add_document(actor=clerk, case_file=case_file, document=secret)
    assert item.ordinal == 1


def test_only_people_of_the_file_change_it(open_file, register_incoming, colleague, db_snapshot):
    case_file = open_file()
    document = register_incoming()
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.add_document(actor=colleague, case_file=case_file, document=document)
    with pytest.raises(PermissionDenied):
        services.close_file(actor=colleague, case_file=case_file)
    assert db_snapshot() == before


def test_another_agencys_documents_and_officers_are_refused(
    open_file, register_incoming, other_clerk, db_snapshot
):
    case_file = open_file()
    from lienthong.documents import services as document_services

    from .conftest import doc_type

    foreign = document_services.register_incoming(
        actor=other_clerk,
        document_type=doc_type("Công văn"),
        issuer_name="Sở Tài chính",
        code_number="12",
        code_notation="STC-NS",
        issued_date=date(2026, 3, 3),
        subject="Về việc dự toán ngân sách",
    ).document
    assert foreign is not None
    before = db_snapshot()
    with pytest.raises(ValidationError):
        services.add_document(actor=case_file.creator, case_file=case_file, document=foreign)
    with pytest.raises(PermissionDenied):
        services.add_document(actor=other_clerk, case_file=case_file, document=foreign)
    with pytest.raises(PermissionDenied):
        services.reopen_file(actor=other_clerk, case_file=case_file, reason="x")
    assert db_snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_and_gap_free_when_documents_are_added_concurrently(
    two_agencies, user_factory, register_incoming
):
    import threading

    from django.db import close_old_connections, connection

    from lienthong.accounts.constants import Role

    agency = two_agencies[0]
    clerks = [user_factory(agency, [Role.CLERK]) for _ in range(4)]
    case_file = services.open_file(
        actor=clerks[0], title="Hồ sơ", notation="01.VP", year=2026, retention=retention()
    )
    per_thread = 5
    documents = {
        clerk.pk: [register_incoming(actor=clerk) for _ in range(per_thread)] for clerk in clerks
    }
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(clerks))

    def work(actor) -> None:
        try:
            barrier.wait()
            for document in documents[actor.pk]:
                services.add_document(actor=actor, case_file=case_file, document=document)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = len(clerks) * per_thread
    numbers = sorted(
        CaseFileItem.objects.filter(case_file=case_file).values_list("ordinal", flat=True)
    )
    assert numbers == list(range(1, total + 1))
    case_file.refresh_from_db()
    assert (case_file.last_ordinal, case_file.doc_total) == (total, total)
