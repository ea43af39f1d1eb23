"""Sending and receiving over the document axis, in one installation, against the simulator:
an issued document leaves as one signed package per recipient; statuses come back (in any
order, only forward); packages from outside become one incoming document each, duplicates are
acknowledged and kept as evidence only; what is unusable is refused with status 02 and a reason;
an axis that is down is retried later; confidential documents never leave."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Document
from lienthong.exchange import axis_services, edxml, services
from lienthong.exchange.axis import AxisError
from lienthong.exchange.constants import AxisTransport, DeliveryStatus, PackageOutcome
from lienthong.exchange.models import AxisAgency, AxisDelivery, AxisPackage, AxisReceipt
from tests.documents import files
from tests.exchange.axis_fixtures import MINISTRY_SECRET, PROVINCE_SECRET, client, running_axis
from tests.exchange.pki import make_pki, pkcs12_file
from tests.exchange.test_delivery import issue

MINISTRY = edxml.Organ("000.00.00.G01", "Bộ Thử nghiệm")


@pytest.fixture
def axis(tmp_path, settings, two_agencies):
    codes = [(a.code, a.name) for a in two_agencies]
    with running_axis(tmp_path / "axis.sqlite3", codes) as running:
        settings.LIENTHONG_AXIS_ENDPOINT = running.url
        settings.LIENTHONG_AXIS_SYSTEM_ID = "camau"
        settings.LIENTHONG_AXIS_SECRET = PROVINCE_SECRET
        settings.LIENTHONG_AXIS_SIGNING_PKCS12 = pkcs12_file(tmp_path / "axis.p12", make_pki())
        settings.LIENTHONG_AXIS_SIGNING_PASSPHRASE = "test-only"
        axis_services.sync_directory()
        yield running


@pytest.fixture
def ministry(axis):
    return client(axis.url, "botn", MINISTRY_SECRET)


def ministry_pki():
    return make_pki("Bộ Thử nghiệm (thử nghiệm)")


def ministry_sign(xml: bytes) -> bytes:
    pki = ministry_pki()
    return edxml.sign(xml, key_pem=pki.key_pem, certificates=[pki.cert_pem])


def status_from_ministry(
    outgoing: Document, code: str, description: str = "", sender: edxml.Organ = MINISTRY
) -> bytes:
    status = edxml.Status(
        response_for=edxml.ResponseFor(
            outgoing.agency.code,
            outgoing.number_and_symbol,
            outgoing.issued_date,
            axis_services.document_key(outgoing),
        ),
        sender=sender,
        code=code,
        description=description,
    )
    return ministry_sign(edxml.build_status(status))


def package_to(
    agency, *, number="45", business=None, pdf=None, subject="V/v phối hợp thử nghiệm liên thông"
) -> bytes:
    message = edxml.Message(
        sender=MINISTRY,
        recipients=[edxml.Organ(agency.code, agency.name)],
        code_number=number,
        code_notation="BTN-VP",
        place="Hà Nội",
        promulgation_date=timezone.localdate() - timedelta(days=7),  # by the suite's clock
        type_name="Công văn",
        subject=subject,
        signer=edxml.Signer("Trần Văn Thử", "Thứ trưởng", "KT. BỘ TRƯỞNG"),
        business=business or edxml.Business(),
        attachments=[
            edxml.AttachmentFile(
                "cid:1", "45-BTN-VP.pdf", "application/pdf", pdf or files.text_pdf("Bộ gửi")
            )
        ],
    )
    return ministry_sign(edxml.build_message(message))


def test_an_issued_document_leaves_signed_and_its_statuses_come_back(
    axis, ministry, clerk, unit, two_agencies, run_tasks
):
    outgoing = issue(clerk, unit, [two_agencies[1]])
    run_tasks()  # the local delivery
    target = AxisAgency.objects.get(code="000.00.00.G01")
    assert not AxisAgency.objects.filter(code=two_agencies[0].code).exists()  # ours left out
    [delivery] = axis_services.send_over_axis(actor=clerk, document=outgoing, agencies=[target])
    axis_services.send_over_axis(actor=clerk, document=outgoing, agencies=[target])  # no-op
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.transport == AxisTransport.SENT and delivery.axis_doc_id
    [waiting] = ministry.waiting("edoc")
    raw = ministry.fetch(waiting)
    evidence = AxisPackage.objects.get(delivery=delivery)
    assert bytes(evidence.raw) == raw and evidence.signature == "valid-untrusted"
    edxml.validate(raw)
    parsed = edxml.parse(raw).message
    assert parsed.document_id == axis_services.document_key(outgoing)
    assert parsed.attachments[0].data.startswith(b"%PDF")
    assert edxml.verify(raw, anchors=[make_pki().root_pem]).label == "trusted"
    ministry.acknowledge(waiting)
    # Statuses out of order: 03, 06, then a late 04 that changes nothing.
    for code in ("03", "06", "04"):
        ministry.send(
            status_from_ministry(outgoing, code),
            sender_code=MINISTRY.organ_id,
            message_type="status",
        )
    counts = axis_services.poll()
    assert counts["status"] == 3
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.COMPLETED
    assert list(delivery.events.values_list("status", flat=True)) == ["03", "06", "04"]
    assert axis.simulator.waiting(axis.simulator.systems["camau"], "status") == []  # acked
    # A refusal (02) from the recipient with its reason.
    ministry.send(
        status_from_ministry(outgoing, "02", "Sai nơi nhận"),
        sender_code=MINISTRY.organ_id,
        message_type="status",
    )
    axis_services.poll()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REJECTED and delivery.reason == "Sai nơi nhận"
    # Recall: a revocation package follows to the axis recipient.
    services.recall(actor=clerk, outgoing=outgoing, reason="Sai sót")
    run_tasks()
    revoke = AxisDelivery.objects.get(outgoing=outgoing, business_type=1)
    assert revoke.transport == AxisTransport.SENT
    [revocation] = ministry.waiting("edoc")
    business = edxml.parse(ministry.fetch(revocation)).message.business
    assert business.doc_type == 1 and business.reason == "Sai sót"  # the clerk's reason travels


def test_refusals_on_the_sending_side(axis, clerk, unit, two_agencies, run_tasks, settings):
    outgoing = issue(clerk, unit, [two_agencies[1]])
    # A stale directory entry: the axis refuses the unknown code; the delivery says why.
    stale = AxisAgency.objects.create(
        code="000.00.00.G77", name="Bộ đã giải thể", synced_at=AxisAgency.objects.first().synced_at
    )
    [delivery] = axis_services.send_over_axis(actor=clerk, document=outgoing, agencies=[stale])
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.transport == AxisTransport.FAILED and "000.00.00.G77" in delivery.reason
    # A confidential document never leaves.
    secret = issue(clerk, unit, [two_agencies[1]], subject="Văn bản mật", confidentiality=1)
    with pytest.raises(ValidationError) as refused:
        axis_services.send_over_axis(
            actor=clerk, document=secret, agencies=[AxisAgency.objects.get(code="000.00.00.G01")]
        )
    assert refused.value.error_list[0].code == "confidential"
    # The axis down: the job fails and is retried later (back-off), nothing marked failed.
    good = AxisDelivery.objects.create(
        outgoing=outgoing, recipient=AxisAgency.objects.get(code="000.00.00.G01")
    )
    settings.LIENTHONG_AXIS_ENDPOINT = "http://127.0.0.1:9"
    with pytest.raises(AxisError):
        axis_services.transmit(delivery_id=good.pk)
    from lienthong.exchange.tasks import transmit

    transmit.enqueue(good.pk)
    run_tasks()
    good.refresh_from_db()
    assert good.transport == AxisTransport.QUEUED and good.attempts == 2
    assert DBTaskResult.objects.filter(status="READY", task_path__endswith="transmit").exists()
    settings.LIENTHONG_AXIS_ENDPOINT = axis.url  # the axis is back
    axis_services.transmit(delivery_id=good.pk)
    good.refresh_from_db()
    assert good.transport == AxisTransport.SENT
    assert AxisPackage.objects.filter(delivery=good).count() == 1  # the same package re-sent


def test_a_package_from_outside_arrives_once_and_statuses_go_back(
    axis, ministry, clerk, two_agencies, run_tasks
):
    ours = two_agencies[0]
    package = package_to(ours)
    ministry.send(package, sender_code=MINISTRY.organ_id, message_type="edoc")
    ministry.send(package, sender_code=MINISTRY.organ_id, message_type="edoc")  # twice
    counts = axis_services.poll()
    assert counts["received"] == 1 and counts["duplicate"] == 1
    copy = Document.objects.get(agency=ours, direction="incoming")
    assert copy.status == DocumentStatus.RECEIVED and copy.number_and_symbol == "45/BTN-VP"
    assert (
        copy.issuer_code == "000.00.00.G01" and copy.signer_position == "KT. BỘ TRƯỞNG Thứ trưởng"
    )
    assert copy.attachments.get().versions.get().original_name == "45-BTN-VP.pdf"
    receipt = AxisReceipt.objects.get(incoming=copy)
    assert receipt.signature == "valid-untrusted" and "Bộ Thử nghiệm" in receipt.signer_subject
    outcomes = list(
        AxisPackage.objects.filter(direction="received").values_list("outcome", flat=True)
    )
    assert outcomes == [PackageOutcome.ACCEPTED, PackageOutcome.DUPLICATE]
    run_tasks()  # status 01 goes back
    services.accept_delivered(actor=clerk, document=copy)  # 03
    run_tasks()
    codes = [edxml.parse(ministry.fetch(i)).status.code for i in ministry.waiting("status")]
    assert codes == ["01", "03"]
    services.report_status(document=copy, status="04")
    services.report_status(document=copy, status="04")  # not twice
    run_tasks()
    assert len(ministry.waiting("status")) == 3


def test_unusable_packages_are_refused_with_status_02(axis, ministry, two_agencies, run_tasks):
    ours = two_agencies[0]
    unsigned = edxml.build_message(edxml.parse(package_to(ours, number="46")).message)
    assert axis_services.handle_package(raw=unsigned) == "refused"
    corrupt = package_to(ours, number="47").replace(
        b"BTN-VP</edXML:CodeNotation>", b"BTN-XX</edXML:CodeNotation>"
    )
    assert axis_services.handle_package(raw=corrupt) == "refused"
    stranger = package_to(type(ours)(code="000.00.99.H12", name="Không có"), number="48")
    assert axis_services.handle_package(raw=stranger) == "refused"
    assert axis_services.handle_package(raw=b"<edXML>") == "refused"
    assert not Document.objects.filter(direction="incoming").exists()
    reasons = list(AxisPackage.objects.filter(outcome="refused").values_list("reason", flat=True))
    assert "not signed" in reasons[0] and "does not hold" in reasons[1]
    assert "no recipient" in reasons[2] and "well-formed" in reasons[3]
    run_tasks()
    refusals = [edxml.parse(ministry.fetch(i)).status for i in ministry.waiting("status")]
    assert [s.code for s in refusals] == ["02", "02"]
    assert "not signed" in refusals[0].description


def test_revocation_update_and_replacement_from_outside_wait_for_the_clerk(
    axis, ministry, clerk, other_clerk, two_agencies, run_tasks, client
):
    """A recall, an update or a replacement from outside changes nothing by itself: each is a
    request in the clerk's queue, answered by agreeing (15) or refusing with a reason (16)."""
    ours = two_agencies[0]
    axis_services.handle_package(raw=package_to(ours))
    first = Document.objects.get(agency=ours)
    key = AxisReceipt.objects.get().document_key
    update = edxml.Business(edxml.BusinessType.UPDATE, document_id=key)
    axis_services.handle_package(
        raw=package_to(ours, subject="V/v trích yếu đã sửa", business=update)
    )
    replace = edxml.Business(edxml.BusinessType.REPLACE, document_id=key, replaced_ids=[key])
    assert (
        axis_services.handle_package(raw=package_to(ours, number="50", business=replace))
        == "received"
    )
    second = Document.objects.get(agency=ours, code_number="50")
    assert second.replaces == first
    revoke = edxml.Business(edxml.BusinessType.REVOKE, document_id=key, reason="Sai thể thức")
    axis_services.handle_package(raw=package_to(ours, business=revoke))
    first.refresh_from_db()
    assert first.status == DocumentStatus.RECEIVED and first.subject != "V/v trích yếu đã sửa"
    pending = list(axis_services.pending_requests(ours.pk))
    assert [r.business_type for r in pending] == [2, 3, 1]
    assert all(r.target == first for r in pending)
    # The queue, for the clerk of the receiving agency only.
    client.force_login(other_clerk)
    assert client.get(reverse("exchange:axis-requests")).context["pending"].count() == 0
    refused = client.post(
        reverse("exchange:axis-requests"), {"receipt": pending[0].pk, "agree": "1"}
    )
    assert refused.status_code == 404  # another agency's clerk
    assert axis_services.pending_requests(ours.pk).count() == 3
    client.force_login(clerk)
    detail = client.get(reverse("documents:detail", args=[first.pk])).content.decode()
    assert 'data-testid="axis-request-pending"' in detail  # the copy's page says so
    page = client.get(reverse("exchange:axis-requests"))
    assert "Sai thể thức" in page.content.decode()
    client.post(reverse("exchange:axis-requests"), {"receipt": pending[0].pk, "agree": "1"})
    first.refresh_from_db()
    assert first.subject == "V/v trích yếu đã sửa" and first.status == DocumentStatus.RECEIVED
    with pytest.raises(ValidationError):  # a refusal needs a reason
        axis_services.answer_request(actor=clerk, receipt=pending[2], agree=False)
    client.post(
        reverse("exchange:axis-requests"),
        {"receipt": pending[2].pk, "agree": "0", "reason": "Đã phân công xử lý"},
    )
    first.refresh_from_db()
    assert first.status == DocumentStatus.RECEIVED  # the recall was refused
    axis_services.answer_request(actor=clerk, receipt=pending[1], agree=True)
    first.refresh_from_db()
    assert first.status == DocumentStatus.RECALLED  # withdrawn in favour of its replacement
    with pytest.raises(ValidationError):  # answered once
        axis_services.answer_request(actor=clerk, receipt=pending[1], agree=False, reason="x")
    assert list(axis_services.pending_requests(ours.pk)) == []
    # A recall of a document we never received: refused at once.
    unknown = edxml.Business(edxml.BusinessType.REVOKE, document_id="000.00.00.G01,2026/01/01,9/X")
    axis_services.handle_package(raw=package_to(ours, number="51", business=unknown))
    run_tasks()
    statuses = [edxml.parse(ministry.fetch(i)).status for i in ministry.waiting("status")]
    assert [s.code for s in statuses] == ["01", "01", "15", "16", "15", "16"]
    assert statuses[3].description == "Đã phân công xử lý"
