"""Sở Tư pháp's official e-mail objects for the permission matrix's world
(tests/hardening/world.py): a mailbox, a pending mail received and an e-mail recipient of the
world's draft."""

from __future__ import annotations

from typing import Any

from lienthong.accounts.models import Agency
from lienthong.drafting.models import Draft
from lienthong.mail import services
from lienthong.mail.models import EmailRecipient, Mailbox, Security
from tests.mail import corpus


def mail_objects(stp: Agency, *, draft_pk: int) -> dict[str, Any]:
    mailbox = Mailbox.objects.create(
        agency=stp,
        address="vanthu@stp.camau.gov.vn",
        host="127.0.0.1",
        port=1,
        security=Security.NONE,
        username="vanthu",
        secret="khong-dung",
        active=False,
    )
    mail = services.take_message(mailbox=mailbox, raw=corpus.letter_with_pdf_and_docx().as_bytes())
    assert not isinstance(mail, str)
    recipient = EmailRecipient.objects.create(
        draft=Draft.objects.get(pk=draft_pk), address="lienhe@abc.vn", name="Công ty ABC"
    )
    return {"mailbox": mailbox.pk, "incoming_mail": mail.pk, "email_recipient": recipient.pk}
