"""Sở Tư pháp's official e-mail objects for the permission matrix's world
(tests/hardening/world.py): a mailbox, a pending mail received and an e-mail recipient of the
world's draft."""

from __future__ import annotations

from typing import Any

from lienthong.accounts.models import Agency, User
from lienthong.core import sealing
from lienthong.drafting.models import Draft
from lienthong.mail import digest, services
from lienthong.mail.models import DigestSubscription, EmailRecipient, IntakeRule, Mailbox, Security
from tests.mail import corpus


def _actors() -> dict[str, str | None]:
    from tests.hardening.world import ACTORS

    return ACTORS


def mail_objects(stp: Agency, *, draft_pk: int) -> dict[str, Any]:
    mailbox = Mailbox.objects.create(
        agency=stp,
        address="vanthu@stp.camau.gov.vn",
        host="127.0.0.1",
        port=1,
        security=Security.NONE,
        username="vanthu",
        sealed_secret=sealing.seal(b"khong-dung"),
        active=False,
    )
    mail = services.take_message(mailbox=mailbox, raw=corpus.letter_with_pdf_and_docx().as_bytes())
    assert not isinstance(mail, str)
    recipient = EmailRecipient.objects.create(
        draft=Draft.objects.get(pk=draft_pk), address="lienhe@abc.vn", name="Công ty ABC"
    )
    rule = IntakeRule.objects.create(agency=stp, position=5, sender_pattern="*@camau.gov.vn")
    # A Sở Tư pháp official who is none of the matrix's actors, with the digest on: the link in
    # their digest stops it (the actors themselves may still turn theirs on).
    actors = {name for name in _actors().values() if name}
    reader = User.objects.filter(agency=stp).exclude(username__in=actors).order_by("pk").first()
    assert reader is not None
    DigestSubscription.objects.create(user=reader, enabled=True, kinds=["new_assignment"])
    person = User.objects.get(username=_actors()["officer"])
    assert person.email  # the demo's officials have addresses: in the directory
    return {
        "mailbox": mailbox.pk,
        "incoming_mail": mail.pk,
        "email_recipient": recipient.pk,
        "intake_rule": rule.pk,
        "digest_token": digest.opt_out_token(reader),
        "directory_person": person.pk,
    }
