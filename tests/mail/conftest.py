"""Fixtures of the mail tests: a real Dovecot IMAP server for the session (tests/mail/dovecot.py)
and, per test, a fresh account on it, so tests never see each other's mail."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.mail.models import Mailbox, Security
from tests.mail import corpus
from tests.mail.dovecot import Dovecot

_accounts = itertools.count(1)
ACCOUNTS = 40  # one fresh account per use; the session's tests use about a dozen


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Dovecot for the whole session. It must start: the mail tests fail without it."""
    root = Path(tempfile.mkdtemp(prefix="lienthong-dovecot-"))
    server = Dovecot(root)
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
        mailbox = Mailbox.objects.create(
            agency=agency,
            address=f"{account.user}@{agency.pk}.camau.gov.vn",
            host=account.server.host,
            port=account.server.port,
            security=Security.NONE,
            username=account.user,
            secret=account.password,
            **fields,
        )
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
