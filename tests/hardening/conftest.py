"""Shared pieces of the hardening suite: the figures it prints at the end of the run (printed by
tests/conftest.py, which adds up those of every pytest-xdist worker)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from .world import World, build_world

FIGURES: Counter[str] = Counter()

ORDER = [
    "matrix cells",
    "requests fuzzed",
    "hostile inputs tried",
    "faults injected",
    "acknowledged writes checked",
    "writes lost",
]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist each worker counts its own figures: hand them to the controller, which
    adds them up and prints them (tests/conftest.py, `pytest_terminal_summary`)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["hardening_figures"] = dict(FIGURES)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint inside it. Two-factor sign-in is on, as in production."""
    media = tmp_path_factory.mktemp("matrix-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(
            MEDIA_ROOT=str(media),
            PASSWORD_HASHERS=fast,
            LIENTHONG_2FA_REQUIRED_ROLES=settings.LIENTHONG_2FA_DEFAULT_ROLES,
        ),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
