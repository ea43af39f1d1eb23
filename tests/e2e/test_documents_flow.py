import re

import pytest
from playwright.sync_api import Page, expect

from lienthong.documents.models import Document
from tests.conftest import run_queued_jobs
from tests.documents import files
from tests.e2e.test_sign_in_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """What the background worker does between the users' steps."""
    run_queued_jobs()


def test_clerk_registers_a_scan_finds_it_without_tone_marks_and_sees_it_in_the_register(
    live_server, demo, page: Page, tmp_path
) -> None:
    scan = tmp_path / "cong-van-quet.png"
    scan.write_bytes(
        files.scan_image("CÔNG VĂN\nVề việc triển khai phần mềm\nhồ sơ công việc liên thông")
    )
    sign_in(page, live_server.url, "vanthu.stttt")
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_role("link", name="Vào sổ văn bản đến").click()
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Cơ quan ban hành").fill("Ủy ban nhân dân tỉnh Cà Mau")
    page.get_by_label("Số", exact=True).fill("2345")
    page.get_by_label("Ký hiệu").fill("UBND-KT")
    page.get_by_label("Ngày văn bản").fill("2026-11-20")
    page.get_by_label("Trích yếu").fill(
        "V/v triển khai phần mềm hồ sơ công việc liên thông đến cấp xã"
    )
    page.get_by_label("Độ khẩn").select_option(label="Khẩn")
    page.get_by_label("Tệp").set_input_files(str(scan))
    page.get_by_role("button", name="Vào sổ").click()

    expect(page.get_by_test_id("arrival-number")).to_have_text("1")
    expect(page.get_by_test_id("number")).to_have_text("2345/UBND-KT")
    expect(page.get_by_test_id("text-status")).to_contain_text("Đang chờ")
    run_worker()
    page.reload()
    expect(page.get_by_test_id("text-status")).to_contain_text("OCR")

    page.get_by_role("link", name="Tìm kiếm", exact=True).click()
    page.get_by_label("Tìm kiếm").fill("trien khai phan mem lien thong")
    page.get_by_role("button", name="Tìm kiếm").click()
    result = page.get_by_role("link", name=re.compile("triển khai phần mềm"))
    expect(result).to_have_count(1)
    result.click()
    expect(page.get_by_test_id("subject")).to_contain_text("đến cấp xã")

    page.get_by_role("link", name=re.compile("Sổ văn bản đến")).click()
    expect(page.get_by_test_id("register-table")).to_contain_text("2345/UBND-KT")
    pdf_url = page.get_by_test_id("print-pdf").get_attribute("href")
    response = page.request.get(f"{page.url.split('?')[0]}{pdf_url}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert Document.objects.get().attachments.get().versions.get().ocr_used
    assert page.console_errors == []  # type: ignore[attr-defined]
