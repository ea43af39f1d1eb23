"""A dossier's whole life through the services, as the issue walks it: on-line filing →
reception after a supplement → processing at two units and a second agency (liên thông) with
a supplement during processing that restarts the clock → late warning → apology with a new
date → result issued as an outgoing document → returned → rated. And a counter dossier that
is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import DocumentType
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.models import Notification
from lienthong.onestop import printouts, services
from lienthong.onestop.constants import DossierStatus, HandOverAction, Outcome, StepState
from lienthong.onestop.models import Dossier, DossierStep, HandOver, Rating
from lienthong.onestop.services import Applicant, Paper
from tests.onestop.conftest import pdf_file, vn

pytestmark = pytest.mark.django_db


def test_online_dossier_walks_from_filing_to_rating(world, clock, db_snapshot) -> None:
    w = world
    clock.set(2026, 12, 7, 8, 30)  # Monday
    # Submitting without the second required paper is refused and leaves nothing behind.
    before = db_snapshot()
    with pytest.raises(ValidationError) as refused:
        services.file_dossier(
            actor=w.citizen,
            procedure=w.procedure,
            idempotency_key="6f1c1d2e-3c59-4b0e-9a51-0d6f7f1d9a01",
            papers=[Paper(upload=pdf_file("Đơn"), name="don.pdf", component=w.components[0])],
            submit=True,
        )
    assert "Giấy chứng nhận đăng ký doanh nghiệp" in str(refused.value)
    assert db_snapshot() == before

    dossier = services.file_dossier(
        actor=w.citizen,
        procedure=w.procedure,
        idempotency_key="6f1c1d2e-3c59-4b0e-9a51-0d6f7f1d9a02",
        papers=[
            Paper(upload=pdf_file("Đơn"), name="don.pdf", component=w.components[0]),
            Paper(upload=pdf_file("GCN"), name="gcn.pdf", component=w.components[1]),
        ],
        submit=True,
    )
    assert dossier.code == f"{w.dept.code}-261207-0001"
    assert (dossier.status, dossier.portal_status) == (DossierStatus.SUBMITTED, 1)
    # The counter is told an on-line dossier waits.
    assert Notification.objects.filter(
        recipient=w.counter, kind=NotificationKind.NEW_ASSIGNMENT
    ).exists()

    # Reception: the counter asks once for a paper (Mẫu 02).
    clock.set(2026, 12, 7, 9, 0)
    services.request_supplement(
        actor=w.counter, dossier=dossier, items="Bản sao chứng thực GCN còn hiệu lực"
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.portal_status) == (DossierStatus.SUPPLEMENT_REQUESTED, 5)
    with pytest.raises(ValidationError):
        services.receive_dossier(actor=w.counter, dossier=dossier)
    clock.set(2026, 12, 7, 9, 40)
    with pytest.raises(ValidationError):  # nothing supplied yet
        services.resubmit_dossier(actor=w.citizen, dossier=dossier)
    services.add_component(
        actor=w.citizen,
        dossier=dossier,
        upload=pdf_file("GCN mới"),
        name="gcn-moi.pdf",
        procedure_component=w.components[1],
    )
    services.resubmit_dossier(actor=w.citizen, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED

    # Received Monday 10:00, 5 working days = 40 h: 6 h Monday, 8 h Tuesday to Friday,
    # 2 h the next Monday: due Monday 14/12 10:00.
    clock.set(2026, 12, 7, 10, 0)
    services.receive_dossier(actor=w.counter, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.portal_status) == (DossierStatus.RECEIVED, 2)
    assert dossier.due_at == vn(2026, 12, 14, 10, 0)
    steps = list(dossier.steps.order_by("order"))
    assert [s.state for s in steps] == [
        StepState.DONE,
        StepState.QUEUED,
        StepState.WAITING,
        StepState.WAITING,
        StepState.WAITING,
    ]
    bc_step = steps[1]
    assert bc_step.deadline_at == vn(2026, 12, 9, 10, 0)  # 2 days from Monday 10:00
    assert list(DossierStep.objects.queue_for(w.bc_leader)) == [bc_step]
    assert list(DossierStep.objects.queue_for(w.vp_leader)) == []

    # Only the unit's leader assigns; a refused action changes nothing.
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        services.assign_handler(actor=w.vp_leader, step=bc_step, handler=w.vp_member)
    with pytest.raises(ValidationError):  # a handler outside the unit
        services.assign_handler(actor=w.bc_leader, step=bc_step, handler=w.vp_member)
    assert db_snapshot() == before
    services.assign_handler(actor=w.bc_leader, step=bc_step, handler=w.bc_handler)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.portal_status) == (DossierStatus.PROCESSING, 4)

    # The handler consults the office; only that unit answers.
    assert not Dossier.objects.visible_to(w.vp_member).filter(pk=dossier.pk).exists()
    consultation = services.consult_unit(
        actor=w.bc_handler, step=bc_step, unit=w.vp, question="Doanh nghiệp có nợ phí không?"
    )
    assert Dossier.objects.visible_to(w.vp_member).filter(pk=dossier.pk).exists()
    with pytest.raises(PermissionDenied):
        services.answer_consultation(actor=w.bc_leader, consultation=consultation, answer="Không")
    services.answer_consultation(actor=w.vp_member, consultation=consultation, answer="Không nợ.")

    # During processing, within 3 working days: one more request; the clock restarts on a
    # complete resubmission (Tuesday 14:00 + 40 h = Tuesday 15/12 14:00).
    clock.set(2026, 12, 8, 9, 0)
    services.request_supplement(actor=w.bc_handler, dossier=dossier, items="Bản đồ mạng lưới")
    with pytest.raises(ValidationError):
        services.request_supplement(actor=w.bc_handler, dossier=dossier, items="Lần nữa")
    clock.set(2026, 12, 8, 14, 0)
    services.add_component(
        actor=w.citizen,
        dossier=dossier,
        upload=pdf_file("Bản đồ"),
        name="ban-do.pdf",
        procedure_component=w.components[2],
    )
    services.resubmit_dossier(actor=w.citizen, dossier=dossier)
    dossier.refresh_from_db()
    bc_step.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.clock_started_at == vn(2026, 12, 8, 14, 0)
    assert dossier.due_at == vn(2026, 12, 15, 14, 0)
    assert bc_step.deadline_at == vn(2026, 12, 10, 14, 0)

    # Proposal and approval; the next step is at the other agency (liên thông).
    clock.set(2026, 12, 9, 10, 0)
    with pytest.raises(ValidationError):  # nothing proposed yet
        services.approve_step(actor=w.bc_leader, step=bc_step)
    services.propose(actor=w.bc_handler, step=bc_step, text="Đủ điều kiện cấp phép.")
    services.approve_step(actor=w.bc_leader, step=bc_step)
    bc_step.refresh_from_db()
    assert (bc_step.state, bc_step.outcome) == (StepState.DONE, Outcome.EARLY)
    other_step = dossier.steps.get(order=3)
    assert other_step.state == StepState.QUEUED
    # 1.5 days = 12 h from Wednesday 10:00: 6 h Wednesday, Thursday 08:00-12:00, 13:00-15:00.
    assert other_step.deadline_at == vn(2026, 12, 10, 15, 0)
    assert list(DossierStep.objects.queue_for(w.other_leader)) == [other_step]
    assert Dossier.objects.visible_to(w.other_handler).filter(pk=dossier.pk).exists()
    assert not Dossier.objects.visible_to(w.outsider).filter(pk=dossier.pk).exists()
    services.assign_handler(actor=w.other_leader, step=other_step, handler=w.other_handler)
    services.propose(actor=w.other_handler, step=other_step, text="Thông tin ĐKKD khớp.")
    clock.set(2026, 12, 11, 9, 0)  # Friday, after its deadline
    services.approve_step(actor=w.other_leader, step=other_step)
    other_step.refresh_from_db()
    assert other_step.outcome == Outcome.LATE
    approval = dossier.steps.get(order=4)
    assert list(DossierStep.objects.queue_for(w.leader)) == [approval]

    # Late warning: one working day before Tuesday 15/12 14:00 is Monday 14/12 14:00.
    dossier.refresh_from_db()
    assert dossier.warn_at == vn(2026, 12, 14, 14, 0)
    assert services.warn_due_soon(now=vn(2026, 12, 14, 13, 59)) == 0
    assert services.warn_due_soon(now=vn(2026, 12, 14, 14, 0)) == 1
    assert services.warn_due_soon(now=vn(2026, 12, 14, 15, 0)) == 0  # once only
    assert (
        Notification.objects.filter(recipient=w.leader, kind=NotificationKind.DUE_SOON).count() == 1
    )
    assert (
        Notification.objects.filter(recipient=w.counter, kind=NotificationKind.DUE_SOON).count()
        == 1
    )

    # Apology with a new date (Mẫu 04), once.
    clock.set(2026, 12, 14, 15, 0)
    with pytest.raises(ValidationError):
        services.apologise(
            actor=w.leader,
            dossier=dossier,
            reason="Chờ xác minh",
            new_due_at=vn(2026, 12, 15, 9, 0),
        )
    with pytest.raises(PermissionDenied):
        services.apologise(
            actor=w.outsider, dossier=dossier, reason="x", new_due_at=vn(2026, 12, 18, 17, 0)
        )
    services.apologise(
        actor=w.leader,
        dossier=dossier,
        reason="Chờ kết quả xác minh của Sở Kế hoạch và Đầu tư",
        new_due_at=vn(2026, 12, 18, 17, 0),
    )
    with pytest.raises(ValidationError):
        services.apologise(
            actor=w.leader, dossier=dossier, reason="Lần hai", new_due_at=vn(2026, 12, 21, 17, 0)
        )
    dossier.refresh_from_db()
    assert dossier.due_at == vn(2026, 12, 18, 17, 0)
    assert dossier.first_due_at == vn(2026, 12, 15, 14, 0)

    # The agency leader decides; the clerk issues the result as a numbered outgoing document.
    clock.set(2026, 12, 16, 9, 0)
    services.approve_step(actor=w.leader, step=approval, note="Đồng ý cấp phép")
    with pytest.raises(PermissionDenied):
        services.issue_result(
            actor=w.counter,
            dossier=dossier,
            document_type=DocumentType.objects.get(name="Quyết định"),
            upload=pdf_file("Quyết định"),
            file_name="qd.pdf",
        )
    services.issue_result(
        actor=w.clerk,
        dossier=dossier,
        document_type=DocumentType.objects.get(name="Quyết định"),
        upload=pdf_file("Quyết định cấp giấy phép bưu chính"),
        file_name="quyet-dinh.pdf",
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.portal_status) == (DossierStatus.DONE, 9)
    result = dossier.result_document
    assert result is not None and result.status == DocumentStatus.ISSUED
    assert result.number_and_symbol.endswith("/QĐ-STTTT") and result.agency == w.dept
    assert result.attachments.count() == 1

    # Returned on-line; early against the new appointment (Friday 18/12).
    clock.set(2026, 12, 16, 10, 0)
    services.return_result(actor=w.counter, dossier=dossier, channel="online")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.portal_status) == (DossierStatus.RETURNED, 10)
    assert dossier.outcome == Outcome.EARLY

    # Rated once by the applicant.
    with pytest.raises(PermissionDenied):
        services.rate_dossier(actor=w.counter, dossier=dossier, satisfaction=4, staff_attitude=4)
    services.rate_dossier(
        actor=w.citizen, dossier=dossier, satisfaction=3, staff_attitude=4, comment="Nhanh"
    )
    with pytest.raises(ValidationError):
        services.rate_dossier(actor=w.citizen, dossier=dossier, satisfaction=4, staff_attitude=4)
    assert Rating.objects.get(dossier=dossier).satisfaction == 3

    actions = list(HandOver.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions[:6] == [
        HandOverAction.CREATED,
        HandOverAction.SUBMITTED,
        HandOverAction.SUPPLEMENT_REQUESTED,
        HandOverAction.RESUBMITTED,
        HandOverAction.RECEIVED,
        HandOverAction.FORWARDED,
    ]
    assert actions[-3:] == [
        HandOverAction.APPROVED,
        HandOverAction.RESULT_READY,
        HandOverAction.RETURNED,
    ]
    assert (
        actions.count(HandOverAction.FORWARDED) == 3
    )  # to BCVT, to the other agency, to the leader
    assert HandOverAction.WARNED in actions and HandOverAction.APOLOGISED in actions
    # Every form of the dossier prints.
    assert printouts.available(dossier) == ["01", "02", "04", "05"]
    for form in printouts.available(dossier):
        assert printouts.render(dossier, form).startswith(b"%PDF")
    # The applicant was told of each step as news of their dossier (a kind of its own).
    told = Notification.objects.filter(recipient=w.citizen)
    assert told.count() >= 5
    assert set(told.values_list("kind", flat=True)) == {NotificationKind.DOSSIER_UPDATE}


def test_counter_dossier_is_refused_with_form_03(world, clock) -> None:
    w = world
    clock.set(2026, 12, 7, 15, 30)
    dossier = services.file_dossier(
        actor=w.counter,
        procedure=w.procedure,
        idempotency_key=None,
        applicant=Applicant(
            kind="business",
            name="Công ty TNHH Chuyển phát Mũi Cà Mau",
            id_number="2001234567",
            phone="02903812345",
            address="Đường Lý Thường Kiệt, Phường 6",
        ),
        papers=[Paper(upload=pdf_file("Đơn"), name="scan-don.pdf", component=w.components[0])],
    )
    assert dossier.channel == "counter" and dossier.status == DossierStatus.SUBMITTED
    assert dossier.code == f"{w.dept.code}-261207-0001"
    with pytest.raises(ValidationError):  # incomplete: it cannot be received
        services.receive_dossier(actor=w.counter, dossier=dossier)
    with pytest.raises(ValidationError):
        services.refuse_dossier(actor=w.counter, dossier=dossier, reason="  ")
    services.refuse_dossier(
        actor=w.counter, dossier=dossier, reason="Doanh nghiệp không có ngành nghề bưu chính"
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.portal_status) == (DossierStatus.REFUSED, 3)
    assert printouts.available(dossier) == ["03"]
    assert printouts.render(dossier, "03").startswith(b"%PDF")
    with pytest.raises(ValidationError):
        services.receive_dossier(actor=w.counter, dossier=dossier)


def test_withdrawal_stops_the_dossier(world, clock) -> None:
    from tests.onestop.conftest import filed_online

    dossier = filed_online(world)
    services.submit_dossier(actor=world.citizen, dossier=dossier)
    services.receive_dossier(actor=world.counter, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services.withdraw_dossier(actor=world.counter, dossier=dossier)
    services.withdraw_dossier(actor=world.citizen, dossier=dossier, reason="Không còn nhu cầu")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.portal_status) == (DossierStatus.WITHDRAWN, 7)
    assert not DossierStep.objects.active().filter(dossier=dossier).exists()
    assert services.warn_due_soon(now=vn(2030, 1, 1, 9, 0)) == 0


def test_the_late_warning_runs_with_the_scheduler() -> None:
    from lienthong.core import periodic

    assert periodic.registered()["onestop.warn_due_soon"] is services.warn_due_soon
