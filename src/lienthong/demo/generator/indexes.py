"""What a large load sets aside on the big tables and puts back after it (PostgreSQL only):
their secondary indexes, their foreign keys and their autovacuum.

- Keeping a GIN index over the search vectors and a dozen btrees up to date row by row costs more
  than building them once over the finished tables (a sort per index, PostgreSQL's parallel index
  build, `maintenance_work_mem` raised for the session). Only indexes that enforce nothing are
  dropped: primary keys and unique indexes (also the partial ones of
  `UniqueConstraint(condition=…)`) stay, so duplicates are refused while the rows are written.
- A foreign key checks every row with a query of its own (a third of PostgreSQL's time in the
  load); added back with `ALTER TABLE … ADD CONSTRAINT`, it checks all the rows in one join
  (five seconds for the 59 of them at a million documents). A row pointing nowhere fails the run
  at the end, and its constraint stays recorded until the data is mended.
- Autovacuum would vacuum and analyse each big table several times while it grows, on the cores
  the load needs; the generator runs `ANALYZE` at the end, and autovacuum, back on, vacuums the
  tables once (or `VACUUM` by hand before measuring anything).

Each statement that puts a thing back is read from the database (`pg_indexes.indexdef`,
`pg_get_constraintdef`: exactly what the migrations created) and recorded in the table
`demo_generator_deferred_index` in the same transaction as the change it undoes. `restore()`
runs every recorded statement (indexes first, then foreign keys, then autovacuum) and removes
its row in the same transaction; the generator calls it at the end of a run, also when the run
fails or is interrupted, and at the start of the next run; `lienthong generate_province
--restore-indexes` calls it by hand (after a `kill -9`, for instance)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

STATE_TABLE = "demo_generator_deferred_index"
# The tables the generator fills by the million.
BIG_TABLES = (
    "documents_document",
    "documents_searchentry",
    "documents_numberallocation",
    "documents_attachment",
    "documents_attachmentversion",
    "workflows_assignment",
    "workflows_processingentry",
    "records_casefileitem",
    "onestop_dossier",
    "onestop_dossierstep",
    "onestop_handover",
    "onestop_dossiercomponent",
    "onestop_supplementrequest",
)
MAINTENANCE_WORK_MEM = "1GB"
# The order the recorded statements are run in: indexes, then foreign keys (their checks read
# the finished tables), then autovacuum.
_RESTORE_ORDER = (
    "CASE WHEN definition LIKE 'CREATE %' THEN 0 "
    "WHEN definition LIKE '% FOREIGN KEY %' THEN 1 ELSE 2 END"
)


def _ensure_state_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} ("
            "name text PRIMARY KEY, tablename text NOT NULL, definition text NOT NULL)"
        )


def droppable() -> list[tuple[str, str, str]]:
    """(name, table, definition) of the big tables' indexes that enforce nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.tablename, i.indexdef
            FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
            JOIN pg_index x ON x.indexrelid = c.oid
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT x.indisunique AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            ORDER BY i.tablename, i.indexname
            """,
            [list(BIG_TABLES)],
        )
        return [(name, table, definition) for name, table, definition in cursor.fetchall()]


def foreign_keys() -> list[tuple[str, str, str]]:
    """(name, table, the `ALTER TABLE … ADD CONSTRAINT` that makes it) of the big tables'
    foreign keys."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT k.conname, c.relname,
                   format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s',
                          c.relname, k.conname, pg_get_constraintdef(k.oid))
            FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            WHERE k.contype = 'f' AND c.relname = ANY(%s)
            ORDER BY c.relname, k.conname
            """,
            [list(BIG_TABLES)],
        )
        return [(name, table, definition) for name, table, definition in cursor.fetchall()]


def pending() -> list[tuple[str, str, str]]:
    """What was set aside and not put back yet: (name, table, the statement that puts it
    back); none on SQLite."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [STATE_TABLE])
        if not cursor.fetchone()[0]:
            return []
        cursor.execute(
            f"SELECT name, tablename, definition FROM {STATE_TABLE} "  # noqa: S608
            f"ORDER BY {_RESTORE_ORDER}, tablename, name"
        )
        return list(cursor.fetchall())


def defer() -> list[str]:
    """Set aside the droppable indexes, the foreign keys and autovacuum of the big tables, the
    statements that put them back recorded first; the names recorded."""
    assert connection.vendor == "postgresql"
    quote = connection.ops.quote_name
    with transaction.atomic():
        _ensure_state_table()
        recorded = []
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in restore()
            for name, table, definition in droppable():
                _record(cursor, name, table, definition)
                cursor.execute(f"DROP INDEX {quote(name)}")
                recorded.append(name)
            for name, table, definition in foreign_keys():
                _record(cursor, name, table, definition)
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                recorded.append(name)
            for table in BIG_TABLES:
                name = f"{table} autovacuum"
                reset = f"ALTER TABLE {quote(table)} RESET (autovacuum_enabled)"
                _record(cursor, name, table, reset)
                cursor.execute(f"ALTER TABLE {quote(table)} SET (autovacuum_enabled = off)")
                recorded.append(name)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return recorded


def _record(cursor: CursorWrapper, name: str, table: str, definition: str) -> None:
    cursor.execute(
        f"INSERT INTO {STATE_TABLE} (name, tablename, definition) VALUES (%s, %s, %s)",  # noqa: S608
        [name, table, definition],
    )


def restore(progress: Callable[[str, int], Callable[[int], None]] | None = None) -> list[str]:
    """Run every recorded statement again (indexes, foreign keys, autovacuum); the names put
    back. Each is committed on its own (an interruption leaves the rest recorded, for the next
    call)."""
    todo = pending()
    if not todo:
        return []
    advance = progress("put back", len(todo)) if progress else None
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
    built = []
    for number, (name, _table, definition) in enumerate(todo, start=1):
        with transaction.atomic(), connection.cursor() as cursor:
            # Rows written earlier in this transaction (a caller's) have their deferred
            # foreign-key checks pending, which an index build refuses: check them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE name = %s", [name])  # noqa: S608
        built.append(name)
        if advance:
            advance(number)
    with connection.cursor() as cursor:
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET max_parallel_maintenance_workers")
        cursor.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    return built
