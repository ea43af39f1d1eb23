"""What officials find waiting for them (issue 14): the queue opens on the tab with something
in it and its numbers are the dashboard's; the leader hears of the work he gave when it is
completed or returned; the register's “Hạn xử lý” and “Đơn vị hoặc người nhận” come from the
assignment; a reply is drafted from the processing panel, linked both ways, never to a recalled
document."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lienthong.accounts.constants import Role
from lienthong.documents import services as document_services
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Document
from lienthong.drafting import services as drafting
from lienthong.drafting.constants import DraftState
from lienthong.drafting.models import Draft
from lienthong.notifications.constants import NotificationKind
from lienthong.notifications.models import Notification
from lienthong.notifications.services import notify as real_notify
from lienthong.workflows import services
from lienthong.workflows.constants import AssignmentRole
from lienthong.workflows.forms import CompleteForm
from lienthong.workflows.services import Assignee
from tests.documents import files
from tests.documents.conftest import doc_type
from tests.workflows.conftest import official

LEAD, SUPPORT, INFO = AssignmentRole.LEAD, AssignmentRole.SUPPORT, AssignmentRole.INFORMATION
QUEUE = reverse("workflows:queue")


def cards(html: str) -> dict[str, int]:
    """The dashboard's queue cards: the tab each links to → its number."""
    return {
        tab: int(count)
        for tab, count in re.findall(
            r'href="/[^"]*\?tab=(\w+)"><span class="queue-count">(\d+)</span>', html
        )
    }


def tabs(html: str) -> tuple[str, dict[str, int]]:
    """The queue page's tab that is open, and every tab's number."""
    found = re.findall(
        r'tab=(\w+)"( aria-current="page")? data-testid="tab-\w+"><span class="queue-count">'
        r"(\d+)</span>",
        html,
    )
    current = [tab for tab, mark, _count in found if mark]
    assert len(current) == 1, found
    return current[0], {tab: int(count) for tab, _mark, count in found}


def outgoing(people, subject: str = "V/v trả lời") -> Document:
    doc = document_services.record_outgoing(
        actor=people.clerk,
        document_type=doc_type("Công văn"),
        subject=subject,
        drafting_unit=people.legal,
        external_recipients="Ủy ban nhân dân tỉnh Cà Mau",
    )
    document_services.add_attachment(
        actor=people.clerk, document=doc, upload=io.BytesIO(files.text_pdf(subject)), name="a.pdf"
    )
    return document_services.issue_outgoing(actor=people.clerk, document=doc)


def test_each_role_opens_its_queue_on_what_waits_and_the_dashboard_agrees(
    clock, people, incoming, web
) -> None:
    p = people
    waiting = incoming(subject="V/v góp ý dự thảo quy chế phối hợp")

    # The leader: the document awaiting his instructions, never an empty “To do”.
    page = web(p.leader).get(QUEUE).content.decode()
    current, numbers = tabs(page)
    assert current == "awaiting" and numbers["awaiting"] == 1 and numbers["todo"] == 0
    assert waiting.subject in page and "Nothing here" not in page and "Không có gì" not in page
    dashboard = cards(web(p.leader).get(reverse("dashboard")).content.decode())
    assert {k: numbers[k] for k in dashboard} == dashboard and dashboard["awaiting"] == 1

    # Once assigned: the unit leader opens on his work, and the specialist on his.
    (lead,) = services.assign(
        actor=p.leader, document=waiting, assignees=[Assignee(role=LEAD, unit=p.legal)]
    )
    current, numbers = tabs(web(p.legal_head).get(QUEUE).content.decode())
    assert (current, numbers["todo"]) == ("todo", 1)
    services.reassign(
        actor=p.legal_head, assignment=lead, assignees=[Assignee(role=LEAD, user=p.specialist)]
    )
    page = web(p.specialist).get(QUEUE).content.decode()
    current, numbers = tabs(page)
    assert (current, numbers["todo"]) == ("todo", 1) and waiting.subject in page
    assert cards(web(p.specialist).get(reverse("dashboard")).content.decode())["todo"] == 1

    # A draft awaiting the leader's signature: his first tab now, with the same number as his card.
    draft = drafting.create_draft(
        actor=p.specialist,
        document_type=doc_type("Công văn"),
        subject="V/v báo cáo kết quả góp ý",
        signer=p.leader,
        external_recipients="Ủy ban nhân dân tỉnh Cà Mau",
        upload=io.BytesIO(files.docx("Nội dung")),
        file_name="du-thao.docx",
    )
    drafting.submit_for_review(actor=p.specialist, draft=draft)
    drafting.review(actor=p.legal_head, draft=draft, decision="approve")
    drafting.send_to_signer(actor=p.legal_head, draft=draft)
    assert Draft.objects.get(pk=draft.pk).state == DraftState.AWAITING_SIGNATURE
    page = web(p.leader).get(QUEUE).content.decode()
    current, numbers = tabs(page)
    assert (current, numbers["drafts"], numbers["awaiting"]) == ("drafts", 1, 0)
    assert draft.subject in page and reverse("drafting:detail", args=[draft.pk]) in page
    assert cards(web(p.leader).get(reverse("dashboard")).content.decode())["drafts"] == 1


