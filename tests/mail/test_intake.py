"""Mail intake against a real Dovecot: the real-world corpus yields the expected pending
records and refusals, once; processed mail is flagged or moved, never deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from imap_tools import MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError

from lienthong.core import sealing
from lienthong.documents.constants import Direction, DocumentStatus
from lienthong.documents.models import DocumentType
from lienthong.mail import services
from lienthong.mail.models import IncomingMail, IntakeRule, Mailbox, MailStatus, RuleAction
from lienthong.mail.services import PROCESSED_KEYWORD
from tests.mail import corpus


def _flags(account: Any, folder: str = "INBOX") -> list[tuple[str, ...]]:
    with MailBoxUnencrypted(account.server.host, account.server.port).login(
        account.user, account.password, initial_folder=folder
    ) as box:
        return [message.flags for message in box.fetch(mark_seen=False, headers_only=True)]


def test_the_corpus_gives_pending_records_and_refusals_once(
    agency, mailbox_for, big_message, settings
) -> None:
    settings.LIENTHONG_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
    mailbox, account = mailbox_for(agency)
    letter = corpus.letter_with_pdf_and_docx()
    for raw in (
        letter,
        corpus.forwarded(corpus.letter_with_pdf_and_docx()),
        corpus.inline_image(),
        big_message,
        corpus.malformed(),
        corpus.hostile(),
        letter,  # the same mail delivered twice
    ):
        account.deliver(raw)

    result = services.poll_mailbox(mailbox=mailbox)

    assert (len(result.taken), result.duplicates, result.ignored) == (6, 1, 0)
    mails = {mail.subject: mail for mail in IncomingMail.objects.filter(agency=agency)}
    assert len(mails) == 6 and all(m.status == MailStatus.PENDING for m in mails.values())

    # RFC 2047 subject and RFC 2231 file names, decoded
    first = mails[corpus.SUBJECT]
    assert first.sender == "vanthu@stp.camau.gov.vn" and first.sender_name == "Sở Tư pháp"
    assert (first.spf, first.dkim, first.dmarc) == ("pass", "pass", "pass")
    assert not first.authentication_failed
    names = {a.name: a for a in first.attachments.all()}
    assert set(names) == {"Công văn 05-STP.pdf", "Phụ lục kèm theo.docx"}
    assert names["Công văn 05-STP.pdf"].blob.content_type == "application/pdf"
    assert names["Phụ lục kèm theo.docx"].blob is not None
    with default_storage.open(first.eml_name, "rb") as eml:
        assert eml.read() == letter.as_bytes()

    # a forwarded mail: its own failed checks are a warning; the inner letter's files travel
    fwd = mails["Fwd: " + corpus.SUBJECT]
    assert fwd.authentication_failed and (fwd.spf, fwd.dmarc) == ("softfail", "fail")
    assert {a.name for a in fwd.attachments.all()} >= {"Công văn 05-STP.pdf"}

    inline = mails["Ảnh chụp biên bản hiện trường"]
    [image] = inline.attachments.all()
    assert image.inline and image.blob is not None and image.blob.content_type == "image/png"

    big = mails["Hồ sơ dung lượng lớn"]
    [huge] = big.attachments.all()
    assert huge.blob is None and "25,0\xa0MB" in huge.refused
    assert big.eml_size > 30 * 1024 * 1024  # kept whole: nothing lost

    broken = mails["Thư lỗi"]
    assert broken.problems and broken.problems[0].startswith("malformed")

    hostile = mails["Thông báo khẩn"]
    refused = {a.name: a.refused for a in hostile.attachments.all()}
    assert "application/x-sharedlib" in refused["hoa-don.pdf"]  # an executable, named .pdf
    assert "mật khẩu" in refused["bi-mat.pdf"]
    assert all(a.blob is None for a in hostile.attachments.all())

    # flagged, not deleted; a second poll takes nothing
    flags = _flags(account)
    assert len(flags) == 7 and all(PROCESSED_KEYWORD in f for f in flags)
    again = services.poll_mailbox(mailbox=mailbox)
    assert (len(again.taken), again.duplicates) == (0, 0)
    assert IncomingMail.objects.filter(agency=agency).count() == 6


def test_two_mailboxes_of_an_agency_give_one_record_and_processed_mail_is_moved(
    agency, mailbox_for
) -> None:
    first, account1 = mailbox_for(agency, processed_folder="DaXuLy")
    second, account2 = mailbox_for(agency)
    letter = corpus.letter_with_pdf_and_docx()
    account1.deliver(letter)
    account2.deliver(letter)
    assert len(services.poll_mailbox(mailbox=first).taken) == 1
    assert services.poll_mailbox(mailbox=second).duplicates == 1
    assert IncomingMail.objects.filter(agency=agency).count() == 1
    assert _flags(account1) == [] and len(_flags(account1, "DaXuLy")) == 1


def test_rules_decide_which_mail_becomes_a_document(agency, mailbox_for) -> None:
    mailbox, account = mailbox_for(agency)
    IntakeRule.objects.create(
        agency=agency, position=1, sender_pattern="*@evil.example", action=RuleAction.IGNORE
    )
    IntakeRule.objects.create(
        agency=agency, position=2, sender_pattern="*.camau.gov.vn", attachment_types="pdf, docx"
    )
    account.deliver(corpus.letter_with_pdf_and_docx())
    account.deliver(corpus.hostile())
    account.deliver(corpus.inline_image())  # a citizen: no rule takes it
    result = services.poll_mailbox(mailbox=mailbox)
    assert [m.subject for m in result.taken] == [corpus.SUBJECT]
    assert result.ignored == 2
    assert all(PROCESSED_KEYWORD in f for f in _flags(account))


def test_an_unreachable_mailbox_records_its_error_and_retries_later(agency, dovecot) -> None:
    mailbox = Mailbox.objects.create(
        agency=agency,
        address="x@stttt.camau.gov.vn",
        host=dovecot.host,
        port=dovecot.port,
        security="none",
        username="nobody-here",
        sealed_secret=sealing.seal(b"wrong"),
    )
    with pytest.raises(MailboxLoginError):
        services.poll_mailbox(mailbox=mailbox, timeout=5)
    mailbox.refresh_from_db()
    assert mailbox.failures == 1 and "LOGIN" in mailbox.last_error.upper()
    assert mailbox.next_poll_at is not None and mailbox.last_error_at is not None
    from lienthong.mail.tasks import enqueue_due_polls

    assert enqueue_due_polls() == 0  # not before the back-off


def test_the_clerk_registers_a_mail_with_its_files(agency, clerk, mailbox_for) -> None:
    mailbox, account = mailbox_for(agency)
    account.deliver(corpus.letter_with_pdf_and_docx())
    [mail] = services.poll_mailbox(mailbox=mailbox).taken
    registration = services.register_mail(
        actor=clerk,
        mail=mail,
        document_type=DocumentType.objects.get(name="Công văn"),
        issuer_name="Sở Tư pháp",
        issued_date=timezone.localdate() - timedelta(days=17),
        subject="V/v triển khai phần mềm hồ sơ công việc liên thông",
        code_number="05",
        code_notation="STP-HCTP",
    )
    document = registration.document
    assert document is not None and document.direction == Direction.INCOMING
    assert document.status == DocumentStatus.REGISTERED and document.arrival_number == 1
    assert {a.title or a.versions.get().original_name for a in document.attachments.all()}
    names = sorted(a.versions.get().original_name for a in document.attachments.all())
    assert names == ["Công văn 05-STP.pdf", "Phụ lục kèm theo.docx"]
    mail.refresh_from_db()
    assert mail.status == MailStatus.REGISTERED and mail.document == document
    with pytest.raises(ValidationError) as refused:
        services.dismiss_mail(actor=clerk, mail=mail, reason="spam")
    assert refused.value.code == "decided"
