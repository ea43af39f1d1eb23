"""The pages: the clerk's mail received (the warning of a failed sender check, one-click
registration prefilled from the PDF), the administrator's mailboxes with their errors, the
directory and its exports, the draft's e-mail recipients."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from lienthong.accounts.constants import Role
from lienthong.documents.constants import Direction
from lienthong.documents.models import Document
from lienthong.mail import directory, services
from lienthong.mail.models import IncomingMail, Mailbox, MailStatus
from tests.mail import corpus


def test_the_clerk_sees_the_warning_and_registers_in_one_click(
    client, agency, clerk, mailbox_for, user_factory
) -> None:
    mailbox, account = mailbox_for(agency)
    account.deliver(corpus.letter_with_pdf_and_docx())
    account.deliver(corpus.forwarded(corpus.letter_with_pdf_and_docx()))
    services.poll_mailbox(mailbox=mailbox)
    letter = IncomingMail.objects.get(subject=corpus.SUBJECT)
    forwarded = IncomingMail.objects.exclude(pk=letter.pk).get()

    client.force_login(clerk)
    inbox = client.get(reverse("mail:inbox")).content.decode()
    assert corpus.SUBJECT in inbox and 'data-testid="pending-mail"' in inbox
    # The administration pages (404 for a clerk) are not offered in her menu.
    assert reverse("mail:mailboxes") not in inbox and reverse("mail:rules") not in inbox
    warned = client.get(forwarded.get_absolute_url()).content.decode()
    assert 'data-testid="auth-warning"' in warned and "softfail" in warned
    page = client.get(letter.get_absolute_url())
    assert 'data-testid="auth-warning"' not in page.content.decode()
    initial = page.context["form"].initial
    assert (initial["code_number"], initial["code_notation"]) == ("05", "STP-HCTP")  # from PDF
    form = page.context["form"]
    values = {name: form[name].value() for name in form.fields}
    data = {
        name: value for name, value in values.items() if value is not None and value is not False
    }
    data["document_type"] = initial["document_type"].pk
    data["issued_date"] = initial["issued_date"].isoformat()
    response = client.post(letter.get_absolute_url(), data)
    document = Document.objects.get(direction=Direction.INCOMING, agency=agency)
    assert response.status_code == 302 and response.url == reverse(
        "documents:detail", args=[document.pk]
    )
    assert document.code_notation == "STP-HCTP" and document.attachments.count() == 2
    letter.refresh_from_db()
    assert letter.status == MailStatus.REGISTERED

    eml = client.get(reverse("mail:eml", args=[forwarded.pk]))
    assert eml["Content-Type"] == "message/rfc822"
    other = user_factory(agency, [Role.SPECIALIST])
    client.force_login(other)
    assert client.get(forwarded.get_absolute_url()).status_code == 404
    assert client.get(reverse("mail:eml", args=[forwarded.pk])).status_code == 404


def test_the_administrator_sees_an_unreachable_mailbox(
    client, agency, agency_factory, user_factory
) -> None:
    admin = user_factory(agency, [Role.AGENCY_ADMIN])
    client.force_login(admin)
    menu = client.get(reverse("mail:mailboxes")).content.decode()
    assert f'href="{reverse("mail:rules")}"' in menu
    response = client.post(
        reverse("mail:mailboxes"),
        {
            "address": "VanThu@stttt.camau.gov.vn",
            "host": "127.0.0.1",
            "port": "1",
            "security": "none",
            "username": "vanthu",
            "secret": "mat-khau",
            "folder": "INBOX",
            "active": "on",
        },
    )
    assert response.status_code == 302
    mailbox = Mailbox.objects.get(agency=agency)
    assert mailbox.address == "vanthu@stttt.camau.gov.vn" and mailbox.secret() == "mat-khau"
    # sealed at rest: the password is not in the row, and the form never shows it back
    assert b"mat-khau" not in bytes(mailbox.sealed_secret)
    edit_page = client.get(reverse("mail:mailbox-edit", args=[mailbox.pk])).content.decode()
    assert "mat-khau" not in edit_page and 'name="secret"' in edit_page
    with pytest.raises(ConnectionRefusedError):
        services.poll_mailbox(mailbox=mailbox, timeout=2)
    page = client.get(reverse("mail:mailboxes")).content.decode()
    assert "ConnectionRefusedError" in page
    # an edit without a password keeps the stored one
    client.post(
        reverse("mail:mailbox-edit", args=[mailbox.pk]),
        {
            "address": mailbox.address,
            "host": "imap.camau.gov.vn",
            "port": "993",
            "security": "ssl",
            "username": "vanthu",
            "folder": "INBOX",
            "active": "on",
        },
    )
    mailbox.refresh_from_db()
    assert (mailbox.host, mailbox.secret(), mailbox.failures) == (
        "imap.camau.gov.vn",
        "mat-khau",
        0,
    )
    # Another agency's administrator finds no such mailbox (mail.permissions.access_mailbox).
    other = user_factory(agency_factory("Sở Nội vụ", "SNV"), [Role.AGENCY_ADMIN])
    client.force_login(other)
    edit = reverse("mail:mailbox-edit", args=[mailbox.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"address": "x@snv.camau.gov.vn", "host": "h"}).status_code == 404
    mailbox.refresh_from_db()
    assert mailbox.host == "imap.camau.gov.vn" and mailbox.agency == agency


def test_the_directory_searches_and_exports(client, agency, clerk, user_factory) -> None:
    clerk.email, clerk.phone = "vanthu@stttt.camau.gov.vn", "0290 3831 111"
    clerk.save()
    hidden = user_factory(agency, [Role.SPECIALIST])
    hidden.email = "an.nguyen@stttt.camau.gov.vn"
    hidden.save()
    client.force_login(clerk)
    page = client.get(reverse("mail:directory"), {"q": "3831"}).content.decode()
    assert "vanthu@stttt.camau.gov.vn" in page and "an.nguyen@" not in page
    card = client.get(reverse("mail:directory-vcard")).content.decode()
    assert "BEGIN:VCARD" in card and "EMAIL;TYPE=work:vanthu@stttt.camau.gov.vn" in card
    assert "ORG:Sở Thông tin và Truyền thông" in card
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))
    ldif = client.get(reverse("mail:directory-ldif")).content.decode()
    assert ldif.startswith("version: 1")
    assert "dn: mail=vanthu@stttt.camau.gov.vn,ou=danhba,dc=lienthong" in ldif
    encoded = base64.b64encode(clerk.full_name.encode()).decode()
    assert f"cn:: {encoded}" in ldif  # non-ASCII values in base64 (RFC 2849)
    assert directory.people("nobody-matches").count() == 0
