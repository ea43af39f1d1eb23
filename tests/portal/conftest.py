from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from lienthong.demo.province import load_demo_province
from lienthong.portal.demo import load_demo_portal
from lienthong.portal.models import PortalHomePage


@pytest.fixture(scope="module")
def _portal_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[PortalHomePage]:
    """The demo province and its portal, built once per module inside a transaction rolled back
    at its end; each test runs in a savepoint inside it."""
    media = tmp_path_factory.mktemp("portal-media")
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo_province()
            home = load_demo_portal()
            assert home is not None
            yield home
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def portal(_portal_world: PortalHomePage, db: Any) -> PortalHomePage:
    return _portal_world
