"""In real headless Chromium, as the demo's people: the leader signs in and his first queue tab
shows the document waiting for his instructions (never “Không có gì” beside a card that says
1); he assigns it to a specialist, who drafts the reply from the processing panel (a draft
linked to the document) and completes; the leader finds the notice of completion."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.models import User
from lienthong.documents import services as document_services
from lienthong.drafting.models import Draft
from lienthong.workflows.models import Assignment
from tests.documents.conftest import doc_type
from tests.e2e.test_sign_in_flow import sign_in as sign_in_only

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBJECT = "V/v đề nghị báo cáo tình hình chuyển đổi số quý IV"


def sign_in(page: Page, base: str, username: str) -> None:
    sign_in_only(page, base, username)
    expect(page).to_have_url(re.compile(r"/bang-dieu-khien/$"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))


def test_leader_finds_his_item_assigns_and_hears_of_the_completed_reply(
    live_server, demo, page: Page
) -> None:
    base = live_server.url
    clerk = User.objects.get(username="vanthu.stttt")
    specialist = User.objects.get(username="chuyenvien.stttt")
    document = document_services.register_incoming(
        actor=clerk,
        document_type=doc_type("Công văn"),
        issuer_name="Ủy ban nhân dân tỉnh Cà Mau",
        code_number="3456",
        code_notation="UBND-KT",
        issued_date=date.today(),
        subject=SUBJECT,
    ).document
    assert document is not None

    # The leader: his dashboard card and his queue's first tab show the same waiting item.
    sign_in(page, base, "lanhdao.stttt")
    card = page.locator("li.queue a[href$='?tab=awaiting'] .queue-count")
    waiting = int(card.inner_text())
    assert waiting >= 1
    page.get_by_role("link", name=re.compile("Việc của tôi")).first.click()
    current = page.locator("[data-testid^=tab-][aria-current=page]")
    expect(current).to_have_attribute("data-testid", "tab-awaiting")
    expect(current.locator(".queue-count")).to_have_text(str(waiting))
    table = page.get_by_test_id("queue-table")
    expect(table).not_to_contain_text("Không có gì")
    table.get_by_role("link", name=re.compile("chuyển đổi số quý IV")).click()

    form = page.get_by_test_id("assign-form")
    form.locator("select[name=lead]").select_option(f"user:{specialist.pk}")
    form.locator("textarea[name=instruction]").fill("Đồng chí chủ trì, dự thảo văn bản trả lời.")
    form.locator("input[name=working_days]").fill("5")
    form.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    mine = Assignment.objects.get(document=document)
    document.refresh_from_db()
    assert document.due_date == mine.deadline and document.to_places == str(specialist)
    sign_out(page)

    # The specialist drafts the reply from the panel, then completes.
    sign_in(page, base, "chuyenvien.stttt")
    page.goto(f"{base}/xu-ly/van-ban/{document.pk}/")
    page.get_by_test_id("reply").click()
    expect(page.get_by_test_id("replies-to")).to_contain_text(SUBJECT)
    page.locator("select[name=document_type]").select_option(label="Công văn")
    page.locator("select[name=signer]").select_option(index=1)
    page.get_by_role("button", name=re.compile("Lưu")).click()
    expect(page.locator(".message-success")).to_be_visible()
    draft = Draft.objects.get(replies_to=document)
    expect(page.get_by_test_id("draft-replies-to")).to_contain_text(SUBJECT)
    page.get_by_test_id("draft-replies-to").get_by_role("link").click()
    expect(page.get_by_test_id("replies")).to_contain_text(draft.subject)
    box = page.get_by_test_id(f"assignment-{mine.pk}")
    box.get_by_test_id("complete-form").locator("textarea[name=note]").fill("Đã dự thảo")
    box.get_by_test_id("complete-form").locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    sign_out(page)

    # The leader hears of it.
    sign_in(page, base, "lanhdao.stttt")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.get_by_test_id("notification-bell").click()
    expect(page.locator("table.notifications")).to_contain_text("đã hoàn thành")
    expect(page.locator("table.notifications")).to_contain_text("chuyển đổi số quý IV")
    assert page.console_errors == []  # type: ignore[attr-defined]
