"""A report whose form says it is submitted as a signed document: the leader's submission
starts the report's PDF through drafting, addressed to the aggregating agency, and the issued
document reaches the aggregating agency; a refusal anywhere leaves nothing behind."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.core.models import AuditEvent
from lienthong.documents.constants import Direction
from lienthong.documents.models import Attachment, Blob
from lienthong.documents.services import register_received
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft
from lienthong.exchange import services as exchange
from lienthong.exchange.models import Delivery
from lienthong.reports import services
from lienthong.reports.aggregation import aggregate
from lienthong.reports.constants import ReportStatus
from lienthong.reports.models import AgencyReport
from lienthong.reports.permissions import can_review, can_take_back
from tests.reports.periodic import Reporting

FIGURES = {"DOSSIERS": "40", "ON_TIME": "30", "LATE": "10", "SHARE": "9,62", "ISO": "Có"}


@pytest.fixture(autouse=True)
def own_media_root(settings: Any, tmp_path: Any) -> None:
    """The stored files are compared before and after: other workers' files must not count."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _district_office(reporting: Reporting, user_factory: Any) -> tuple[Any, Any, Any]:
    """The first district's office with its chief, and its clerk; the leader works there."""
    district = reporting.districts[0]
    office = account_services.create_unit(
        actor=None, agency=district, name="Văn phòng HĐND và UBND", abbreviation="VP"
    )
    chief = user_factory(district, [Role.UNIT_LEADER], unit=office)
    clerk = user_factory(district, [Role.CLERK], unit=office)
    return office, chief, clerk


def test_without_the_flag_the_report_is_submitted_as_before(reporting: Reporting) -> None:
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values=FIGURES)
    services.submit_report(report=report, actor=reporting.leaders[0])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.document_draft is None
    assert not Draft.objects.exists()


def test_with_the_flag_the_signed_report_document_reaches_the_aggregating_agency(
    reporting: Reporting, user_factory: Any, run_tasks: Any, client: Any
) -> None:
    reporting.form.submitted_as_document = True
    reporting.form.save(update_fields=["submitted_as_document"])
    district = account_services.set_issuing_policy(
        actor=None, agency=reporting.districts[0], issues_on_paper=True
    )
    _office, chief, clerk = _district_office(reporting, user_factory)
    leader = reporting.leaders[0]
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values=FIGURES)

    services.submit_report(report=report, actor=leader)

    report.refresh_from_db()
    draft = report.document_draft
    # Approved, but not in: the aggregating agency has nothing yet.
    assert report.status == ReportStatus.AWAITING_DOCUMENT and draft is not None
    assert report.submitted_by == leader and report.document_arrived_at is None
    _assert_not_counted(reporting, report)
    assert draft.agency == district and draft.signer == leader
    assert draft.state == DraftState.IN_REVIEW
    assert list(draft.recipient_agencies.all()) == [reporting.province]
    version = draft.versions.get()
    assert version.blob.content_type == "application/pdf"
    with default_storage.open(version.blob.storage_name, "rb") as stored:
        text = _pdf_text(stored.read())
    assert "Báo cáo quý" in text and "Quý II" in text.replace("quý II", "Quý II")
    assert "Ủy ban nhân dân tỉnh Cà Mau" in text and "9,62" in text and "75" in text

    # The drafting flow as for any outgoing document: review, the leader signs, the clerk issues.
    _sign_and_issue(draft, chief=chief, leader=leader, clerk=clerk)
    draft.refresh_from_db()
    document = draft.document
    assert document is not None and document.direction == Direction.OUTGOING
    assert list(document.recipient_agencies.all()) == [reporting.province]
    issued = Attachment.objects.get(document=document).current
    assert issued.blob.sha256 == version.blob.sha256  # the report's PDF, as signed off
    # Issued, but its delivery has not run: still not counted.
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_DOCUMENT
    _assert_not_counted(reporting, report)

    run_tasks()
    delivery = Delivery.objects.get(outgoing=document, recipient=reporting.province)
    assert delivery.incoming is not None and delivery.incoming.agency == reporting.province
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.document_arrived_at is not None
    result = aggregate(reporting.period, report.period.deadline)
    assert [r.pk for r in result.counted] == [report.pk]
    assert _figure(result, "DOSSIERS") == Decimal(40) and _figure(result, "RATE") == Decimal(75)
    assert AuditEvent.objects.filter(action="reports.document_arrived").count() == 1
    services.accept_report(report=report, actor=reporting.receiver)  # now it can be accepted

    client.force_login(leader)
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert reverse("drafting:detail", args=[draft.pk]) in page
    assert document.number_and_symbol in page
    api = client.get(f"/api/v1/reports/agency-reports/{report.pk}/").json()
    assert api["document"]["number"] == document.number_and_symbol
    assert api["document"]["arrived_at"] and api["counted"] is True


