"""The whole incoming chain in one agency (Decree 30/2020, Điều 20 to 24): the clerk registers
and presents, the leader assigns a lead unit, a supporting unit and a person for information
with a deadline in working days, the unit leader hands it to a specialist, who records
progress and completes with a reply; the queues follow each step."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lienthong.core.models import AuditEvent
from lienthong.documents import services as document_services
from lienthong.documents.models import Document
from lienthong.workflows import services
from lienthong.workflows.constants import AssignmentRole, AssignmentState, EntryKind, Queue
from lienthong.workflows.models import Assignment, ProcessingEntry
from lienthong.workflows.services import Assignee
from tests.documents.conftest import doc_type

LEAD, SUPPORT, INFO = AssignmentRole.LEAD, AssignmentRole.SUPPORT, AssignmentRole.INFORMATION


def queue(user, name: str) -> list[int]:
    return list(
        Assignment.objects.handled_by(user)
        .in_queue(name)
        .order_by("id")
        .values_list("pk", flat=True)
    )


def reply_for(people) -> Document:
    return document_services.record_outgoing(
        actor=people.clerk,
        document_type=doc_type("Công văn"),
        subject="V/v trả lời góp ý dự thảo quyết định",
        drafting_unit=people.legal,
        recipient_agencies=[people.other_agency],
    )


def test_the_whole_chain(clock, people, incoming, sent) -> None:
    doc = incoming(subject="Quyết định về việc lấy ý kiến dự thảo quy chế phối hợp")
    p = people

    services.present_to_leader(actor=p.clerk, document=doc, leader=p.leader, note="Kính trình")
    assert sent.notified("new_assignment") == [{"giamdoc"}]

    lead, support, info = services.assign(
        actor=p.leader,
        document=doc,
        assignees=[
            Assignee(role=LEAD, unit=p.legal),
            Assignee(role=SUPPORT, unit=p.admin_unit),
            Assignee(role=INFO, user=p.deputy),
        ],
        instruction="Phòng XDKTVB chủ trì nghiên cứu, tham mưu văn bản góp ý.",
        working_days=10,
    )
    # 12/02/2026 + 10 working days, over Tết (16 to 20/02): 05/03/2026.
    assert lead.deadline == support.deadline == date(2026, 3, 5)
    assert lead.deadline_working_days == 10
    assert info.deadline is None and info.role == INFO
    assert lead.assigned_by == p.leader and lead.on_behalf_of is None
    assert sent.statuses == [(doc.pk, "04")]
    assert sent.notified("new_assignment")[1:] == [
        {"truongphong"},
        {"truongphong2"},
        {"phogiamdoc"},
    ]
    assert queue(p.legal_head, Queue.TODO) == [lead.pk]
    assert queue(p.deputy, Queue.TODO) == [info.pk]

    clock.set(date(2026, 2, 23))
    handed = services.reassign(
        actor=p.legal_head,
        assignment=lead,
        assignees=[
            Assignee(role=LEAD, user=p.specialist),
            Assignee(role=SUPPORT, user=p.specialist2, working_days=3),
        ],
        instruction="Đ/c Văn 1 dự thảo văn bản trả lời.",
        deadline=date(2026, 3, 3),
    )
    mine, helper = handed
    lead.refresh_from_db()
    assert lead.state == AssignmentState.IN_PROGRESS
    assert mine.parent == lead and mine.deadline == date(2026, 3, 3)
    assert helper.deadline == date(2026, 2, 26)
    assert queue(p.specialist, Queue.TODO) == [mine.pk]
    # Unit leader's view of the unit: the unit's assignment and its people's.
    unit_view = Assignment.objects.of_units([p.legal.pk]).actionable().order_by("id")
    assert list(unit_view) == [lead, mine, helper]

    services.record_progress(actor=p.specialist, assignment=mine, note="Đang dự thảo")
    services.record_progress(
        actor=p.specialist, assignment=mine, note="Đề xuất ban hành công văn góp ý.", proposal=True
    )
    assert sent.statuses == [(doc.pk, "04"), (doc.pk, "05")]  # 05 once, on the first note
    mine.refresh_from_db()
    assert mine.state == AssignmentState.IN_PROGRESS and mine.started_at is not None

    reply = reply_for(p)
    services.complete(actor=p.specialist, assignment=mine, note="Đã trình ký", reply_document=reply)
    for a in (mine, lead):
        a.refresh_from_db()
        assert a.state == AssignmentState.COMPLETED and a.reply_document == reply
    assert sent.statuses[-1] == (doc.pk, "06")
    assert queue(p.specialist, Queue.TODO) == [] and queue(p.specialist, Queue.DONE) == [mine.pk]
    assert queue(p.legal_head, Queue.DONE) == [lead.pk]
    # The supporting people still have their own work to finish.
    assert queue(p.specialist2, Queue.TODO) == [helper.pk]
    assert queue(p.admin_head, Queue.TODO) == [support.pk]

    kinds = list(
        ProcessingEntry.objects.filter(document=doc)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        EntryKind.PRESENTED,
        EntryKind.ASSIGNED,
        EntryKind.ASSIGNED,
        EntryKind.ASSIGNED,
        EntryKind.REASSIGNED,
        EntryKind.REASSIGNED,
        EntryKind.PROGRESS,
        EntryKind.PROPOSAL,
        EntryKind.COMPLETED,
        EntryKind.COMPLETED,
    ]
    actions = list(
        AuditEvent.objects.for_object(doc)
        .filter(action__startswith="workflow.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "workflow.presented",
        "workflow.assigned",
        "workflow.reassigned",
        "workflow.progress_recorded",
        "workflow.progress_recorded",
        "workflow.completed",
    ]


def test_only_one_lead_and_a_new_one_after_a_return(clock, people, incoming, sent) -> None:
    doc = incoming()
    p = people
    with pytest.raises(ValidationError, match="Only one"):
        services.assign(
            actor=p.leader,
            document=doc,
            assignees=[Assignee(role=LEAD, unit=p.legal), Assignee(role=LEAD, unit=p.admin_unit)],
        )
    with pytest.raises(ValidationError, match="lead"):
        services.assign(
            actor=p.leader, document=doc, assignees=[Assignee(role=SUPPORT, unit=p.legal)]
        )
    (lead,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, unit=p.legal)], working_days=5
    )
    with pytest.raises(ValidationError, match="already has a lead"):
        services.assign(
            actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, unit=p.admin_unit)]
        )
    with pytest.raises(ValidationError, match="already assigned"):
        services.assign(
            actor=p.leader, document=doc, assignees=[Assignee(role=SUPPORT, unit=p.legal)]
        )
    # More support later is fine; status 04 is reported only once.
    services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=SUPPORT, unit=p.admin_unit)]
    )
    assert sent.statuses == [(doc.pk, "04")]

    services.return_document(actor=p.legal_head, assignment=lead, reason="Không thuộc chức năng")
    assert sent.notified("returned") == [{"giamdoc"}]
    (new_lead,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, user=p.other_specialist)]
    )
    assert new_lead.state == AssignmentState.OPEN


def test_returning_a_units_work_ends_what_it_handed_on(clock, people, incoming, sent) -> None:
    p = people
    doc = incoming()
    (lead,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, unit=p.legal)]
    )
    (mine,) = services.reassign(
        actor=p.legal_head, assignment=lead, assignees=[Assignee(role=LEAD, user=p.specialist)]
    )
    with pytest.raises(ValidationError, match="still handling"):
        services.complete(actor=p.legal_head, assignment=lead)
    with pytest.raises(ValidationError, match="goes back to the unit"):
        services.return_document(actor=p.specialist, assignment=mine, reason="x", to="clerk")
    with pytest.raises(ValidationError):
        services.return_document(actor=p.legal_head, assignment=lead, reason="  ")
    services.return_document(
        actor=p.legal_head, assignment=lead, reason="Chuyển Phòng HCTP", to="clerk"
    )
    mine.refresh_from_db()
    assert mine.state == AssignmentState.RETURNED
    # The clerk gets it back, and the leader who gave it is told.
    assert sent.notified("returned") == [{p.clerk.username, p.leader.username}]
    # A finished assignment has no way back (explicit transitions).
    with pytest.raises(ValidationError):
        services.record_progress(actor=p.specialist, assignment=mine, note="x")
    with pytest.raises(ValidationError):
        services.complete(actor=p.legal_head, assignment=lead)


def test_unit_leader_hands_on_only_to_people_of_the_unit_within_its_deadline(
    clock, people, incoming
) -> None:
    p = people
    doc = incoming()
    (lead,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, unit=p.legal)], working_days=5
    )
    with pytest.raises(ValidationError, match="not in the unit"):
        services.reassign(
            actor=p.legal_head,
            assignment=lead,
            assignees=[Assignee(role=LEAD, user=p.other_specialist)],
        )
    with pytest.raises(ValidationError, match="cannot be after"):
        services.reassign(
            actor=p.legal_head,
            assignment=lead,
            assignees=[Assignee(role=LEAD, user=p.specialist)],
            working_days=20,
        )
    assert not lead.children.exists()
    (mine,) = services.reassign(
        actor=p.legal_head, assignment=lead, assignees=[Assignee(role=LEAD, user=p.specialist)]
    )
    assert mine.deadline == lead.deadline  # the unit's own by default


def test_information_has_no_deadline_and_is_acknowledged(clock, people, incoming) -> None:
    p = people
    doc = incoming()
    with pytest.raises(ValidationError, match="no deadline"):
        services.assign(
            actor=p.leader,
            document=doc,
            assignees=[
                Assignee(role=LEAD, unit=p.legal),
                Assignee(role=INFO, user=p.deputy, working_days=2),
            ],
        )
    _lead, info = services.assign(
        actor=p.leader,
        document=doc,
        assignees=[Assignee(role=LEAD, unit=p.legal), Assignee(role=INFO, user=p.deputy)],
        working_days=2,
    )
    services.complete(actor=p.deputy, assignment=info, note="Đã xem")
    info.refresh_from_db()
    assert info.state == AssignmentState.COMPLETED


def test_an_outgoing_document_is_not_assigned_and_a_reply_must_be_outgoing(
    clock, people, incoming
) -> None:
    p = people
    doc = incoming()
    outgoing = reply_for(p)
    with pytest.raises(ValidationError):
        services.assign(
            actor=p.leader, document=outgoing, assignees=[Assignee(role=LEAD, unit=p.legal)]
        )
    (lead,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, unit=p.legal)]
    )
    with pytest.raises(ValidationError, match="outgoing"):
        services.complete(actor=p.legal_head, assignment=lead, reply_document=incoming())
