"""Official e-mail in the browser: the clerk of Sở Tư pháp registers a mailed document in one
click, adds an e-mail recipient to the reply and issues it; the SMTP server receives the PDF."""

import io
import re

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts import services as accounts
from lienthong.accounts.models import User
from lienthong.documents.models import Document, DocumentType
from lienthong.drafting import services as drafting
from lienthong.mail import demo as mail_demo
from lienthong.mail.models import EmailRecipient
from tests.conftest import run_queued_jobs
from tests.documents import files
from tests.e2e.test_sign_in_flow import sign_in
from tests.notifications.conftest import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _approved_reply(document: Document) -> int:
    """The reply drafted, reviewed and signed off by Sở Tư pháp's people (their own pages are
    tested elsewhere); the agency issues on paper, so no signing device is needed."""
    stp = document.agency
    accounts.set_issuing_policy(actor=None, agency=stp, issues_on_paper=True)
    specialist = User.objects.get(username="chuyenvien.stp")
    leader = User.objects.get(username="truongphong.stp")
    director = User.objects.get(username="lanhdao.stp")
    pdf = io.BytesIO(files.text_pdf("Sở Tư pháp trả lời Công ty Mũi Cà Mau"))
    draft = drafting.create_draft(
        actor=specialist,
        document_type=DocumentType.objects.get(name="Công văn"),
        signer=director,
        subject="V/v cung cấp thông tin về thủ tục cấp phiếu lý lịch tư pháp",
        upload=pdf,
        file_name="Trả lời Công ty Mũi Cà Mau.pdf",
        replies_to=document,
        external_recipients="Công ty TNHH Phần mềm Mũi Cà Mau",  # printed; mail goes below
    )
    drafting.submit_for_review(actor=specialist, draft=draft)
    drafting.review(actor=leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=leader, draft=draft)
    drafting.sign_off(actor=director, draft=draft, decision="approve")
    return draft.pk


def test_clerk_registers_a_mailed_document_and_replies_by_email(
    live_server,
    demo,
    page: Page,
    smtp_server,  # noqa: F811
) -> None:
    mail_demo.load()  # what `load_demo` adds to the province: Sở Tư pháp's mail waiting
    sign_in(page, live_server.url, "vanthu.stp")
    page.get_by_role("link", name="Thư điện tử công vụ").click()
    expect(page.get_by_test_id("pending-mail")).to_contain_text("Thông báo khẩn")
    page.get_by_role("link", name=re.compile("đề nghị cung cấp thông tin")).click()
    expect(page.get_by_test_id("auth-results")).to_contain_text("SPF pass")
    expect(page.get_by_test_id("mail-attachments")).to_contain_text("Công văn 12-CV-MCM.pdf")
    expect(page.get_by_label("Ký hiệu")).to_have_value("MCM-HCNS")  # read from the PDF
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("arrival-number")).to_be_visible()
    document = Document.objects.get(code_notation="MCM-HCNS")
    assert document.attachments.get().versions.get().original_name == "Công văn 12-CV-MCM.pdf"

    draft_pk = _approved_reply(document)
    page.goto(f"{live_server.url}/du-thao/{draft_pk}/")
    page.get_by_test_id("email-recipients-link").click()
    page.get_by_label("Hoặc địa chỉ thư điện tử").fill("vanthu@muicamau.vn")
    page.get_by_label("Tên").fill("Công ty Mũi Cà Mau")
    page.get_by_role("button", name="Thêm").click()
    expect(page.get_by_test_id("email-recipients")).to_contain_text("vanthu@muicamau.vn")
    page.get_by_role("link", name=re.compile("cung cấp thông tin")).click()
    page.get_by_test_id("issue").click()
    expect(page).to_have_url(re.compile(r"/van-ban/\d+/$"))  # the issued document's page
    run_queued_jobs()

    assert EmailRecipient.objects.get().status == "sent"
    [mail] = [m for m in smtp_server.messages if m.to == ["vanthu@muicamau.vn"]]
    [pdf] = list(mail.message.iter_attachments())
    assert pdf.get_filename() == "Trả lời Công ty Mũi Cà Mau.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert page.console_errors == []  # type: ignore[attr-defined]
