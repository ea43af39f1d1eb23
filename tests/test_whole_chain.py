"""The whole chain across two agencies of the demo province, through the services every page
and API endpoint calls: draft → review → sign-off → number → issue → arrives at the recipient →
registered → assigned lead and support → processed → reply issued back → the sender sees
“completed”; with the e-mail that reached the recipient's clerk over SMTP."""

import io

from lienthong.accounts import services as account_services
from lienthong.accounts.models import Unit, User
from lienthong.documents import services as documents
from lienthong.documents.constants import DocumentStatus
from lienthong.documents.models import Document
from lienthong.drafting import services as drafting
from lienthong.exchange import services as exchange
from lienthong.exchange.constants import DeliveryStatus
from lienthong.exchange.models import Delivery
from lienthong.workflows import services as workflows
from lienthong.workflows.models import Assignment
from lienthong.workflows.services import Assignee
from tests.documents import files
from tests.documents.conftest import doc_type
from tests.notifications.conftest import smtp_server as smtp_server  # a real SMTP server


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_draft_to_completed_reply_across_two_agencies(demo, run_tasks, smtp_server) -> None:
    specialist, unit_leader = user("chuyenvien.stttt"), user("truongphong.stttt")
    director, sender_clerk = user("lanhdao.stttt"), user("vanthu.stttt")
    stp_clerk, stp_director = user("vanthu.stp"), user("lanhdao.stp")
    stp_unit_leader, stp_specialist = user("truongphong.stp"), user("chuyenvien.stp")
    stp = stp_clerk.agency

    # Sở TT&TT drafts, reviews, signs and issues a công văn to Sở Tư pháp.
    draft = drafting.create_draft(
        actor=specialist,
        document_type=doc_type("Công văn"),
        signer=director,
        subject="V/v kết nối phần mềm hồ sơ công việc liên thông",
        recipient_agencies=[stp],
        upload=io.BytesIO(files.docx("Đề nghị Sở Tư pháp phối hợp kết nối.")),
        file_name="cv.docx",
    )
    drafting.submit_for_review(actor=specialist, draft=draft)
    drafting.review(actor=unit_leader, draft=draft, decision="approve", comment="Đồng ý trình ký")
    drafting.send_to_signer(actor=unit_leader, draft=draft)
    # The chain of work, not signing (tests/e2e/test_signing_step.py): the agency also issues
    # on paper, so its director approves without a digital signature.
    account_services.set_issuing_policy(actor=None, agency=director.agency, issues_on_paper=True)
    drafting.sign_off(actor=director, draft=draft, decision="approve")
    draft = drafting.issue_draft(actor=sender_clerk, draft=draft)
    outgoing = draft.document
    assert (
        outgoing.status == DocumentStatus.ISSUED and outgoing.number_and_symbol == "01/STTTT-CNTT"
    )

    # It arrives at once in Sở Tư pháp's queue, and its clerk hears of it by e-mail.
    run_tasks()
    copy = Document.objects.get(agency=stp, direction="incoming")
    assert copy.status == DocumentStatus.RECEIVED
    assert any(stp_clerk.email in mail.to for mail in smtp_server.messages)
    copy = exchange.accept_delivered(actor=stp_clerk, document=copy)
    assert copy.arrival_number == 1

    # The director assigns a lead unit and a supporting unit; the unit hands it on.
    hctp = Unit.objects.get(agency=stp, abbreviation="HCTP")
    bttp = Unit.objects.get(agency=stp, abbreviation="BTTP")
    lead, _support = workflows.assign(
        actor=stp_director,
        document=copy,
        instruction="Phòng HCTP chủ trì, trả lời trong 10 ngày.",
        assignees=[
            Assignee(role="lead", unit=hctp, working_days=10),
            Assignee(role="support", unit=bttp, working_days=10),
        ],
    )
    [mine] = workflows.reassign(
        actor=stp_unit_leader,
        assignment=lead,
        assignees=[Assignee(role="lead", user=stp_specialist)],
    )
    workflows.record_progress(
        actor=stp_specialist, assignment=mine, note="Đang dự thảo công văn trả lời"
    )
    assert Delivery.objects.get(outgoing=outgoing).status == DeliveryStatus.PROCESSING

    # The reply is issued back to Sở TT&TT; completing the lead work completes the document.
    reply = documents.record_outgoing(
        actor=stp_clerk,
        document_type=doc_type("Công văn"),
        subject="V/v phối hợp kết nối phần mềm",
        drafting_unit=hctp,
        recipient_agencies=[sender_clerk.agency],
    )
    reply = documents.issue_outgoing(actor=stp_clerk, document=reply)
    workflows.complete(
        actor=stp_specialist, assignment=mine, note="Đã trả lời", reply_document=reply
    )
    assert Assignment.objects.get(pk=lead.pk).state == "completed"

    delivery = Delivery.objects.get(outgoing=outgoing)
    assert delivery.status == DeliveryStatus.COMPLETED
    assert list(delivery.events.values_list("status", flat=True)) == ["01", "03", "04", "05", "06"]
    run_tasks()
    answer = Document.objects.get(agency=sender_clerk.agency, direction="incoming")
    assert answer.status == DocumentStatus.RECEIVED and answer.number_and_symbol == "01/STP-HCTP"
