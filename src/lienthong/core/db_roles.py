"""PostgreSQL: the application's role may not own the audit log (an owner can drop its
triggers). Migrations run as the owner (LIENTHONG_MIGRATE_DATABASE_URL); afterwards the owner
grants the application's role what it needs: every table read and written, except the audit
log, which it may only read and append to. docs/operations.md."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "core_auditevent"


def app_role() -> str:
    return str(settings.DATABASES["default"].get("USER") or "")


def grant_statements(role: str) -> list[str]:
    quoted = '"' + role.replace('"', '""') + '"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {quoted}",
        f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {quoted}",
        # Tables of later migrations, created by the owner, are granted too.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}",
    ]


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    with connection.cursor() as cursor:
        for statement in grant_statements(role):
            cursor.execute(statement)


def owner_settings() -> dict[str, Any] | None:
    """The connection settings of the owner role, when LIENTHONG_MIGRATE_DATABASE_URL is set."""
    url = settings.LIENTHONG_MIGRATE_DATABASE_URL
    if not url:
        return None
    parsed = dj_database_url.parse(url)
    return {key: parsed.get(key, "") for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}


@contextmanager
def as_owner() -> Iterator[bool]:
    """The default connection as the owner role for the block (yields whether it switched)."""
    owner = owner_settings()
    connection = connections["default"]
    if owner is None:
        yield False
        return
    saved = {key: connection.settings_dict.get(key) for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield True
    finally:
        connection.close()
        connection.settings_dict.update(saved)
