"""Secondary indexes of the big tables dropped before a large load and built again after it
(PostgreSQL only).

Keeping a GIN index over the search vectors and a dozen btrees up to date row by row costs more
than building them once over the finished tables (a sort per index, PostgreSQL's parallel index
build, `maintenance_work_mem` raised for the session). Only indexes that enforce nothing are
dropped: primary keys, unique indexes (also the partial ones of `UniqueConstraint(condition=…)`)
and every constraint stay, so the data is checked while it is written.

Each dropped index's definition is read from the database (`pg_indexes.indexdef`: exactly what
the migrations created) and recorded in the table `demo_generator_deferred_index` in the same
transaction as the `DROP INDEX`. `restore()` builds every recorded index again from that text and
removes its row once it is built; the generator calls it at the end of a run, also when the run
fails or is interrupted, and at the start of the next run; `lienthong generate_province
--restore-indexes` calls it by hand (after a `kill -9`, for instance)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

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


def pending() -> list[tuple[str, str, str]]:
    """The indexes dropped and not built again yet (none on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [STATE_TABLE])
        if not cursor.fetchone()[0]:
            return []
        cursor.execute(
            f"SELECT name, tablename, definition FROM {STATE_TABLE} ORDER BY tablename, name"  # noqa: S608
        )
        return list(cursor.fetchall())


def defer() -> list[str]:
    """Drop the droppable indexes, their definitions recorded first; their names."""
    assert connection.vendor == "postgresql"
    with transaction.atomic():
        _ensure_state_table()
        dropped = droppable()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in restore()
            for name, table, definition in dropped:
                cursor.execute(
                    f"INSERT INTO {STATE_TABLE} (name, tablename, definition) "  # noqa: S608
                    "VALUES (%s, %s, %s)",
                    [name, table, definition],
                )
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return [name for name, _, _ in dropped]


def restore(progress: Callable[[str, int], Callable[[int], None]] | None = None) -> list[str]:
    """Build every recorded index again, from its recorded definition; their names. Each index
    is committed on its own (an interruption leaves the rest recorded, for the next call)."""
    todo = pending()
    if not todo:
        return []
    advance = progress("indexes", len(todo)) if progress else None
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
