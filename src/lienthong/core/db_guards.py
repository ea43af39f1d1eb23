"""Database triggers that make the audit log append-only (UPDATE, DELETE, TRUNCATE refused).

Installed by the migration `core.0002_audit_log_append_only`; `install` and `remove` are
idempotent so maintenance tools (backup restore, test-database flushes) can lift and restore
them explicitly."""

from django.db.backends.base.base import BaseDatabaseWrapper

_SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
]
_POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE
       ON core_auditevent FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change()""",
    """CREATE OR REPLACE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_change()""",
]
_POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse_change()",
]
_STATEMENTS = {
    "sqlite": (_SQLITE_INSTALL, _SQLITE_REMOVE),
    "postgresql": (_POSTGRES_INSTALL, _POSTGRES_REMOVE),
}


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_audit_guards(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _STATEMENTS.get(connection.vendor, ([], []))[0])


def remove_audit_guards(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _STATEMENTS.get(connection.vendor, ([], []))[1])
