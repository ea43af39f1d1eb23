"""Fixtures of the mail tests: a real Dovecot IMAP server for the session (tests/mail/dovecot.py)
and, per test, a fresh account on it, so tests never see each other's mail."""

from __future__ import annotations

import contextlib
import itertools
import shutil
import ssl
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.core import sealing
from lienthong.mail.models import Mailbox, Security
from tests.conftest import free_port
from tests.mail import corpus, tlscerts
from tests.mail.dovecot import Dovecot
from tests.notifications.conftest import SMTPServer

_accounts = itertools.count(1)
ACCOUNTS = 40  # one fresh account per use; the session's tests use about a dozen


@pytest.fixture(scope="session")
def server_certificate() -> Iterator[tlscerts.ServerCertificate]:
    """A test authority and the certificate it issued to 127.0.0.1 (Dovecot's and the SMTP
    server's); clients trust it only when given the authority's file."""
    root = Path(tempfile.mkdtemp(prefix="lienthong-tls-"))
    root.chmod(0o755)
    try:
        yield tlscerts.make(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot(server_certificate: tlscerts.ServerCertificate) -> Iterator[Dovecot]:
    """Dovecot for the whole session, with STARTTLS and IMAPS under the test authority's
    certificate. It must start: the mail tests fail without it."""
    root = Path(tempfile.mkdtemp(prefix="lienthong-dovecot-"))
    server = Dovecot(root, certificate=server_certificate)
    # The accounts exist before the start: Dovecot re-reads its passwd-file at most once a
    # second, so an account added just after a login could be unknown for a moment.
    for n in range(1, ACCOUNTS + 1):
        server.add_user(f"vanthu{n}", f"matkhau-vanthu{n}")
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class ImapAccount:
    server: Dovecot
    user: str
    password: str

    def deliver(self, raw: bytes | Any) -> None:
        self.server.deliver(self.user, raw if isinstance(raw, bytes) else raw.as_bytes())


@pytest.fixture
def imap_account(dovecot: Dovecot) -> Callable[[], ImapAccount]:
    def make() -> ImapAccount:
        n = next(_accounts)
        assert n <= ACCOUNTS, "raise ACCOUNTS in tests/mail/conftest.py"
        return ImapAccount(dovecot, f"vanthu{n}", f"matkhau-vanthu{n}")

    return make


@pytest.fixture
def mailbox_for(imap_account: Callable[[], ImapAccount]) -> Callable[..., tuple[Mailbox, Any]]:
    def make(agency: Agency, **fields: Any) -> tuple[Mailbox, ImapAccount]:
        account = imap_account()
        values: dict[str, Any] = {
            "address": f"{account.user}@{agency.pk}.camau.gov.vn",
            "host": account.server.host,
            "port": account.server.port,
            "security": Security.NONE,
            "username": account.user,
            "sealed_secret": sealing.seal(account.password.encode()),
        }
        mailbox = Mailbox.objects.create(agency=agency, **(values | fields))
        return mailbox, account

    return make


@pytest.fixture(scope="session")
def big_message() -> bytes:
    """The 30 MB message, built once per session."""
    return corpus.big_attachment()


@pytest.fixture
def agency(agency_factory: Callable[..., Agency]) -> Agency:
    return agency_factory(
        "Sở Thông tin và Truyền thông", "STTTT", email="vanthu@stttt.camau.gov.vn"
    )


@pytest.fixture
def clerk(agency: Agency, user_factory: Callable[..., User]) -> User:
    return user_factory(agency, [Role.CLERK], username="vanthu")


@contextlib.contextmanager
def _tls_smtp(
    settings: Any, certificate: tlscerts.ServerCertificate, mode: str
) -> Iterator[SMTPServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.cert_file, certificate.key_file)
    server = SMTPServer(host="127.0.0.1", port=free_port())
    if mode == "smtps":
        controller = Controller(server, hostname=server.host, port=server.port, ssl_context=context)
    else:
        controller = Controller(
            server,
            hostname=server.host,
            port=server.port,
            tls_context=context,
            require_starttls=True,
        )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = mode == "starttls"
    settings.EMAIL_USE_SSL = mode == "smtps"
    settings.EMAIL_TIMEOUT = 5
    settings.LIENTHONG_EMAIL_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "Liên thông Cà Mau <no-reply@lienthong.camau.gov.vn>"
    settings.LIENTHONG_SITE_URL = "https://lienthong.camau.gov.vn"
    settings.LIENTHONG_MAIL_TLS_CA_FILE = str(certificate.ca_file)
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture(params=["starttls", "smtps"])
def tls_smtp_server(
    request: pytest.FixtureRequest,
    settings: Any,
    server_certificate: tlscerts.ServerCertificate,
) -> Iterator[SMTPServer]:
    """The tests' real SMTP server (aiosmtpd, tests/notifications/conftest.py) speaking TLS under
    the test authority's certificate: STARTTLS (required before MAIL), then SMTPS (TLS from the
    first byte). Django's SMTP settings point at it and the platform trusts the authority
    (LIENTHONG_MAIL_TLS_CA_FILE)."""
    with _tls_smtp(settings, server_certificate, request.param) as server:
        yield server


@pytest.fixture
def starttls_smtp_server(
    settings: Any, server_certificate: tlscerts.ServerCertificate
) -> Iterator[SMTPServer]:
    """The same, STARTTLS only (port 587's way), for the tests of what is sent."""
    with _tls_smtp(settings, server_certificate, "starttls") as server:
        yield server