def _sign_and_issue(draft: Any, *, chief: Any, leader: Any, clerk: Any) -> None:
    """The office's chief reviews and sends it on, the leader signs it off, the clerk issues."""
    drafting.review(actor=chief, draft=draft, decision="approve")
    drafting.send_to_signer(actor=chief, draft=draft)
    drafting.sign_off(actor=leader, draft=draft, decision="approve")
    drafting.issue_draft(actor=clerk, draft=draft)


def _figure(result: Any, code: str) -> Any:
    return next(row.value for row in result.rows if row.indicator.code == code)


def _assert_not_counted(reporting: Reporting, report: Any) -> None:
    """The report is a gap everywhere the aggregating agency looks: the aggregate, the period's
    API, the acceptance (and so the national push), and it is late once the deadline passed."""
    result = aggregate(reporting.period, report.period.deadline)
    assert result.counted == [] and report.pk in {r.pk for r in result.gaps}
    assert _figure(result, "DOSSIERS") is None and _figure(result, "RATE") is None
    assert not AgencyReport.objects.filter(pk=report.pk).counted().exists()
    after_deadline = report.period.deadline + timedelta(days=1)
    assert AgencyReport.objects.filter(pk=report.pk).late(after_deadline).exists()
    assert AgencyReport.objects.filter(pk=report.pk).missing(after_deadline).exists()
    assert not can_review(reporting.receiver, report)
    with pytest.raises(ValidationError):  # not even the platform may accept it yet
        services.accept_report(report=report, actor=None)
    api = Client()
    api.force_login(reporting.receiver)
    period = api.get(f"/api/v1/reports/periods/{reporting.period.pk}/").json()
    row = next(r for r in period["reports"] if r["id"] == report.pk)
    assert row["status"] == "awaiting_document" and row["counted"] is False
    assert report.agency.code in period["gaps"]
    assert next(a for a in period["aggregate"] if a["code"] == "DOSSIERS")["value"] is None


def test_a_refusal_in_drafting_leaves_nothing_half_written(reporting: Reporting) -> None:
    """The district has no unit to draft in: the submission is refused, the report is still
    being filled in, and no draft, version or stored file is left."""
    reporting.form.submitted_as_document = True
    reporting.form.save(update_fields=["submitted_as_document"])
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values=FIGURES)
    blobs_before = set(Blob.objects.values_list("sha256", flat=True))
    with pytest.raises(ValidationError) as refused:
        services.submit_report(report=report, actor=reporting.leaders[0])
    assert refused.value.error_list[0].code == "no_unit"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.document_draft is None
    assert not Draft.objects.exists()
    assert set(Blob.objects.values_list("sha256", flat=True)) == blobs_before


def test_a_refusal_after_the_file_is_stored_removes_it(
    reporting: Reporting, user_factory: Any
) -> None:
    """The office has no leader to review: drafting refuses after the PDF was stored; the file
    is removed and the report stays a draft."""
    reporting.form.submitted_as_document = True
    reporting.form.save(update_fields=["submitted_as_document"])
    district = reporting.districts[0]
    account_services.create_unit(actor=None, agency=district, name="Văn phòng", abbreviation="VP")
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values=FIGURES)
    blobs_before = _stored_blobs()
    with pytest.raises(ValidationError) as refused:
        services.submit_report(report=report, actor=reporting.leaders[0])
    assert refused.value.error_list[0].code == "no_leader"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.document_draft is None
    assert not Draft.objects.exists() and not Blob.objects.exists()
    assert _stored_blobs() == blobs_before


def _stored_blobs() -> set[str]:
    found: set[str] = set()
    if not default_storage.exists("blobs"):
        return found
    for first in default_storage.listdir("blobs")[0]:
        for second in default_storage.listdir(f"blobs/{first}")[0]:
            found.update(default_storage.listdir(f"blobs/{first}/{second}")[1])
    return found


def test_the_leader_takes_back_a_report_whose_document_is_not_issued(
    reporting: Reporting, user_factory: Any
) -> None:
    """A figure to correct: the leader takes the report back before its document is issued;
    the draft is withdrawn and the report is being filled in again (the reason is required)."""
    reporting.form.submitted_as_document = True
    reporting.form.save(update_fields=["submitted_as_document"])
    _district_office(reporting, user_factory)
    leader = reporting.leaders[0]
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values=FIGURES)
    services.submit_report(report=report, actor=leader)
    report.refresh_from_db()
    assert not can_take_back(reporting.officers[0], report)  # the officer may not
    with pytest.raises(ValidationError):
        services.take_back_report(report=report, actor=leader, reason="  ")
    services.take_back_report(report=report, actor=leader, reason="Sửa số hồ sơ quá hạn")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.document_draft is not None
    assert report.document_draft.state == DraftState.WITHDRAWN
    services.save_values(report=report, actor=reporting.officers[0], values={"LATE": "9"})


