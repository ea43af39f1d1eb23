"""Registering incoming documents and recording outgoing ones: every Appendix VI field, clear
errors for bad input with nothing stored, the duplicate warning, access rights."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lienthong.core.models import AuditEvent
from lienthong.documents import services
from lienthong.documents.constants import Confidentiality, Urgency
from lienthong.documents.models import Document
from tests.documents.conftest import doc_type

GOOD = {
    "issuer_name": "Ủy ban nhân dân tỉnh Cà Mau",
    "code_number": "1234",
    "code_notation": "QĐ-UBND",
    "issued_date": date(2026, 11, 20),
    "subject": "Quyết định về việc phê duyệt kế hoạch cải cách hành chính",
}


def register(actor, **overrides):
    fields = {"document_type": doc_type("Quyết định"), **GOOD, **overrides}
    return services.register_incoming(actor=actor, **fields)


def test_register_with_all_fields(clerk) -> None:
    result = register(
        clerk,
        signer_name="Nguyễn Văn Hùng",
        signer_position="Chủ tịch",
        urgency=Urgency.VERY_URGENT,
        confidentiality=Confidentiality.NONE,
        page_count=3,
        due_date=date(2026, 12, 15),
        to_places="Phòng Hành chính tư pháp",
        description="Bản điện tử",
        issuer_code="000.00.00.H12",
    )
    doc = result.document
    assert doc is not None and result.duplicates == []
    assert doc.arrival_number == 1 and doc.arrival_date is not None
    assert doc.number_and_symbol == "1234/QĐ-UBND"
    assert doc.register.kind == "incoming" and doc.register.year == timezone.localdate().year
    assert AuditEvent.objects.for_object(doc).get().action == "document.registered_incoming"


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 501}, "subject"),
        ({"code_notation": "TB-UBND"}, "code_notation"),
        ({"code_notation": "QĐ/UBND"}, "code_notation"),
        ({"issuer_name": ""}, "issuer_name"),
        ({"arrival_date": timezone.now() + timedelta(days=2)}, "arrival_date"),
        ({"issued_date": timezone.localdate() + timedelta(days=3)}, "issued_date"),
        ({"due_date": date(2026, 1, 1)}, "due_date"),
        ({"page_count": 0}, "page_count"),
        ({"urgency": 9}, "urgency"),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(
    clerk, db_snapshot, overrides, field
) -> None:
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        register(clerk, **overrides)
    assert field in exc.value.message_dict and exc.value.message_dict[field][0]
    assert db_snapshot() == before


def test_cong_van_symbol_starts_with_the_agency(clerk) -> None:
    assert register(clerk, document_type=doc_type("Công văn"), code_notation="UBND-VX").document
    with pytest.raises(ValidationError):
        register(
            clerk, document_type=doc_type("Công văn"), code_notation="CV-UBND", code_number="9"
        )


def test_duplicate_warning_then_explicit_acceptance(clerk) -> None:
    first = register(clerk).document
    warned = register(clerk, code_number=" 1234 ", issuer_name="ủy ban nhân dân tỉnh cà mau")
    assert warned.document is None and warned.duplicates == [first]
    assert Document.objects.count() == 1
    accepted = register(clerk, accept_duplicate=True)
    assert accepted.document is not None and accepted.document.arrival_number == 2
    assert AuditEvent.objects.for_object(accepted.document).get().data["duplicate_accepted"] is True


def test_same_number_from_another_issuer_is_not_a_duplicate(clerk) -> None:
    register(clerk)
    assert register(clerk, issuer_name="Sở Tư pháp tỉnh Bạc Liêu").document is not None


def test_only_the_clerk_registers(specialist, db_snapshot) -> None:
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        register(specialist)
    assert db_snapshot() == before


@pytest.mark.usefixtures("in_november_2026")
def test_record_and_issue_outgoing(clerk, unit, two_agencies) -> None:
    snv = two_agencies[1]
    doc = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Công văn"),
        subject="V/v triển khai phần mềm một cửa",
        drafting_unit=unit,
        recipient_agencies=[snv],
        external_recipients="Bưu điện tỉnh Cà Mau",
        copies=5,
        signer_name="Dương Văn Thắng",
        signer_position="Giám đốc",
    )
    assert doc.status == "draft" and doc.code_number == ""
    issued = services.issue_outgoing(actor=clerk, document=doc, issued_date=date(2026, 4, 3))
    assert issued.number_and_symbol == "01/STP-VP" and issued.issued_date == date(2026, 4, 3)
    with pytest.raises(ValidationError):
        services.issue_outgoing(actor=clerk, document=issued)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"recipient_agencies": [], "external_recipients": ""}, "recipient_agencies"),
        ({"drafting_unit": None}, "drafting_unit"),
        ({"copies": 0}, "copies"),
        ({"subject": ""}, "subject"),
    ],
)
def test_outgoing_bad_input(clerk, unit, two_agencies, db_snapshot, overrides, field) -> None:
    fields = {
        "document_type": doc_type("Công văn"),
        "subject": "V/v họp",
        "drafting_unit": unit,
        "recipient_agencies": [two_agencies[1]],
        **overrides,
    }
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.record_outgoing(actor=clerk, **fields)
    assert field in exc.value.message_dict
    assert db_snapshot() == before


def test_another_agencys_clerk_cannot_issue(clerk, other_clerk, unit, two_agencies) -> None:
    doc = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Thông báo"),
        subject="Thông báo lịch họp",
        drafting_unit=unit,
        recipient_agencies=[two_agencies[1]],
    )
    with pytest.raises(ValidationError):
        services.issue_outgoing(actor=other_clerk, document=doc)
    doc.refresh_from_db()
    assert doc.status == "draft"


def test_confidential_documents_are_limited_inside_the_agency(
    clerk, specialist, user_factory, two_agencies
) -> None:
    from lienthong.accounts.constants import Role

    secret = register(clerk, confidentiality=Confidentiality.SECRET).document
    normal = register(clerk, code_number="77").document
    leader = user_factory(two_agencies[0], [Role.AGENCY_LEADER])
    assert set(Document.objects.visible_to(specialist)) == {normal}
    assert set(Document.objects.visible_to(leader)) == {secret, normal}
    assert set(Document.objects.visible_to(clerk)) == {secret, normal}


def test_overlong_fields_get_a_clear_error(clerk, db_snapshot) -> None:
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        register(clerk, issuer_name="Sở " * 150, code_number="1" * 40)
    assert {"issuer_name", "code_number"} <= set(exc.value.message_dict)
    assert db_snapshot() == before


def test_leading_zero_numbers_are_duplicates(clerk) -> None:
    register(clerk, code_number="05")
    assert register(clerk, code_number="5").document is None


def test_issue_date_must_be_today_or_earlier_this_year(clerk, unit, two_agencies) -> None:
    doc = services.record_outgoing(
        actor=clerk,
        document_type=doc_type("Thông báo"),
        subject="Thông báo",
        drafting_unit=unit,
        recipient_agencies=[two_agencies[1]],
    )
    for bad in [timezone.localdate() + timedelta(days=1), date(2020, 1, 1)]:
        with pytest.raises(ValidationError):
            services.issue_outgoing(actor=clerk, document=doc, issued_date=bad)
    doc.refresh_from_db()
    assert doc.status == "draft" and doc.register_id is None


def test_only_clerks_attach_and_only_to_their_document(
    clerk, specialist, register_incoming
) -> None:
    import io

    from tests.documents import files

    doc = register_incoming()
    other = register_incoming()
    first = services.add_attachment(
        actor=clerk, document=doc, upload=io.BytesIO(files.text_pdf("a")), name="a.pdf"
    )
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            actor=specialist, document=doc, upload=io.BytesIO(files.text_pdf("b")), name="b.pdf"
        )
    with pytest.raises(ValidationError):
        services.add_attachment(
            actor=clerk,
            document=other,
            upload=io.BytesIO(files.text_pdf("c")),
            name="c.pdf",
            replaces=first.attachment,
        )
    assert doc.attachments.get().versions.count() == 1 and not other.attachments.exists()
