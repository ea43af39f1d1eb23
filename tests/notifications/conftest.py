"""Fixtures of the notifications tests. `smtp_server` is a real SMTP server (aiosmtpd) on
127.0.0.1 for any test that checks e-mail the way production sends it: through Django's SMTP
backend, over a socket. Use it as

    def test_something(smtp_server, run_tasks):
        ...
        run_tasks()
        [mail] = smtp_server.messages
        assert mail.subject == "..." and mail.to == ["someone@example.vn"]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from lienthong.accounts.constants import Role
from lienthong.accounts.models import User
from tests.conftest import free_port


@dataclass
class ReceivedMail:
    mail_from: str
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # Decoded from RFC 2047. The header is folded right after "Subject:", which Python's
        # parser (unlike mail clients) keeps as a leading space.
        return str(self.message["Subject"]).strip()

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    def __getitem__(self, header: str) -> str | None:
        value = self.message[header]
        return None if value is None else str(value)


@dataclass
class SMTPServer:
    """What the server received, in order; `refuse_next(n, reply)` answers the next `n` mails
    with an error reply (e.g. "451 4.3.0 Try again later") instead of accepting them."""

    host: str
    port: int
    messages: list[ReceivedMail] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    def refuse_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        self.refusals.extend([reply] * count)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusals:
            return self.refusals.pop(0)
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    server = SMTPServer(host="127.0.0.1", port=free_port())
    aiosmtpd_log = logging.getLogger("mail.log")  # every SMTP command at INFO: too chatty
    level = aiosmtpd_log.level
    aiosmtpd_log.setLevel(logging.WARNING)
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.LIENTHONG_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Liên thông Cà Mau <no-reply@lienthong.camau.gov.vn>"
    settings.LIENTHONG_SITE_URL = "https://lienthong.camau.gov.vn"
    try:
        yield server
    finally:
        controller.stop()
        aiosmtpd_log.setLevel(level)


@pytest.fixture(autouse=True)
def _email_on(settings: Any) -> None:
    """These tests are about e-mail: on, whatever the deployment default."""
    settings.LIENTHONG_EMAIL_ENABLED = True


def _with_email(user: User, address: str) -> User:
    User.objects.filter(pk=user.pk).update(email=address)
    user.refresh_from_db()
    return user


@pytest.fixture
def officer(two_agencies: Any, user_factory: Callable[..., User]) -> User:
    """A specialist of Sở Tư pháp with an e-mail address."""
    return _with_email(
        user_factory(two_agencies[0], [Role.SPECIALIST], username="chuyenvien.stp"),
        "chuyenvien.stp@camau.gov.vn",
    )


@pytest.fixture
def leader(two_agencies: Any, user_factory: Callable[..., User]) -> User:
    """The leader of Sở Tư pháp who assigns work."""
    return _with_email(
        user_factory(two_agencies[0], [Role.AGENCY_LEADER], username="lanhdao.stp"),
        "lanhdao.stp@camau.gov.vn",
    )


@pytest.fixture
def outsider(two_agencies: Any, user_factory: Callable[..., User]) -> User:
    """A specialist of another agency (Sở Nội vụ)."""
    return _with_email(
        user_factory(two_agencies[1], [Role.SPECIALIST], username="chuyenvien.snv"),
        "chuyenvien.snv@camau.gov.vn",
    )
