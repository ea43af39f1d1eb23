"""Numbers: gap-free and unique per register and year, restarting on 1 January in Vietnam
time, even when many clerks register at once; reservation and release."""

import threading
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from lienthong.accounts.constants import Role
from lienthong.documents import numbering, services
from lienthong.documents.constants import NumberStatus, RegisterKind
from lienthong.documents.models import Document, NumberAllocation, Register
from tests.documents.conftest import doc_type


def test_symbols_follow_the_decree() -> None:
    assert numbering.format_number(5) == "05"
    assert numbering.format_number(1234) == "1234"
    assert numbering.build_notation(type_abbreviation="QĐ", agency_abbreviation="UBND") == "QĐ-UBND"
    assert (
        numbering.build_notation(
            type_abbreviation="", agency_abbreviation="UBND", unit_abbreviation="VX"
        )
        == "UBND-VX"
    )


@pytest.mark.parametrize(
    "notation,abbr,ok",
    [
        ("QĐ-UBND", "QĐ", True),
        ("TB-UBND", "QĐ", False),
        ("UBND-VX", "", True),
        ("CV-UBND", "", False),
        ("QĐ-UBND", "", False),
        ("QĐ UBND", "QĐ", False),
        ("QĐ", "QĐ", False),
        ("TTr-SNV", "TTr", True),
        ("QyĐ-UBND", "QyĐ", True),
    ],
)
def test_symbol_must_match_the_document_type(notation: str, abbr: str, ok: bool) -> None:
    known = {"QĐ", "TB", "TTr", "QyĐ"}
    if ok:
        numbering.validate_notation(notation, type_abbreviation=abbr, known_abbreviations=known)
    else:
        with pytest.raises(ValidationError):
            numbering.validate_notation(notation, type_abbreviation=abbr, known_abbreviations=known)


def test_the_year_turns_at_midnight_in_vietnam() -> None:
    # 31/12/2025 17:30 UTC is already 01/01/2026 00:30 in Hà Nội / Cà Mau.
    assert numbering.vietnam_year(datetime(2025, 12, 31, 16, 59, tzinfo=UTC)) == 2025
    assert numbering.vietnam_year(datetime(2025, 12, 31, 17, 30, tzinfo=UTC)) == 2026


def test_arrival_numbers_restart_at_01_on_new_year_vietnam_time(register_incoming) -> None:
    before = register_incoming(
        arrival_date=datetime(2025, 12, 31, 16, 0, tzinfo=UTC), issued_date=date(2025, 12, 30)
    )
    before2 = register_incoming(
        arrival_date=datetime(2025, 12, 31, 16, 30, tzinfo=UTC), issued_date=date(2025, 12, 30)
    )
    after = register_incoming(
        arrival_date=datetime(2025, 12, 31, 17, 5, tzinfo=UTC), issued_date=date(2025, 12, 30)
    )
    assert (before.arrival_number, before2.arrival_number, after.arrival_number) == (1, 2, 1)
    assert before.register.year == 2025 and after.register.year == 2026
    assert before.register_id != after.register_id


@pytest.mark.usefixtures("in_november_2026")
def test_outgoing_numbers_shared_sequence_and_confidential_register(
    clerk, unit, two_agencies
) -> None:
    snv = two_agencies[1]
    issued = []
    for name, confidentiality in [
        ("Quyết định", 0),
        ("Công văn", 0),
        ("Quyết định", 1),
        ("Thông báo", 0),
    ]:
        doc = services.record_outgoing(
            actor=clerk,
            document_type=doc_type(name),
            subject=f"Về việc {name}",
            drafting_unit=unit,
            recipient_agencies=[snv],
            confidentiality=confidentiality,
        )
        issued.append(
            services.issue_outgoing(actor=clerk, document=doc, issued_date=date(2026, 3, 5))
        )
    assert [d.number_and_symbol for d in issued] == [
        "01/QĐ-STP",
        "02/STP-VP",
        "01/QĐ-STP",
        "03/TB-STP",
    ]
    assert issued[2].register.kind == RegisterKind.OUTGOING_CONFIDENTIAL
    assert issued[0].register_id == issued[1].register_id == issued[3].register_id


