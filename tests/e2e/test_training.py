"""The training walk in a real browser: the organiser opens a class, an agency's clerk nominates
two officials, the organiser approves them, takes attendance, records results and issues
certificates, and anyone verifies a certificate at its public URL.

With LIENTHONG_GUIDE_SCREENSHOTS=1 it also writes the guide's screenshots into
src/lienthong/training/static/training/guide/ (docs/training.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lienthong.accounts.models import User
from lienthong.training.constants import Topic
from lienthong.training.models import Certificate, Course, SkillModule
from tests.e2e.test_sign_in_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

GUIDE = Path(__file__).resolve().parents[2] / "src/lienthong/training/static/training/guide"


def _shot(page: Page, name: str) -> None:
    if os.environ.get("LIENTHONG_GUIDE_SCREENSHOTS") == "1":
        GUIDE.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GUIDE / f"{name}.png"))


def test_organiser_opens_class_agency_nominates_certificates_verified_in_public(
    live_server, demo, page: Page, browser: Browser
) -> None:
    course = Course.objects.create(
        title="Chữ ký số trong cơ quan nhà nước", topic=Topic.PLATFORM, hours=8
    )
    course.modules.set(SkillModule.objects.filter(code="LT-KS"))
    base = live_server.url
    # The organiser opens a class.
    sign_in(page, base, "daotao.stttt")
    page.goto(f"{base}/dao-tao/")
    page.get_by_role("link", name="Mở lớp").click()
    page.get_by_label("Khóa học").select_option(label=course.title)
    page.locator("#id_title").fill("Chữ ký số cho văn thư, khóa 1")
    page.get_by_label("Ngày bắt đầu").fill("2012-06-18")
    page.get_by_label("Ngày kết thúc").fill("2012-06-19")
    page.get_by_label("Địa điểm").fill("Hội trường Sở TT&TT")
    page.get_by_label("Giảng viên").fill("Trung tâm CNTT-TT")
    page.get_by_label("Số chỗ").fill("2")
    page.get_by_role("button", name="Mở lớp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chữ ký số cho văn thư, khóa 1")
    class_url = page.url
    expect(page.get_by_role("link", name="Hướng dẫn")).to_be_visible()

    # The agency's clerk nominates two of its officials.
    clerk_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    clerk = clerk_context.new_page()
    sign_in(clerk, base, "vanthu.stttt")
    clerk.goto(class_url)
    chosen = list(User.objects.filter(username__in=["chuyenvien.stttt", "truongphong.stttt"]))
    for official in chosen:
        clerk.locator(f"input[name=officials][value='{official.pk}']").check()
    clerk.get_by_role("button", name="Cử đi học").click()
    expect(clerk.locator("#trainees tbody tr")).to_have_count(2)
    _shot(clerk, "class")
    clerk_context.close()

    # The organiser approves both; the class is then full.
    page.reload()
    for left in (1, 0):
        page.locator("button[value=approve]").first.click()
        expect(page.locator("button[value=approve]")).to_have_count(left)
    expect(page.locator("#seats")).to_have_text("2/2")
    # Attendance of the first session.
    page.get_by_role("link", name="18/06/2012").click()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Ghi nhận điểm danh").click()
    expect(page.get_by_text("Đã ghi điểm danh.")).to_be_visible()
    expect(page.get_by_text("18/06/2012 — 2 có mặt")).to_be_visible()
    # Results and certificates.
    for done in (1, 2):
        form = page.locator("form[action*='ket-qua']").nth(done - 1)
        form.locator("select").select_option("passed")
        form.locator("input[name=score]").fill("9")
        form.get_by_role("button", name="Ghi nhận").click()
        expect(page.get_by_text("Đạt (9,0)")).to_have_count(done)
    page.get_by_role("button", name="Cấp giấy chứng nhận cho học viên đạt").click()
    expect(page.get_by_text("Đã cấp 2 giấy chứng nhận.")).to_be_visible()
    certificate = Certificate.objects.select_related("enrolment__official").first()
    assert certificate is not None
    link = page.get_by_role("link", name=certificate.number)
    pdf = page.request.get(base + (link.get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    page.goto(f"{base}/dao-tao/")
    _shot(page, "classes")

    # Anyone, not signed in, checks the certificate at the URL its QR code carries.
    public_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    public = public_context.new_page()
    public.goto(f"{base}/dao-tao/xac-minh/{certificate.code}/")
    expect(public.locator("#verdict")).to_contain_text("là thật và còn hiệu lực")
    expect(public.get_by_text(certificate.enrolment.official.full_name)).to_be_visible()
    _shot(public, "verify")
    public.goto(f"{base}/dao-tao/xac-minh/ma-gia-mao-khong-ton-tai/")
    expect(public.locator("#verdict")).to_contain_text("Không có giấy chứng nhận nào mang mã này")
    public_context.close()
    assert page.console_errors == []  # type: ignore[attr-defined]
