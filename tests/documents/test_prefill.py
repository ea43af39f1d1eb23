"""Suggestions for registration read from an electronic document's text."""

from datetime import date

from lienthong.documents.prefill import suggest_fields

DECISION = """ỦY BAN NHÂN DÂN               CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CÀ MAU
Độc lập - Tự do - Hạnh phúc
Số: 1234/QĐ-UBND
Cà Mau, ngày 05 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc phê duyệt kế hoạch chuyển đổi số năm 2026
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CÀ MAU
"""

LETTER = """UBND TỈNH CÀ MAU
SỞ TƯ PHÁP
Số: 05/STP-HCTP
V/v triển khai phần mềm hồ sơ công việc liên thông
Cà Mau, ngày 20 tháng 11 năm 2026
Kính gửi: Sở Thông tin và Truyền thông
"""


def test_a_decision(db) -> None:
    found = suggest_fields(DECISION)
    assert (found["code_number"], found["code_notation"]) == ("1234", "QĐ-UBND")
    assert found["issued_date"] == date(2026, 3, 5)
    assert found["document_type"].name == "Quyết định"
    assert found["subject"] == "Về việc phê duyệt kế hoạch chuyển đổi số năm 2026"


def test_an_official_letter(two_agencies) -> None:
    found = suggest_fields(LETTER)
    assert (found["code_number"], found["code_notation"]) == ("05", "STP-HCTP")
    assert found["document_type"].name == "Công văn"
    assert found["issuer_name"] == "Sở Tư pháp"  # the platform's spelling of a known agency
    assert found["subject"] == "V/v triển khai phần mềm hồ sơ công việc liên thông"
    assert found["issued_date"] == date(2026, 11, 20)


def test_nothing_found_in_other_text(db) -> None:
    assert suggest_fields("Ảnh chụp cuộc họp, không có số văn bản.") == {}


def test_the_clerk_fills_the_form_from_the_file_then_registers(clerk, two_agencies) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from lienthong.documents.models import Document
    from tests.documents import files

    client = Client()
    client.force_login(clerk)
    upload = SimpleUploadedFile("cong-van.docx", files.docx(LETTER))
    page = client.post(reverse("documents:register-incoming"), {"prefill": "1", "file": upload})
    html = page.content.decode()
    assert 'data-testid="prefill-message"' in html and Document.objects.count() == 0
    form = page.context["form"]
    assert (
        form.initial["code_notation"] == "STP-HCTP" and form.initial["issued_date"] == "2026-11-20"
    )
    data = {k: v for k, v in form.initial.items() if v not in (None, "") and k != "prefill"}
    data.update({"urgency": "0", "confidentiality": "0"})
    response = client.post(reverse("documents:register-incoming"), data)
    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get()
    assert document.number_and_symbol == "05/STP-HCTP" and document.issuer_name == "Sở Tư pháp"
    assert document.attachments.get().versions.get().original_name == "cong-van.docx"
