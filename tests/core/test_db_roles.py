"""PostgreSQL: the application's role, granted by `grant_app_role`, reads and appends to the
audit log but can neither delete from it, rewrite it, truncate it, nor drop its triggers (it
does not own the table); the rest of the platform's tables stay writable."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lienthong.core.audit import record_event, verify_chain
from lienthong.core.models import AuditEvent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's (SQLite has none)"
)


@pytest.fixture
def app_role(db) -> str:
    """A login role like the production application's, created in the test's transaction."""
    role = f"lt_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("grant_app_role", role=role)
    return role


def _as(role: str, sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql)


def test_the_application_role_only_reads_and_appends_to_the_audit_log(app_role) -> None:
    record_event(action="test.event", data={"n": 1})
    attacks = [
        "DELETE FROM core_auditevent",
        "UPDATE core_auditevent SET action = 'forged'",
        "TRUNCATE core_auditevent",
        "DROP TRIGGER core_auditevent_append_only ON core_auditevent",
        "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
    ]
    for sql in attacks:
        with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
            _as(app_role, sql)
    # Appending (what record_event does) and everyday writes elsewhere are allowed.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        record_event(action="test.as_application", data={"n": 2})
        cursor.execute("UPDATE core_calendaroverride SET reason = reason")
        cursor.execute("SELECT COUNT(*) FROM core_auditevent")
        assert cursor.fetchone()[0] == 2
    assert AuditEvent.objects.count() == 2 and verify_chain().ok
