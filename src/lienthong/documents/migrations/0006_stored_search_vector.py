"""PostgreSQL: the search vector stored in its own generated column, with the GIN index on it,
instead of an index on the expression `to_tsvector('simple', folded)`. A search that walks the
newest documents (the usual plan for frequent words: ORDER BY id DESC LIMIT) then reads the
stored vector of each row instead of computing it again (about 0.1 ms a row). SQLite keeps its
FTS5 table."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE documents_searchentry ADD COLUMN folded_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', folded)) STORED",
    "CREATE INDEX documents_searchentry_vector ON documents_searchentry USING gin (folded_vector)",
    "DROP INDEX IF EXISTS documents_searchentry_fts",
]
REVERSE = [
    "CREATE INDEX documents_searchentry_fts ON documents_searchentry "
    "USING gin (to_tsvector('simple', folded))",
    "DROP INDEX IF EXISTS documents_searchentry_vector",
    "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS folded_vector",
]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_faster_numbering_and_duplicate_lookups")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
