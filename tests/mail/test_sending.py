"""Sending an issued document to its e-mail recipients through a real SMTP server (aiosmtpd,
over STARTTLS with a certificate the test made),
DKIM-signed, with a status per recipient; a bounce fetched by intake marks the recipient."""

from __future__ import annotations

import io
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lienthong.drafting import services as drafting
from lienthong.mail import services
from lienthong.mail.models import DeliveryStatus, EmailRecipient, MailStatus
from tests.documents import files
from tests.drafting.conftest import make_draft, org  # noqa: F401
from tests.mail import corpus


@pytest.fixture
def dkim_key(settings) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    settings.LIENTHONG_MAIL_DKIM_SELECTOR = "lienthong"
    settings.LIENTHONG_MAIL_DKIM_DOMAIN = "camau.gov.vn"
    settings.LIENTHONG_MAIL_DKIM_PRIVATE_KEY = pem.decode()
    settings.LIENTHONG_MAIL_DKIM_KEYS = {"lienthong._domainkey.camau.gov.vn": record.decode()}
    return record


def _issue(org, make_draft, **overrides: Any):  # noqa: F811
    pdf = io.BytesIO(files.text_pdf("Công văn trả lời"))
    pdf.name = "Công văn trả lời.pdf"
    draft = make_draft(upload=pdf, file_name="Công văn trả lời.pdf", **overrides)
    return draft


def _approve(org, draft):  # noqa: F811
    drafting.submit_for_review(actor=org.specialist, draft=draft)
    drafting.review(actor=org.unit_leader, draft=draft, decision="approve")
    drafting.send_to_signer(actor=org.unit_leader, draft=draft)
    drafting.sign_off(actor=org.director, draft=draft, decision="approve")


def test_an_issued_document_reaches_its_email_recipients_signed_and_bounces_are_recorded(
    org,  # noqa: F811
    make_draft,  # noqa: F811
    starttls_smtp_server,
    dkim_key,
    run_tasks,
    mailbox_for,
    django_capture_on_commit_callbacks,
    time_machine,
) -> None:
    draft = _issue(org, make_draft)
    company = services.add_recipient(
        actor=org.specialist, draft=draft, address="VanThu@ABC.vn", name="Công ty ABC"
    )
    with pytest.raises(ValidationError):
        services.add_recipient(actor=org.specialist, draft=draft, address="not an address")
    with pytest.raises(PermissionDenied):
        services.add_recipient(actor=org.snv_clerk, draft=draft, address="x@y.vn")
    _approve(org, draft)
    citizen = services.add_recipient(actor=org.clerk, draft=draft, address="dan@example.vn")
    starttls_smtp_server.refuse_next(1)  # the first attempt meets a busy server
    with django_capture_on_commit_callbacks(execute=True):
        document = drafting.issue_draft(actor=org.clerk, draft=draft).document

    company.refresh_from_db()
    assert company.status == DeliveryStatus.QUEUED and company.document == document
    run_tasks()
    failed = EmailRecipient.objects.get(status=DeliveryStatus.FAILED)
    assert "451" in failed.last_error and failed.attempts == 1
    time_machine.move_to(timezone.now() + timedelta(minutes=2))  # the retry's time has come
    run_tasks()

    statuses = dict(EmailRecipient.objects.values_list("address", "status"))
    assert statuses == {"vanthu@abc.vn": DeliveryStatus.SENT, "dan@example.vn": "sent"}
    mails = {m.to[0]: m for m in starttls_smtp_server.messages}
    assert set(mails) == {"vanthu@abc.vn", "dan@example.vn"}
    mail = mails["vanthu@abc.vn"].message
    assert document.number_and_symbol in str(mail["Subject"])
    [pdf] = [p for p in mail.iter_attachments()]
    assert pdf.get_filename() == "Công văn trả lời.pdf"  # RFC 2231 both ways
    assert pdf.get_content().startswith(b"%PDF")
    raw = mail.as_bytes(policy=policy.SMTP)
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: dkim_key)
    assert not dkim.verify(raw + b"tampered\r\n", dnsfunc=lambda n, timeout=5: dkim_key)

    # the company's server bounces it; intake reads the DSN and marks the recipient
    citizen.refresh_from_db()
    company.refresh_from_db()
    mailbox, account = mailbox_for(org.stp)
    account.deliver(_dsn(company.message_id, "vanthu@abc.vn"))
    result = services.poll_mailbox(mailbox=mailbox)
    assert result.bounces == 1 and result.taken == []
    company.refresh_from_db()
    citizen.refresh_from_db()
    assert company.status == DeliveryStatus.BOUNCED and "550" in company.last_error
    assert citizen.status == DeliveryStatus.SENT
    assert org.stp.incoming_mail.get().status == MailStatus.BOUNCE


def _dsn(original_id: str, address: str) -> bytes:
    report = EmailMessage(policy=policy.SMTP)
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.abc.vn>"
    report["To"] = "no-reply@lienthong.camau.gov.vn"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<dsn-1@mx.abc.vn>"
    report.set_content(f"550 5.1.1 <{address}>: Recipient address rejected: User unknown")
    report.make_mixed()
    payload = report.get_payload()
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")
    status = EmailMessage(policy=policy.SMTP)
    status.set_type("message/delivery-status")
    status.set_payload(
        [
            _fields({"Reporting-MTA": "dns; mx.abc.vn"}),
            _fields(
                {
                    "Final-Recipient": f"rfc822; {address}",
                    "Action": "failed",
                    "Status": "5.1.1",
                    "Diagnostic-Code": "smtp; 550 5.1.1 User unknown",
                }
            ),
        ]
    )
    headers = EmailMessage(policy=policy.SMTP)
    headers.set_type("text/rfc822-headers")
    headers.set_payload(f"Message-ID: {original_id}\r\nTo: {address}\r\n")
    report.set_payload([*payload, status, headers])
    return report.as_bytes()


def _fields(values: dict[str, str]) -> EmailMessage:
    block = EmailMessage(policy=policy.SMTP)
    for name, value in values.items():
        block[name] = value
    return block


def test_subjects_and_file_names_in_vietnamese_both_ways() -> None:
    from lienthong.mail.parsing import parse

    raw = corpus.letter_with_pdf_and_docx().as_bytes()
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0].lower()  # encoded on the wire
    assert b"filename*=utf-8''" in raw.lower()
    parsed = parse(raw)
    assert parsed.subject == corpus.SUBJECT
    assert [p.name for p in parsed.parts] == ["Công văn 05-STP.pdf", "Phụ lục kèm theo.docx"]