@pytest.mark.usefixtures("in_november_2026")
def test_a_type_can_have_its_own_sequence(clerk, unit, two_agencies) -> None:
    services.configure_type_register(
        actor=clerk, agency=clerk.agency, year=2026, document_type=doc_type("Quyết định")
    )
    snv = two_agencies[1]
    numbers = []
    for name in ["Công văn", "Quyết định", "Công văn", "Quyết định"]:
        doc = services.record_outgoing(
            actor=clerk,
            document_type=doc_type(name),
            subject="Về việc thử",
            drafting_unit=unit,
            recipient_agencies=[snv],
        )
        numbers.append(
            services.issue_outgoing(
                actor=clerk, document=doc, issued_date=date(2026, 1, 2)
            ).number_and_symbol
        )
    assert numbers == ["01/STP-VP", "01/QĐ-STP", "02/STP-VP", "02/QĐ-STP"]


@pytest.mark.usefixtures("in_november_2026")
def test_reserve_release_and_reuse(clerk, unit, two_agencies) -> None:
    snv = two_agencies[1]
    register = services.ensure_register(agency=clerk.agency, year=2026, kind=RegisterKind.OUTGOING)
    first = services.reserve_number(actor=clerk, register=register, note="Tờ trình chờ ký")
    second = services.reserve_number(actor=clerk, register=register, note="Kế hoạch chờ ký")
    assert (first.number, second.number) == (1, 2)
    services.release_number(actor=clerk, allocation=first, reason="Không ban hành nữa")
    doc = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Kế hoạch"),
        subject="Kế hoạch năm",
        drafting_unit=unit,
        recipient_agencies=[snv],
    )
    issued = services.issue_outgoing(
        actor=clerk, document=doc, reservation=second, issued_date=date(2026, 2, 1)
    )
    assert issued.number_and_symbol == "02/KH-STP"
    other = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Thông báo"),
        subject="Thông báo",
        drafting_unit=unit,
        recipient_agencies=[snv],
    )
    # The released number 1 is handed out again: the sequence stays without gaps.
    assert (
        services.issue_outgoing(
            actor=clerk, document=other, issued_date=date(2026, 2, 1)
        ).register_number
        == 1
    )
    history = list(
        NumberAllocation.objects.filter(register=register)
        .order_by("number", "allocated_at")
        .values_list("number", "status")
    )
    assert history == [(1, NumberStatus.RELEASED), (1, NumberStatus.USED), (2, NumberStatus.USED)]
    with pytest.raises(ValidationError):
        services.release_number(
            actor=clerk, allocation=second, reason="x"
        )  # used: cannot be released


def test_only_clerks_number_and_only_in_their_agency(clerk, other_clerk, specialist) -> None:
    from django.core.exceptions import PermissionDenied

    register = services.ensure_register(agency=clerk.agency, year=2026, kind=RegisterKind.OUTGOING)
    with pytest.raises(PermissionDenied):
        services.reserve_number(actor=specialist, register=register)
    with pytest.raises(ValidationError):
        services.reserve_number(actor=other_clerk, register=register)
    assert not NumberAllocation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_number_is_unique_and_gap_free_under_concurrent_registration(
    two_agencies, user_factory
) -> None:
    clerks = [user_factory(two_agencies[0], [Role.CLERK]) for _ in range(4)]
    per_thread = 8
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(clerks))

    def work(actor) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                services.register_incoming(
                    actor=actor,
                    document_type=doc_type("Công văn"),
                    issuer_name="Sở Nội vụ",
                    code_number=f"{actor.pk}{i}",
                    code_notation="SNV-TCCB",
                    issued_date=date(2026, 1, 5),
                    subject=f"Về việc báo cáo {actor.pk}-{i}",
                )
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
    numbers = sorted(Document.objects.values_list("arrival_number", flat=True))
    total = len(clerks) * per_thread
    assert numbers == list(range(1, total + 1))
    assert Register.objects.get(kind=RegisterKind.INCOMING).last_number == total
