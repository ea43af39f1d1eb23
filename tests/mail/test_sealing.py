"""Mailbox passwords sealed at rest under the key-encryption key: never in clear in the row,
re-sealed after a key rotation, and a password no key opens reported on the mailbox."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from lienthong.core import sealing
from lienthong.mail import services
from lienthong.mail.models import Mailbox, Security


def _mailbox(agency, dovecot) -> Mailbox:
    mailbox = Mailbox(
        agency=agency,
        address="vanthu@stttt.camau.gov.vn",
        host=dovecot.host,
        port=dovecot.port,
        security=Security.NONE,
        username="vanthu1",
    )
    mailbox.set_secret("mật-khẩu-hộp-thư")
    mailbox.save()
    return mailbox


def test_a_rotation_reseals_the_passwords_and_a_lost_key_is_reported(
    agency, settings, dovecot
) -> None:
    old = settings.LIENTHONG_KEY_ENCRYPTION_KEYS[0]
    mailbox = _mailbox(agency, dovecot)
    stored = bytes(Mailbox.objects.get(pk=mailbox.pk).sealed_secret)
    assert (
        "mật-khẩu".encode() not in stored and sealing.unseal(stored) == "mật-khẩu-hộp-thư".encode()
    )

    new = Fernet.generate_key().decode()
    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("reseal_mailbox_passwords", stdout=out)
    assert "Re-sealed 1 mailbox password" in out.getvalue()
    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [new]  # the old key dropped
    mailbox.refresh_from_db()
    assert mailbox.secret() == "mật-khẩu-hộp-thư"

    # a lost key: the server answers, the password cannot be opened to log in
    settings.LIENTHONG_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(sealing.SealBroken):
        services.poll_mailbox(mailbox=mailbox, timeout=1)
    mailbox.refresh_from_db()
    assert mailbox.failures == 1
    assert "nhập lại mật khẩu" in mailbox.last_error  # the message, in Vietnamese
