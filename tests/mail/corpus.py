"""Real-world messages built by the tests: what an agency's official mailbox receives."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from pypdf import PdfReader, PdfWriter

from tests.documents.files import docx, elf_executable, scan_image, text_pdf

LETTER_TEXT = (
    "SỞ TƯ PHÁP<br>Số: 05/STP-HCTP<br>Cà Mau, ngày 20 tháng 11 năm 2026<br>CÔNG VĂN<br>"
    "V/v triển khai phần mềm hồ sơ công việc liên thông"
)
SUBJECT = "Công văn số 05/STP-HCTP về triển khai phần mềm liên thông"
SENT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


def message(
    subject: str,
    sender: str = "Sở Tư pháp <vanthu@stp.camau.gov.vn>",
    to: str = "vanthu@stttt.camau.gov.vn",
    body: str = "Kính gửi Sở Thông tin và Truyền thông,\nSở Tư pháp gửi công văn đính kèm.",
    message_id: str | None = None,
    auth: str | None = "mx.camau.gov.vn; spf=pass smtp.mailfrom=stp.camau.gov.vn; "
    "dkim=pass header.d=stp.camau.gov.vn; dmarc=pass header.from=stp.camau.gov.vn",
) -> EmailMessage:
    mail = EmailMessage(policy=policy.SMTP)
    if auth:
        mail["Authentication-Results"] = auth
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject  # encoded as RFC 2047 by the policy
    mail["Date"] = format_datetime(SENT)
    mail["Message-ID"] = message_id or make_msgid(domain="stp.camau.gov.vn")
    mail.set_content(body)
    return mail


def letter_with_pdf_and_docx() -> EmailMessage:
    mail = message(SUBJECT)
    mail.add_attachment(
        text_pdf(LETTER_TEXT),
        maintype="application",
        subtype="pdf",
        filename="Công văn 05-STP.pdf",  # RFC 2231
    )
    mail.add_attachment(
        docx("Phụ lục: danh sách đơn vị triển khai"),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="Phụ lục kèm theo.docx",
    )
    return mail


def forwarded(original: EmailMessage) -> EmailMessage:
    mail = message(
        "Fwd: " + str(original["Subject"]),
        sender="Nguyễn Văn An <an.nv@gmail.com>",
        body="Chuyển tiếp công văn của Sở Tư pháp.",
        auth="mx.camau.gov.vn; spf=softfail smtp.mailfrom=gmail.com; dkim=none; dmarc=fail",
    )
    mail.add_attachment(original)  # message/rfc822
    return mail


def inline_image() -> EmailMessage:
    mail = message("Ảnh chụp biên bản hiện trường", sender="Công dân <congdan@example.vn>")
    mail.add_alternative("<p>Biên bản: <img src='cid:bienban'></p>", subtype="html")
    html = mail.get_payload()[1]
    html.add_related(
        scan_image("BIÊN BẢN HIỆN TRƯỜNG", "PNG"),
        "image",
        "png",
        cid="<bienban>",
        filename="bien-ban.png",
    )
    return mail


def big_attachment(size: int = 30 * 1024 * 1024) -> bytes:
    """A 30 MB attachment, built quickly (random bytes: base64 cannot shrink them)."""
    mail = message("Hồ sơ dung lượng lớn", sender="Công ty ABC <hoso@abc.vn>")
    mail.add_attachment(
        os.urandom(size), maintype="application", subtype="pdf", filename="ho-so-lon.pdf"
    )
    return mail.as_bytes()


def malformed() -> bytes:
    """A multipart message whose boundary never appears, with a broken encoded-word."""
    return (
        b"From: =?utf-8?b?broken?= <loi@example.vn>\r\n"
        b"To: vanthu@stttt.camau.gov.vn\r\n"
        b"Subject: =?utf-8?q?Th=C6=B0_l=E1=BB=97i?=\r\n"
        b"Date: Tue, 24 Nov 2026 09:30:00 +0700\r\n"
        b"Message-ID: <malformed-1@example.vn>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-here"\r\n\r\n'
        b"--wrong-boundary\r\nContent-Type: application/pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n%%%not base64%%%\r\n"
    )


def hostile() -> EmailMessage:
    """An executable named as a PDF and a password-protected PDF."""
    mail = message("Thông báo khẩn", sender="Kẻ xấu <attacker@evil.example>", auth=None)
    mail.add_attachment(
        elf_executable(), maintype="application", subtype="pdf", filename="hoa-don.pdf"
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf("Bí mật"))))
    writer.encrypt("matkhau")
    out = io.BytesIO()
    writer.write(out)
    mail.add_attachment(
        out.getvalue(), maintype="application", subtype="pdf", filename="bi-mat.pdf"
    )
    return mail
