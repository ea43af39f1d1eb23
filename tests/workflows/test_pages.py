"""The processing pages, with and without permission, and the printable slip (phiếu giải quyết
văn bản đến); refusals change nothing."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lienthong.documents import services as document_services
from lienthong.documents.models import Document
from lienthong.workflows import services
from lienthong.workflows.constants import AssignmentRole, AssignmentState
from lienthong.workflows.models import Assignment, ProcessingEntry
from lienthong.workflows.querysets import awaiting_page
from lienthong.workflows.services import Assignee
from tests.documents.conftest import doc_type

INSTRUCTION = "Giao Phòng XDKTVB chủ trì, tham mưu văn bản góp ý trước ngày 05/3/2026."


def panel(doc) -> str:
    return reverse("workflows:document", args=[doc.pk])


def test_anonymous_is_sent_to_sign_in(clock, people, incoming, client) -> None:
    doc = incoming()
    for url in (panel(doc), reverse("workflows:queue"), reverse("workflows:slip", args=[doc.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_each_role_sees_its_own_forms(clock, people, incoming, web) -> None:
    doc = incoming()
    leader = web(people.leader).get(panel(doc)).content.decode()
    assert 'data-testid="assign-form"' in leader and 'data-testid="present-form"' not in leader
    clerk = web(people.clerk).get(panel(doc)).content.decode()
    assert 'data-testid="present-form"' in clerk and 'data-testid="assign-form"' not in clerk
    specialist = web(people.specialist).get(panel(doc)).content.decode()
    assert "form" not in specialist.split('id="main"')[1].replace("lang-switch", "")


def test_the_chain_through_the_pages(clock, people, incoming, web, sent) -> None:
    p = people
    doc = incoming(subject="Công văn về việc góp ý dự thảo quy chế")

    response = web(p.clerk).post(
        reverse("workflows:present", args=[doc.pk]), {"leader": p.leader.pk, "note": "Kính trình"}
    )
    assert response.status_code == 302

    leader = web(p.leader)
    response = leader.post(
        reverse("workflows:assign", args=[doc.pk]),
        {
            "lead": f"unit:{p.legal.pk}",
            "support": [f"unit:{p.admin_unit.pk}"],
            "information": [f"user:{p.deputy.pk}"],
            "instruction": INSTRUCTION,
            "working_days": "10",
        },
    )
    assert response.status_code == 302 and response["Location"] == panel(doc)
    lead = Assignment.objects.get(document=doc, role=AssignmentRole.LEAD)
    assert lead.deadline == date(2026, 3, 5) and lead.assignee_unit == p.legal
    assert Assignment.objects.filter(document=doc).count() == 3
    page = leader.get(panel(doc)).content.decode()
    assert INSTRUCTION in page and "05/03/2026" in page

    head = web(p.legal_head)
    assert 'data-testid="reassign-form"' in head.get(panel(doc)).content.decode()
    response = head.post(
        reverse("workflows:reassign", args=[lead.pk]),
        {"lead": p.specialist.pk, "instruction": "Đ/c Một dự thảo", "deadline": "2026-03-03"},
    )
    assert response.status_code == 302
    mine = Assignment.objects.get(parent=lead)

    specialist = web(p.specialist)
    assert 'data-testid="complete-form"' in specialist.get(panel(doc)).content.decode()
    response = specialist.post(
        reverse("workflows:progress", args=[mine.pk]),
        {"note": "Đề xuất trả lời bằng công văn.", "proposal": "on"},
    )
    assert response.status_code == 302
    reply = document_services.record_outgoing(
        actor=p.clerk,
        document_type=doc_type("Công văn"),
        subject="V/v góp ý dự thảo quy chế",
        drafting_unit=p.legal,
        recipient_agencies=[p.other_agency],
    )
    response = specialist.post(
        reverse("workflows:complete", args=[mine.pk]),
        {"note": "Đã trình ký", "reply_document": reply.pk},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.state == AssignmentState.COMPLETED and lead.reply_document == reply
    assert [s for _, s in sent.statuses] == ["04", "05", "06"]

    done = specialist.get(reverse("workflows:queue"), {"tab": "done"}).content.decode()
    assert "góp ý dự thảo quy chế" in done
    todo = specialist.get(reverse("workflows:queue")).content.decode()
    assert "góp ý dự thảo quy chế" not in todo
    history = leader.get(panel(doc)).content.decode()
    assert "Đề xuất trả lời bằng công văn." in history and "Kính trình" in history


def test_leader_awaiting_tray_lists_unassigned_documents(clock, people, incoming, web) -> None:
    waiting = incoming(subject="Chưa có ý kiến chỉ đạo")
    given = incoming(subject="Đã giao xử lý")
    services.present_to_leader(actor=people.clerk, document=waiting, leader=people.leader)
    services.assign(
        actor=people.leader, document=given, assignees=[Assignee(role="lead", unit=people.legal)]
    )
    page = web(people.leader).get(reverse("workflows:queue"), {"tab": "awaiting"}).content.decode()
    assert "Chưa có ý kiến chỉ đạo" in page and "Đã giao xử lý" not in page


def test_the_awaiting_tray_pages_newest_first_and_flags_what_was_presented(
    clock, people, incoming
) -> None:
    """The tray is read a page at a time (ids first, then the page's rows with their flag): each
    page continues after the last one, the last page has no cursor, and only the document the
    clerk presented to this leader carries the flag."""
    documents = [incoming(subject=f"Chờ chỉ đạo số {n}") for n in range(5)]
    services.present_to_leader(actor=people.clerk, document=documents[1], leader=people.leader)
    visible = Document.objects.visible_to(people.leader)
    pages, after = [], None
    while True:
        rows, cursor = awaiting_page(visible, people.leader, after=after, size=2)
        pages.append([(row.pk, row.presented_to_me) for row in rows])
        if not cursor:
            break
        after = int(cursor)
    ids = [d.pk for d in documents]
    assert pages == [
        [(ids[4], False), (ids[3], False)],
        [(ids[2], False), (ids[1], True)],
        [(ids[0], False)],
    ]
    # Another official of the agency sees the same tray without the leader's flag.
    rows, _ = awaiting_page(
        Document.objects.visible_to(people.clerk), people.clerk, after=None, size=10
    )
    assert [row.pk for row in rows] == ids[::-1]
    assert not any(row.presented_to_me for row in rows)
    # Another agency's leader has none of them, on the page or through a cursor.
    outsider = Document.objects.visible_to(people.outsider)
    assert awaiting_page(outsider, people.outsider, after=None, size=10) == ([], "")
    assert awaiting_page(outsider, people.outsider, after=ids[-1] + 1, size=10) == ([], "")


def test_form_errors_are_shown_and_nothing_is_stored(
    clock, people, incoming, web, db_snapshot
) -> None:
    doc = incoming()
    leader = web(people.leader)
    before = db_snapshot()
    response = leader.post(
        reverse("workflows:assign", args=[doc.pk]),
        {"support": [f"unit:{people.admin_unit.pk}"], "instruction": "Thiếu chủ trì"},
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = leader.post(
        reverse("workflows:assign", args=[doc.pk]),
        {"lead": f"unit:{people.legal.pk}", "deadline": "2026-02-01"},
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize("who", ["specialist", "legal_head", "clerk"])
def test_non_leaders_cannot_assign_through_the_page(
    clock, people, incoming, web, who, db_snapshot
) -> None:
    doc = incoming()
    client = web(getattr(people, who))
    before = db_snapshot()
    response = client.post(
        reverse("workflows:assign", args=[doc.pk]), {"lead": f"unit:{people.legal.pk}"}
    )
    assert response.status_code == 403
    assert db_snapshot() == before


def test_handler_actions_of_others_are_refused(clock, people, incoming, web, db_snapshot) -> None:
    p = people
    (lead,) = services.assign(
        actor=p.leader, document=incoming(), assignees=[Assignee(role="lead", unit=p.legal)]
    )
    client = web(p.specialist)
    before = db_snapshot()
    assert (
        client.post(reverse("workflows:progress", args=[lead.pk]), {"note": "x"}).status_code == 403
    )
    assert (
        client.post(
            reverse("workflows:return", args=[lead.pk]), {"reason": "x", "to": "assigner"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("workflows:reassign", args=[lead.pk]), {"lead": p.specialist.pk}
        ).status_code
        == 403
    )
    assert db_snapshot() == before


def test_the_slip_pdf_has_the_instructions(clock, people, incoming, web) -> None:
    p = people
    doc = incoming(
        subject="Quyết định về việc ban hành quy chế phối hợp",
        code_number="15",
        code_notation="QĐ-UBND",
    )
    (lead, _support) = services.assign(
        actor=p.leader,
        document=doc,
        assignees=[
            Assignee(role="lead", unit=p.legal),
            Assignee(role="support", unit=p.admin_unit),
        ],
        instruction=INSTRUCTION,
        working_days=10,
    )
    services.reassign(
        actor=p.legal_head,
        assignment=lead,
        assignees=[Assignee(role="lead", user=p.specialist)],
        instruction="Giao đ/c Một nghiên cứu, dự thảo.",
    )
    (mine,) = lead.children.all()
    services.record_progress(
        actor=p.specialist, assignment=mine, note="Đề xuất thống nhất nội dung.", proposal=True
    )
    response = web(p.specialist).get(reverse("workflows:slip", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = " ".join(
        (page.extract_text() or "") for page in PdfReader(io.BytesIO(response.content)).pages
    )
    text = " ".join(text.split())
    for expected in (
        "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN",
        "15/QĐ-UBND",
        "Ý kiến của lãnh đạo cơ quan",
        "Phòng Xây dựng và Kiểm tra văn bản — thời hạn: 05/03/2026",
        "Phòng Hành chính tư pháp",
        "tham mưu văn bản góp ý",
        "Trần Quốc Giám",
        "Giao đ/c Một nghiên cứu, dự thảo.",
        "Đề xuất thống nhất nội dung.",
    ):
        assert expected in text, expected
    assert ProcessingEntry.objects.filter(document=doc).count() == 4
