"""Intake over IMAPS and STARTTLS, and sending over SMTP STARTTLS and SMTPS, against the real
servers (Dovecot, aiosmtpd) with a certificate the test made: trusted when the platform is given
the authority's file, refused with a plain error when it is not."""

from __future__ import annotations

import ssl

import pytest
from django.core.mail import EmailMessage

from lienthong.mail import services, tls
from lienthong.mail.models import Security
from tests.mail import corpus


@pytest.mark.parametrize("security", [Security.SSL, Security.STARTTLS])
def test_intake_over_tls_with_the_authority_trusted(
    agency, mailbox_for, dovecot, server_certificate, settings, security
) -> None:
    settings.LIENTHONG_MAIL_TLS_CA_FILE = str(server_certificate.ca_file)
    port = dovecot.tls_port if security == Security.SSL else dovecot.port
    mailbox, account = mailbox_for(agency, security=security, port=port)
    account.deliver(corpus.letter_with_pdf_and_docx())
    [mail] = services.poll_mailbox(mailbox=mailbox, timeout=5).taken
    assert mail.subject == corpus.SUBJECT
    mailbox.refresh_from_db()
    assert mailbox.failures == 0 and mailbox.last_error == ""


@pytest.mark.parametrize("security", [Security.SSL, Security.STARTTLS])
def test_an_untrusted_imap_certificate_is_refused_with_a_plain_error(
    agency, mailbox_for, dovecot, settings, security
) -> None:
    settings.LIENTHONG_MAIL_TLS_CA_FILE = ""  # the system's authorities: not the test's
    port = dovecot.tls_port if security == Security.SSL else dovecot.port
    mailbox, account = mailbox_for(agency, security=security, port=port)
    account.deliver(corpus.letter_with_pdf_and_docx())
    with pytest.raises(ssl.SSLCertVerificationError):
        services.poll_mailbox(mailbox=mailbox, timeout=5)
    mailbox.refresh_from_db()
    assert mailbox.failures == 1
    # said plainly, in the administration's language, with the setting that fixes it
    assert "không được tin cậy" in mailbox.last_error
    assert "LIENTHONG_MAIL_TLS_CA_FILE" in mailbox.last_error
    assert not mailbox.messages.exists()


def _message(to: str) -> EmailMessage:
    return EmailMessage(
        subject="Công văn số 5/STTTT-VP",
        body="Kính gửi Công ty ABC.",
        from_email="Sở TTTT <vanthu@stttt.camau.gov.vn>",
        to=[to],
        connection=tls.smtp_connection(timeout=5),
    )


def test_sending_over_smtp_tls_with_the_authority_trusted(tls_smtp_server) -> None:
    assert _message("lienhe@abc.vn").send() == 1
    [received] = tls_smtp_server.messages
    assert received.to == ["lienhe@abc.vn"] and received.subject == "Công văn số 5/STTTT-VP"


def test_an_untrusted_smtp_certificate_is_refused_with_a_plain_error(
    tls_smtp_server, settings
) -> None:
    settings.LIENTHONG_MAIL_TLS_CA_FILE = ""
    with pytest.raises(ssl.SSLCertVerificationError) as caught:
        _message("lienhe@abc.vn").send()
    assert "không được tin cậy" in tls.describe(caught.value)
    assert tls_smtp_server.messages == []
