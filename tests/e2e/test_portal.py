"""The provincial e-portal in real headless Chromium (issue 18): the portal editor of the Sở
TT&TT publishes a news article in the Wagtail admin and it shows on the agency's site; the
clerk marks an issued document "publish" and it appears on the agency's site with its signed
PDF; a citizen files feedback on a phone, the Sở's specialist answers it in the platform and the
answer appears on the portal without the citizen's personal data; axe-core finds no serious or
critical violation on the home, a news page, a procedure page, the feedback form and the
published document, at the 390 px width of a phone."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.models import Agency, User
from lienthong.catalogue.demo import load_demo_catalogue
from lienthong.catalogue.models import Procedure
from lienthong.documents import services as document_services
from lienthong.documents.models import DocumentType
from lienthong.portal.demo import load_demo_portal
from lienthong.portal.models import AgencyHomePage, NewsIndexPage
from tests.e2e.test_sign_in_flow import sign_in
from tests.portal.test_publication import _pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SUBJECT = "Về việc triển khai Kế hoạch ứng dụng CNTT năm 2013"
FEEDBACK_SUBJECT = "Hướng dẫn đăng ký tài khoản dịch vụ công"
FEEDBACK_ANSWER = "Công dân đăng ký tài khoản bằng số định danh cá nhân tại Cổng dịch vụ công."


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result: Any = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {json.dumps([n['target'] for n in v['nodes']][:3])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_editor_news_clerk_publication_and_accessibility(live_server, demo, page: Page) -> None:
    base = live_server.url
    load_demo_catalogue()
    load_demo_portal()
    dic = AgencyHomePage.objects.get(agency__code="000.00.11.H12")
    news_index = NewsIndexPage.objects.child_of(dic).get()
    clerk = User.objects.get(username="vanthu.stttt")
    document = document_services.record_outgoing(
        actor=clerk,
        document_type=DocumentType.objects.get(name="Quyết định"),
        subject=SUBJECT,
        signer_name="Võ Quốc Việt",
        signer_position="Giám đốc",
        recipient_agencies=[Agency.objects.get(code="000.00.00.H12")],
    )
    document_services.add_attachment(
        actor=clerk, document=document, upload=io.BytesIO(_pdf()), name="qd-ke-hoach-cntt.pdf"
    )
    document = document_services.issue_outgoing(actor=clerk, document=document)

    # The editor writes and publishes a news article on the agency's site.
    sign_in(page, base, "bientap.stttt")
    page.goto(f"{base}/quan-tri/cong/pages/add/portal/newspage/{news_index.pk}/")
    page.locator("#id_title").fill("Sở TT&TT tổ chức tập huấn cổng thông tin điện tử")
    page.locator("#id_summary").fill("Tập huấn biên tập viên các trang thông tin thành phần.")
    # The rich-text body, typed into Draftail's editor once it has mounted.
    editor = page.locator(".Draftail-Editor .public-DraftEditor-content").first
    editor.click()
    page.keyboard.insert_text("Ngày 20/9/2012, Sở TT&TT tập huấn cho biên tập viên các sở, ngành.")
    expect(editor).to_contain_text("Ngày 20/9/2012")
    # Draftail writes its content into the form's input a moment later (debounced): publish once
    # it is there.
    expect(page.locator("#id_body")).to_have_value(re.compile("Ngày 20/9/2012"))
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-publish']").click()
    expect(page.locator(".messages")).to_be_visible()
    page.goto(f"{base}/cong/so-thong-tin-va-truyen-thong/tin-tuc/")
    page.get_by_role("link", name="Sở TT&TT tổ chức tập huấn cổng thông tin điện tử").click()
    expect(page.get_by_test_id("news-article")).to_contain_text("Ngày 20/9/2012")
    page.context.clear_cookies()  # signed out

    # The clerk publishes the issued document from its page.
    sign_in(page, base, "vanthu.stttt")
    page.goto(f"{base}/van-ban/{document.pk}/")
    page.get_by_test_id("portal-publish").click()
    expect(page.get_by_test_id("portal-publication")).to_contain_text("Đã đăng")
    page.context.clear_cookies()

    # The public finds it on the agency's site, with the signed PDF, on a phone. (axe-core is
    # injected as an inline script: this visitor's browser lets it past the strict CSP, which
    # tests/portal/test_site.py checks on its own.)
    staff = page
    assert page.context.browser is not None
    public = page.context.browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = public.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/cong/so-thong-tin-va-truyen-thong/van-ban-chi-dao/")
    expect(page.get_by_test_id("directions")).to_contain_text(SUBJECT)
    page.get_by_test_id("directions").get_by_role("link").first.click()
    published = page.get_by_test_id("published-document")
    expect(published).to_contain_text(document.number_and_symbol)
    expect(published).to_contain_text("Võ Quốc Việt")
    with page.expect_download() as download:
        page.get_by_test_id("signed-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert not serious_violations(page), "published document"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at 390px"

    procedure = Procedure.objects.published().first()
    assert procedure is not None
    for url in (
        "/",
        "/cong/tin-tuc/tang-cuong-ung-dung-cntt-vao-quan-ly-nha-nuoc/",
        f"/thu-tuc/{procedure.pk}/",
    ):
        page.goto(f"{base}{url}")
        assert not serious_violations(page), url
    expect(page.locator("h1")).not_to_have_text(re.compile("^$"))

    # A citizen files feedback on the phone and gets a tracking code.
    page.goto(f"{base}/cong/phan-anh/")
    page.get_by_test_id("feedback-new").click()
    assert not serious_violations(page), "feedback form"
    page.locator("#id_agency").select_option(label="Sở Thông tin và Truyền thông")
    page.locator("#id_subject").fill(FEEDBACK_SUBJECT)
    page.locator("#id_content").fill(
        "Đề nghị Sở hướng dẫn cách đăng ký tài khoản trên Cổng dịch vụ công của tỉnh."
    )
    page.locator("#id_name").fill("Trần Thị Bé Ba")
    page.locator("#id_address").fill("Phường 9, thành phố Cà Mau")
    page.locator("#id_phone").fill("0939 111 222")
    page.locator("#id_publish_consent").check()
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_test_id("feedback-code")).to_have_text(re.compile(r"^PA-\w{10}$"))

    # The Sở's specialist answers it in the platform.
    staff.context.clear_cookies()
    sign_in(staff, base, "chuyenvien.stttt")
    staff.get_by_test_id("menu-feedback").click()
    staff.get_by_role("link", name=FEEDBACK_SUBJECT).click()
    staff.locator("#id_answer").fill(FEEDBACK_ANSWER)
    staff.get_by_role("button", name="Trả lời").click()
    expect(staff.get_by_test_id("feedback-status")).to_have_text("Đã trả lời")

    # The answer is public; the citizen's name and telephone are not.
    page.goto(f"{base}/cong/phan-anh/")
    page.get_by_role("link", name=FEEDBACK_SUBJECT).click()
    expect(page.get_by_test_id("feedback-answer")).to_have_text(FEEDBACK_ANSWER)
    expect(page.get_by_test_id("feedback-public")).not_to_contain_text("Trần Thị Bé Ba")
    expect(page.get_by_test_id("feedback-public")).not_to_contain_text("0939 111 222")
    assert not errors
    public.close()