def _arrived(reporting: Reporting, user_factory: Any, run_tasks: Any) -> tuple[Any, Any, Any]:
    """The first district's report submitted as a signed document, issued and arrived at the
    province: (report, the district's clerk, the province's clerk)."""
    reporting.form.submitted_as_document = True
    reporting.form.save(update_fields=["submitted_as_document"])
    account_services.set_issuing_policy(
        actor=None, agency=reporting.districts[0], issues_on_paper=True
    )
    _office, chief, clerk = _district_office(reporting, user_factory)
    leader = reporting.leaders[0]
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values=FIGURES)
    services.submit_report(report=report, actor=leader)
    report.refresh_from_db()
    draft = report.document_draft
    _sign_and_issue(draft, chief=chief, leader=leader, clerk=clerk)
    run_tasks()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    return report, clerk, user_factory(reporting.province, [Role.CLERK])


def _counted(reporting: Reporting, report: Any) -> bool:
    result = aggregate(reporting.period, report.period.deadline)
    return report.pk in {r.pk for r in result.counted}


def test_a_recalled_report_document_takes_the_report_out_of_the_aggregate(
    reporting: Reporting, user_factory: Any, run_tasks: Any
) -> None:
    """Recalled before the province's clerk registered it: the copy is withdrawn at once and the
    report (accepted already) is returned to its agency with the recall's reason."""
    report, district_clerk, _province_clerk = _arrived(reporting, user_factory, run_tasks)
    services.accept_report(report=report, actor=reporting.receiver)
    assert _counted(reporting, report)
    document = report.document_draft.document

    exchange.recall(actor=district_clerk, outgoing=document, reason="Sai số liệu quá hạn")

    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert "Sai số liệu quá hạn" in report.return_reason
    assert document.number_and_symbol in report.return_reason
    assert not _counted(reporting, report)
    assert AuditEvent.objects.filter(action="reports.document_recalled").count() == 1
    # Back with its agency: corrected and submitted again, as a new document.
    services.save_values(report=report, actor=reporting.officers[0], values={"LATE": "9"})
    services.submit_report(report=report, actor=reporting.leaders[0])
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_DOCUMENT
    assert report.document_draft.document_id is None  # a new draft, not the recalled document


def test_a_registered_report_document_counts_until_the_recall_is_agreed(
    reporting: Reporting, user_factory: Any, run_tasks: Any
) -> None:
    report, district_clerk, province_clerk = _arrived(reporting, user_factory, run_tasks)
    document = report.document_draft.document
    copy = Delivery.objects.get(outgoing=document, recipient=reporting.province).incoming
    register_received(actor=province_clerk, document=copy)

    exchange.recall(actor=district_clerk, outgoing=document, reason="Sai số liệu")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and _counted(reporting, report)

    exchange.answer_recall(actor=province_clerk, document=copy, agree=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and "Sai số liệu" in report.return_reason
    assert not _counted(reporting, report)


def test_a_refused_recall_leaves_the_report_counted(
    reporting: Reporting, user_factory: Any, run_tasks: Any
) -> None:
    report, district_clerk, province_clerk = _arrived(reporting, user_factory, run_tasks)
    document = report.document_draft.document
    copy = Delivery.objects.get(outgoing=document, recipient=reporting.province).incoming
    register_received(actor=province_clerk, document=copy)
    exchange.recall(actor=district_clerk, outgoing=document, reason="Sai số liệu")
    exchange.answer_recall(
        actor=province_clerk, document=copy, agree=False, reason="Đã tổng hợp vào báo cáo tỉnh"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and _counted(reporting, report)
    assert not AuditEvent.objects.filter(action="reports.document_recalled").exists()


def test_the_leader_takes_a_report_back_through_the_api(
    reporting: Reporting, user_factory: Any
) -> None:
    reporting.form.submitted_as_document = True
    reporting.form.save(update_fields=["submitted_as_document"])
    _district_office(reporting, user_factory)
    leader = reporting.leaders[0]
    report = reporting.report(0)
    services.save_values(report=report, actor=reporting.officers[0], values=FIGURES)
    services.submit_report(report=report, actor=leader)
    url = f"/api/v1/reports/agency-reports/{report.pk}/take-back/"
    # Neither the agency's reporting officer nor another district's leader may take it back.
    for outsider in (reporting.officers[0], reporting.leaders[1]):
        other = Client()
        other.force_login(outsider)
        answer = other.post(url, {"reason": "Sửa"}, content_type="application/json")
        assert answer.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_DOCUMENT
    assert report.document_draft.state == DraftState.IN_REVIEW
    api = Client()
    api.force_login(leader)
    refused = api.post(url, {"reason": " "}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING_DOCUMENT
    answer = api.post(url, {"reason": "Sửa số hồ sơ"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "draft"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.document_draft.state == DraftState.WITHDRAWN
    # Being filled in again, there is nothing for the leader to take back (can_take_back).
    again = api.post(url, {"reason": "Sửa số hồ sơ"}, content_type="application/json")
    assert again.status_code == 404
