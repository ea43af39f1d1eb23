"""The full-text index of documents: an FTS5 table on SQLite, a GIN index over the folded text
on PostgreSQL (matched with the `simple` configuration; folding is done in Python)."""

from django.db import migrations

FORWARD = {
    "sqlite": [
        "CREATE VIRTUAL TABLE documents_search_fts USING fts5("
        "folded, tokenize='unicode61 remove_diacritics 2')",
    ],
    "postgresql": [
        "CREATE INDEX documents_searchentry_fts ON documents_searchentry "
        "USING gin (to_tsvector('simple', folded))",
    ],
}
REVERSE = {
    "sqlite": ["DROP TABLE IF EXISTS documents_search_fts"],
    "postgresql": ["DROP INDEX IF EXISTS documents_searchentry_fts"],
}


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_load_document_types")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