def test_the_leader_is_told_when_his_assignment_is_completed_or_returned(
    clock, people, incoming, monkeypatch, settings
) -> None:
    """Through the real notifications app: in the platform, and by e-mail."""
    from lienthong.notifications import services as notification_services

    settings.LIENTHONG_EMAIL_ENABLED = True
    monkeypatch.setattr(notification_services, "notify", real_notify)
    p = people
    p.leader.email = "giamdoc.stp@camau.gov.vn"
    p.leader.save(update_fields=["email"])
    doc = incoming()
    lead, support = services.assign(
        actor=p.leader,
        document=doc,
        assignees=[Assignee(role=LEAD, unit=p.legal), Assignee(role=SUPPORT, unit=p.admin_unit)],
    )
    (mine,) = services.reassign(
        actor=p.legal_head, assignment=lead, assignees=[Assignee(role=LEAD, user=p.specialist)]
    )
    services.complete(actor=p.specialist, assignment=mine, note="Đã dự thảo văn bản trả lời")
    done = Notification.objects.filter(kind=NotificationKind.ASSIGNMENT_COMPLETED)
    # The unit leader handed it on, the agency leader gave it: both hear of it, once each.
    assert sorted(done.values_list("recipient__username", flat=True)) == [
        p.leader.username,
        p.legal_head.username,
    ]
    told = done.get(recipient=p.leader)
    assert doc.subject[:40] in told.title and told.url == reverse(
        "workflows:document", args=[doc.pk]
    )
    mails = DBTaskResult.objects.filter(task_path__endswith="send_notification_email")
    assert [job.args_kwargs["args"] for job in mails] == [[told.pk]]  # he has an address

    services.return_document(
        actor=p.admin_head, assignment=support, reason="Không thuộc chức năng", to="clerk"
    )
    returned = Notification.objects.filter(kind=NotificationKind.RETURNED)
    assert set(returned.values_list("recipient__username", flat=True)) == {
        p.clerk.username,
        p.leader.username,
    }


def test_the_register_reads_the_assignment(clock, people, incoming, web) -> None:
    p = people
    doc = incoming()
    assert (doc.due_date, doc.to_places) == (None, "")
    _info, lead = services.assign(
        actor=p.leader,
        document=doc,
        assignees=[Assignee(role=INFO, user=p.deputy), Assignee(role=LEAD, unit=p.legal)],
        working_days=5,
    )
    doc.refresh_from_db()
    assert doc.due_date == lead.deadline is not None
    assert doc.to_places == f"{p.legal.name}, {p.deputy}"  # the lead first
    services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=SUPPORT, unit=p.admin_unit)]
    )
    doc.refresh_from_db()
    assert doc.to_places == f"{p.legal.name}, {p.admin_unit.name}, {p.deputy}"
    register = web(p.clerk).get(reverse("documents:register", args=[doc.register_id]))
    assert p.admin_unit.name in register.content.decode()
    detail = web(p.leader).get(reverse("workflows:document", args=[doc.pk])).content.decode()
    assert doc.due_date.strftime("%d/%m/%Y") in detail


