"""Delivery between agencies of the platform: issuing puts the document in each recipient's
queue (once, even if the job runs again or dies half-way), the recipient registers or returns
it, the sender follows its status (edXML 01-06), recalls it or sends a replacement."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienthong.accounts.constants import Role
from lienthong.documents import services as documents
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Document
from lienthong.exchange import services
from lienthong.exchange.constants import DeliveryStatus, RecallStatus
from lienthong.exchange.models import Delivery
from tests.documents import files
from tests.documents.conftest import doc_type


@pytest.fixture
def third_agency(agency_factory):
    return agency_factory("Sở Y tế", "SYT")


def issue(clerk, unit, recipients, subject="V/v triển khai phần mềm liên thông", **kwargs):
    doc = documents.record_outgoing(
        actor=clerk,
        document_type=doc_type("Công văn"),
        subject=subject,
        drafting_unit=unit,
        recipient_agencies=recipients,
        **kwargs,
    )
    documents.add_attachment(
        actor=clerk,
        document=doc,
        upload=io.BytesIO(files.text_pdf("Nội dung công văn")),
        name="cv.pdf",
    )
    return documents.issue_outgoing(actor=clerk, document=doc, issued_date=timezone.localdate())


def test_issuing_delivers_to_each_recipient_once(
    clerk, other_clerk, unit, two_agencies, third_agency, run_tasks
) -> None:
    snv = two_agencies[1]
    outgoing = issue(clerk, unit, [snv, third_agency])
    assert set(Delivery.objects.values_list("recipient", "status")) == {
        (snv.pk, DeliveryStatus.SENDING),
        (third_agency.pk, DeliveryStatus.SENDING),
    }
    run_tasks()
    copy = Document.objects.get(agency=snv)
    assert copy.status == DocumentStatus.RECEIVED and copy.direction == "incoming"
    assert copy.number_and_symbol == outgoing.number_and_symbol == "01/STP-VP"
    assert copy.issuer_agency == outgoing.agency and copy.arrival_number is None
    source_blob = outgoing.attachments.get().versions.get().blob
    assert copy.attachments.get().versions.get().blob == source_blob  # same content, stored once
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.RECEIVED}
    assert list(Document.objects.visible_to(other_clerk).filter(status="received")) == [copy]


def test_a_rerun_or_a_duplicate_job_never_delivers_twice(
    clerk, unit, two_agencies, run_tasks
) -> None:
    issue(clerk, unit, [two_agencies[1]])
    delivery = Delivery.objects.get()
    run_tasks()
    services.make_delivery(delivery_id=delivery.pk)  # the job runs again (e.g. after a crash)
    from lienthong.exchange.tasks import deliver

    deliver.enqueue(delivery.pk)
    run_tasks()
    assert Document.objects.filter(agency=two_agencies[1]).count() == 1


def test_worker_killed_between_commit_and_delivery(clerk, unit, two_agencies, run_tasks) -> None:
    """The issue is committed with its delivery job; the worker dies holding the job. After the
    scheduler puts it back, the recipient gets the document exactly once."""
    from datetime import timedelta

    from django.core.management import call_command

    issue(clerk, unit, [two_agencies[1]])
    job = DBTaskResult.objects.get(task_path__endswith="exchange.tasks.deliver")
    job.claim("worker-killed-by-sigkill")
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=3))
    run_tasks()
    assert not Document.objects.filter(agency=two_agencies[1]).exists()
    call_command("scheduler", "--once")
    run_tasks()
    run_tasks()
    assert Document.objects.filter(agency=two_agencies[1]).count() == 1


def test_job_dying_half_way_leaves_nothing_and_retries(
    clerk, unit, two_agencies, run_tasks, monkeypatch
) -> None:
    issue(clerk, unit, [two_agencies[1]])
    from lienthong.exchange import services as exchange_services

    real = exchange_services.AttachmentVersion.objects.create

    def crash(**kwargs):
        raise OSError("disk vanished")

    monkeypatch.setattr(exchange_services.AttachmentVersion.objects, "create", crash)
    run_tasks()
    assert not Document.objects.filter(agency=two_agencies[1]).exists()  # rolled back entirely
    retry = DBTaskResult.objects.get(task_path__endswith="exchange.tasks.deliver", status="READY")
    monkeypatch.setattr(exchange_services.AttachmentVersion.objects, "create", real)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert Document.objects.filter(agency=two_agencies[1]).count() == 1


def test_delivery_failing_while_the_database_is_down_is_not_lost(
    clerk, unit, two_agencies, run_tasks, monkeypatch
) -> None:
    """The job fails because PostgreSQL went down, and the retry it enqueues fails for the same
    reason; the server is back a moment later, when the worker records the failure. The job is
    FAILED with no retry in the queue: the scheduler enqueues the retry, the document arrives."""
    from django.core.management import call_command
    from django.db import OperationalError
    from django_tasks_db.backend import DatabaseBackend

    issue(clerk, unit, [two_agencies[1]])
    real_make, real_enqueue = services.make_delivery, DatabaseBackend.enqueue

    def server_down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "make_delivery", server_down)
    monkeypatch.setattr(DatabaseBackend, "enqueue", server_down)
    run_tasks()
    monkeypatch.setattr(services, "make_delivery", real_make)
    monkeypatch.setattr(DatabaseBackend, "enqueue", real_enqueue)
    jobs = DBTaskResult.objects.filter(task_path__endswith="exchange.tasks.deliver")
    assert list(jobs.values_list("status", flat=True)) == ["FAILED"]  # and no retry
    run_tasks()
    assert not Document.objects.filter(agency=two_agencies[1]).exists()

    call_command("scheduler", "--once")
    retry = jobs.get(status="READY")
    assert retry.args_kwargs == {"args": [Delivery.objects.get().pk], "kwargs": {"_attempt": 2}}
    call_command("scheduler", "--once")  # it is there already: not enqueued twice
    assert jobs.filter(status="READY").count() == 1
    run_tasks()
    assert Document.objects.filter(agency=two_agencies[1]).count() == 1
    assert Delivery.objects.get().status == DeliveryStatus.RECEIVED


def test_recipient_registers_and_the_sender_follows_the_status(
    clerk, other_clerk, unit, two_agencies, run_tasks
) -> None:
    outgoing = issue(clerk, unit, [two_agencies[1]])
    run_tasks()
    copy = Document.objects.get(agency=two_agencies[1])
    registered = services.accept_delivered(actor=other_clerk, document=copy)
    assert registered.arrival_number == 1 and registered.status == DocumentStatus.REGISTERED
    delivery = Delivery.objects.get(outgoing=outgoing)
    assert delivery.status == DeliveryStatus.ACCEPTED
    services.report_status(document=copy, status=DeliveryStatus.ASSIGNED)
    services.report_status(document=copy, status=DeliveryStatus.PROCESSING)
    services.report_status(document=copy, status=DeliveryStatus.ASSIGNED)  # never moves back
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PROCESSING
    services.report_status(document=copy, status=DeliveryStatus.COMPLETED)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.COMPLETED
    assert list(delivery.events.values_list("status", flat=True)) == ["01", "03", "04", "05", "06"]
    page = _client(clerk).get(reverse("documents:detail", args=[outgoing.pk])).content.decode()
    assert 'data-testid="deliveries"' in page and "Hoàn thành" in page


def test_recipient_returns_with_a_reason(
    clerk, other_clerk, unit, two_agencies, run_tasks, db_snapshot
) -> None:
    issue(clerk, unit, [two_agencies[1]])
    run_tasks()
    copy = Document.objects.get(agency=two_agencies[1])
    before = db_snapshot()
    with pytest.raises(ValidationError):
        services.reject_delivered(actor=other_clerk, document=copy, reason="  ")
    assert db_snapshot() == before
    services.reject_delivered(actor=other_clerk, document=copy, reason="Gửi nhầm cơ quan")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.REJECTED, "Gửi nhầm cơ quan")
    with pytest.raises(ValidationError):
        services.accept_delivered(actor=other_clerk, document=copy)


def test_only_the_recipients_clerk_acts(
    clerk, unit, two_agencies, user_factory, run_tasks, db_snapshot
) -> None:
    issue(clerk, unit, [two_agencies[1]])
    run_tasks()
    copy = Document.objects.get(agency=two_agencies[1])
    specialist = user_factory(two_agencies[1], [Role.SPECIALIST])
    sender = _client(clerk)
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.accept_delivered(actor=specialist, document=copy)
    with pytest.raises(ValidationError):
        services.accept_delivered(actor=clerk, document=copy)  # the sender's clerk
    assert sender.post(reverse("exchange:accept", args=[copy.pk])).status_code == 404
    assert db_snapshot() == before


def test_recall_withdraws_unregistered_copies_and_asks_the_others(
    clerk, other_clerk, unit, two_agencies, third_agency, user_factory, run_tasks
) -> None:
    outgoing = issue(clerk, unit, [two_agencies[1], third_agency])
    run_tasks()
    snv_copy = Document.objects.get(agency=two_agencies[1])
    services.accept_delivered(actor=other_clerk, document=snv_copy)
    services.recall(actor=clerk, outgoing=outgoing, reason="Sai nội dung")
    syt_copy = Document.objects.get(agency=third_agency)
    assert syt_copy.status == DocumentStatus.RECALLED
    assert Delivery.objects.get(recipient=third_agency).recall_status == RecallStatus.AGREED
    assert Delivery.objects.get(recipient=two_agencies[1]).recall_status == RecallStatus.REQUESTED
    assert services.recall_pending(document=snv_copy)
    with pytest.raises(ValidationError):
        services.answer_recall(actor=other_clerk, document=snv_copy, agree=False, reason="")
    services.answer_recall(actor=other_clerk, document=snv_copy, agree=True)
    snv_copy.refresh_from_db()
    assert snv_copy.status == DocumentStatus.RECALLED
    outgoing.refresh_from_db()
    assert outgoing.status == DocumentStatus.RECALLED


def test_replacement_recalls_the_replaced_document(
    clerk, other_clerk, unit, two_agencies, run_tasks
) -> None:
    old = issue(clerk, unit, [two_agencies[1]], subject="V/v họp giao ban (lần 1)")
    run_tasks()
    new = issue(clerk, unit, [two_agencies[1]], subject="V/v họp giao ban (thay thế)", replaces=old)
    run_tasks()
    old.refresh_from_db()
    assert old.status == DocumentStatus.RECALLED and new.number_and_symbol == "02/STP-VP"
    copies = Document.objects.filter(agency=two_agencies[1]).order_by("id")
    assert [c.status for c in copies] == [DocumentStatus.RECALLED, DocumentStatus.RECEIVED]
    assert copies[1].replaces == copies[0]


def test_officer_of_a_third_agency_sees_nothing(
    clerk, unit, two_agencies, third_agency, user_factory, run_tasks
) -> None:
    issue(clerk, unit, [two_agencies[1]])
    run_tasks()
    outsider = user_factory(third_agency, [Role.CLERK])
    assert not Document.objects.visible_to(outsider).exists()
    copy = Document.objects.get(agency=two_agencies[1])
    assert _client(outsider).get(reverse("documents:detail", args=[copy.pk])).status_code == 404


def test_recipient_registers_through_the_page(
    clerk, other_clerk, unit, two_agencies, run_tasks
) -> None:
    issue(clerk, unit, [two_agencies[1]])
    run_tasks()
    copy = Document.objects.get(agency=two_agencies[1])
    client = _client(other_clerk)
    page = client.get(reverse("documents:detail", args=[copy.pk])).content.decode()
    assert reverse("exchange:accept", args=[copy.pk]) in page
    response = client.post(reverse("exchange:accept", args=[copy.pk]))
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.arrival_number == 1 and copy.status == DocumentStatus.REGISTERED


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_copy_made_before_the_senders_text_is_read_is_searchable_at_the_recipient(
    clerk, other_clerk, unit, two_agencies, run_all_tasks
) -> None:
    """Send → receive → search: the delivery job ran before the sender's text extraction (the
    worker takes jobs in any order); the recipient's copy shares the sender's stored file and
    must not stay “waiting” for a text nobody reads for it."""
    from lienthong.documents.constants import ProcessingStatus
    from lienthong.documents.search import apply_search

    outgoing = issue(clerk, unit, [two_agencies[1]], subject="V/v báo cáo quý")
    source = outgoing.attachments.get().versions.get()
    assert source.text_status == ProcessingStatus.PENDING
    services.make_delivery(delivery_id=Delivery.objects.get().pk)  # before the extraction
    copy = Document.objects.get(agency=two_agencies[1])
    run_all_tasks()
    version = copy.attachments.get().versions.get()
    assert version.blob_id == source.blob_id
    assert version.text_status == ProcessingStatus.DONE
    assert "Nội dung công văn" in version.text
    found = apply_search(Document.objects.visible_to(other_clerk), "noi dung cong van")
    assert list(found) == [copy]
    assert list(apply_search(Document.objects.visible_to(clerk), "noi dung cong van")) == [outgoing]
