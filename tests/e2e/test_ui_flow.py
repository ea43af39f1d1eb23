"""In real headless Chromium: the leader picks units with the keyboard in the searchable picker
and assigns; the inline PDF viewer shows the document's file; on a phone (390 px) the menu
folds behind a toggle and the work list reads as cards.

Set LIENTHONG_SCREENSHOTS to a folder (docs/img) to save the phone screenshots of the docs."""

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.models import Unit, User
from lienthong.documents import services as document_services
from lienthong.workflows.constants import AssignmentRole
from lienthong.workflows.models import Assignment
from tests.documents.conftest import doc_type
from tests.e2e.test_sign_in_flow import sign_in
from tests.signatures.pki import decision_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUBJECT = "V/v triển khai nền tảng số dùng chung của tỉnh"
SCREENSHOTS = os.environ.get("LIENTHONG_SCREENSHOTS")

# Whether a canvas has anything drawn on it that is not white: the page of the PDF.
CANVAS_INKED = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 128 || data[i + 1] < 128 || data[i + 2] < 128)) inked++;
  }
  return inked;
}"""


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"phone-{name}.png"), full_page=full_page)


def test_picker_pdf_viewer_and_phone_layout(live_server, demo, page: Page) -> None:
    clerk = User.objects.get(username="vanthu.stttt")
    document = document_services.register_incoming(
        actor=clerk,
        document_type=doc_type("Công văn"),
        issuer_name="Ủy ban nhân dân tỉnh Cà Mau",
        code_number="4567",
        code_notation="UBND-KT",
        issued_date=date.today(),
        subject=SUBJECT,
    ).document
    assert document is not None
    document_services.add_attachment(
        actor=clerk,
        document=document,
        upload=io.BytesIO(decision_pdf()),
        name="cong-van-4567.pdf",
        title="Công văn 4567",
    )
    it_unit = Unit.objects.get(agency=clerk.agency, abbreviation="CNTT")
    post_unit = Unit.objects.get(agency=clerk.agency, abbreviation="BCVT")

    sign_in(page, live_server.url, "lanhdao.stttt")
    page.goto(f"{live_server.url}/xu-ly/van-ban/{document.pk}/")

    # The file is read on the page itself: pdf.js draws its first page on a canvas.
    viewer = page.get_by_test_id("pdf-viewer")
    first_page = viewer.locator("canvas.pdf-page").first
    expect(first_page).to_be_visible()
    expect(viewer.get_by_role("status")).to_have_text("1 trang")
    page.wait_for_function(
        f"() => ({CANVAS_INKED})(document.querySelector('canvas.pdf-page')) > 500"
    )
    expect(page.get_by_test_id("download")).to_have_attribute("href", re.compile(r"\?download$"))

    # The picker, by keyboard only: type without diacritics, Enter picks the unit.
    form = page.get_by_test_id("assign-form")
    page.get_by_role("combobox", name="Chủ trì", exact=True).focus()
    page.keyboard.type("cong nghe")
    expect(form.locator(".ts-dropdown .option.active")).to_have_text(it_unit.name)
    page.keyboard.press("Enter")
    page.get_by_role("combobox", name="Phối hợp", exact=True).focus()
    page.keyboard.type("buu chinh")
    expect(form.locator(".ts-dropdown .option.active").last).to_have_text(post_unit.name)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Giao xử lý").click()
    expect(page.locator(".message-success")).to_be_visible()
    assignments = {
        (a.role, a.assignee_unit_id) for a in Assignment.objects.filter(document=document)
    }
    assert assignments == {
        (AssignmentRole.LEAD, it_unit.pk),
        (AssignmentRole.SUPPORT, post_unit.pk),
    }

    # On a phone: the menu folds behind a toggle, the list reads as cards.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/xu-ly/?scope=given&tab=todo")
    menu = page.get_by_test_id("main-menu")
    toggle = page.get_by_test_id("menu-toggle")
    expect(toggle).to_be_visible()
    expect(menu.get_by_role("link", name="Văn bản")).to_be_hidden()
    shot(page, "queue")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Văn bản")).to_be_visible()
    shot(page, "menu")
    toggle.click()
    expect(menu.get_by_role("link", name="Văn bản")).to_be_hidden()

    table = page.get_by_test_id("queue-table")
    row = table.locator("tbody tr").first
    expect(table.locator("thead")).not_to_be_in_viewport()
    subject_link = row.get_by_role("link", name=re.compile("nền tảng số"))
    expect(subject_link).to_be_visible()
    link_box, row_box = subject_link.bounding_box(), row.bounding_box()
    assert link_box and row_box
    # A card: the row fits the screen, the subject comes first and spans its width.
    assert row_box["width"] <= 390 and link_box["y"] - row_box["y"] < 20
    assert link_box["width"] > row_box["width"] - 40
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if SCREENSHOTS:
        page.goto(f"{live_server.url}/van-ban-den/")
        shot(page, "documents", full_page=True)

    page.goto(f"{live_server.url}/xu-ly/van-ban/{document.pk}/")
    expect(page.get_by_test_id("pdf-viewer").locator("canvas.pdf-page").first).to_be_visible()
    shot(page, "document", full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