def test_a_reply_is_drafted_from_the_panel_and_linked_both_ways(
    clock, people, incoming, web
) -> None:
    p = people
    doc = incoming(subject="V/v đề nghị cung cấp số liệu")
    (mine,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, user=p.specialist)]
    )
    panel = reverse("workflows:document", args=[doc.pk])
    reply_url = reverse("drafting:reply", args=[doc.pk])
    page = web(p.specialist).get(panel).content.decode()
    assert f'href="{reply_url}"' in page
    form = web(p.specialist).get(reply_url).content.decode()
    assert 'data-testid="replies-to"' in form and doc.subject in form
    response = web(p.specialist).post(
        reply_url,
        {
            "document_type": doc_type("Công văn").pk,
            "subject": "V/v cung cấp số liệu",
            "urgency": 0,
            "confidentiality": 0,
            "signer": p.leader.pk,
            "signing_authority": "none",
            "external_recipients": "Ủy ban nhân dân tỉnh Cà Mau",
            "file": io.BytesIO(files.docx("Số liệu")),
        },
    )
    assert response.status_code == 302, re.findall(
        r'class="error[^>]*>(.*?)</', response.content.decode(), re.S
    )
    draft = Draft.objects.get(subject="V/v cung cấp số liệu")
    assert draft.replies_to == doc and response["Location"] == draft.get_absolute_url()
    detail = web(p.specialist).get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="draft-replies-to"' in detail and panel in detail
    page = web(p.specialist).get(panel).content.decode()
    assert 'data-testid="replies"' in page and draft.get_absolute_url() in page

    # Never to a document that is not (or no longer) a registered incoming one of the agency.
    with pytest.raises(ValidationError):
        drafting.create_draft(
            actor=p.specialist,
            document_type=doc_type("Công văn"),
            subject="x",
            signer=p.leader,
            external_recipients="Ủy ban nhân dân tỉnh Cà Mau",
            replies_to=outgoing(p),
        )
    Document.objects.filter(pk=doc.pk).update(status=DocumentStatus.RECALLED)
    assert web(p.specialist).get(reply_url).status_code == 403
    assert f'href="{reply_url}"' not in web(p.specialist).get(panel).content.decode()


def test_a_recalled_document_is_never_offered_as_the_reply(clock, people, incoming) -> None:
    p = people
    kept, recalled = outgoing(p, "V/v còn hiệu lực"), outgoing(p, "V/v đã thu hồi")
    Document.objects.filter(pk=recalled.pk).update(status=DocumentStatus.RECALLED)
    offered = {
        value for value, _label in CompleteForm(user=p.specialist).fields["reply_document"].choices
    }
    assert str(kept.pk) in offered and str(recalled.pk) not in offered
    form = CompleteForm({"reply_document": str(recalled.pk)}, user=p.specialist)
    assert not form.is_valid() and "reply_document" in form.errors
    doc = incoming()
    (mine,) = services.assign(
        actor=p.leader, document=doc, assignees=[Assignee(role=LEAD, user=p.specialist)]
    )
    recalled.refresh_from_db()
    with pytest.raises(ValidationError, match="recalled"):
        services.complete(actor=p.specialist, assignment=mine, reply_document=recalled)
    services.complete(actor=p.specialist, assignment=mine, reply_document=kept)


def test_the_clerks_queue_lists_drafts_awaiting_issue(clock, people, incoming, web) -> None:
    p = people
    signer = official(p.agency, Role.AGENCY_LEADER, "phogiamdoc2", "Lâm Văn Ký")
    draft = drafting.create_draft(
        actor=p.specialist,
        document_type=doc_type("Công văn"),
        subject="V/v chờ phát hành",
        signer=signer,
        external_recipients="Ủy ban nhân dân tỉnh Cà Mau",
        upload=io.BytesIO(files.docx("Nội dung")),
        file_name="du-thao.docx",
    )
    drafting.submit_for_review(actor=p.specialist, draft=draft)
    drafting.review(actor=p.legal_head, draft=draft, decision="approve")
    drafting.send_to_signer(actor=p.legal_head, draft=draft)
    drafting.sign_off(actor=signer, draft=draft, decision="approve")
    assert Draft.objects.get(pk=draft.pk).state == DraftState.APPROVED
    waiting = incoming()  # registered: awaiting the leader's instructions, the clerk's first tab
    page = web(p.clerk).get(QUEUE).content.decode()
    current, numbers = tabs(page)
    assert (current, numbers["awaiting"], numbers["drafts_to_issue"]) == ("awaiting", 1, 1)
    assert waiting.subject in page
    page = web(p.clerk).get(f"{QUEUE}?tab=drafts_to_issue").content.decode()
    assert draft.subject in page and reverse("drafting:detail", args=[draft.pk]) in page
    dashboard = cards(web(p.clerk).get(reverse("dashboard")).content.decode())
    assert dashboard["drafts_to_issue"] == 1 and dashboard["awaiting"] == 1
