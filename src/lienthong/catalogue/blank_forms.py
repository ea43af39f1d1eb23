"""Small, real form files (DOCX) for the demo catalogue: the national header, the title of the
form, the addressee and the lines an applicant fills in. Generated at load time, so no binary
is kept in the repository."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt


def form_docx(*, code: str, title: str, addressee: str, lines: Sequence[str]) -> bytes:
    """A one-page Word form in the usual layout of Vietnamese administrative forms."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def centred(text: str, *, bold: bool = False, italic: bool = False, size: int = 13) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)

    if code:
        right = document.add_paragraph()
        right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        right.add_run(code).italic = True
    centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    centred("Độc lập - Tự do - Hạnh phúc", bold=True)
    centred("_______________________")
    centred(title.upper(), bold=True, size=14)
    centred(f"Kính gửi: {addressee}")
    for line in lines:
        document.add_paragraph(f"{line}: " + "." * max(10, 70 - len(line)))
    document.add_paragraph(
        "Tôi xin cam đoan những thông tin trên là đúng sự thật và chịu trách nhiệm trước pháp "
        "luật về nội dung đã khai."
    )
    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.add_run("……, ngày …… tháng …… năm ……\n").italic = True
    signature.add_run("NGƯỜI LÀM ĐƠN\n").bold = True
    signature.add_run("(Ký, ghi rõ họ tên)").italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
