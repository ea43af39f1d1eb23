"""The demo province's official e-mail: Sở Tư pháp's mailbox (paused: the demo has no mail
server) and two mails waiting in the clerk's list, one from a verified sender with a PDF, one
forged-looking. Idempotent: the mails are recognised by their Message-ID."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone
from weasyprint import HTML

from lienthong.accounts.models import Agency
from lienthong.core import sealing

from . import services
from .models import IntakeRule, Mailbox, RuleAction, Security

STP_CODE = "000.00.05.H12"

LETTER = (
    "CÔNG TY TNHH PHẦN MỀM MŨI CÀ MAU<br>Số: 12/MCM-HCNS<br>"
    "Cà Mau, ngày 02 tháng 12 năm 2026<br>CÔNG VĂN<br>"
    "V/v đề nghị cung cấp thông tin về thủ tục cấp phiếu lý lịch tư pháp"
)


def _mail(subject: str, sender: str, message_id: str, auth: str) -> EmailMessage:
    mail = EmailMessage(policy=policy.SMTP)
    mail["Authentication-Results"] = auth
    mail["From"] = sender
    mail["To"] = "vanthu.stp@demo-camau.invalid"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = message_id
    mail.set_content("Kính gửi Sở Tư pháp,\nXin gửi kèm công văn.\nTrân trọng.")
    return mail


def load() -> None:
    agency = Agency.objects.filter(code=STP_CODE).first()
    if agency is None:
        return
    mailbox, _created = Mailbox.objects.get_or_create(
        agency=agency,
        address="vanthu.stp@demo-camau.invalid",
        defaults={
            "host": "imap.demo-camau.invalid",
            "port": 993,
            "security": Security.SSL,
            "username": "vanthu.stp",
            "sealed_secret": sealing.seal(b"demo"),
            "active": False,
        },
    )
    letter = _mail(
        "Công văn số 12/MCM-HCNS đề nghị cung cấp thông tin",
        "Công ty Mũi Cà Mau <vanthu@muicamau.vn>",
        "<demo-letter-1@muicamau.vn>",
        "mx.demo-camau.invalid; spf=pass smtp.mailfrom=muicamau.vn; dkim=pass "
        "header.d=muicamau.vn; dmarc=pass header.from=muicamau.vn",
    )
    pdf = HTML(string=f'<html lang="vi"><body><p>{LETTER}</p></body></html>').write_pdf()
    letter.add_attachment(
        pdf, maintype="application", subtype="pdf", filename="Công văn 12-CV-MCM.pdf"
    )
    services.take_message(mailbox=mailbox, raw=letter.as_bytes())
    suspicious = _mail(
        "Thông báo khẩn về việc nộp phí",
        "Sở Tư pháp <sotuphap.camau@gmail.example>",
        "<demo-suspicious-1@gmail.example>",
        "mx.demo-camau.invalid; spf=fail smtp.mailfrom=gmail.example; dkim=none; dmarc=fail",
    )
    services.take_message(mailbox=mailbox, raw=suspicious.as_bytes())
    # The clerk's intake rules (Quy tắc nhận thư): a deny list first, then mail carrying a
    # document; the rest stays in the mailbox.
    for position, values in (
        (10, {"sender_pattern": "*@*.example", "action": RuleAction.IGNORE}),
        (20, {"attachment_types": "pdf,docx", "action": RuleAction.ACCEPT}),
    ):
        IntakeRule.objects.get_or_create(agency=agency, position=position, defaults=values)
