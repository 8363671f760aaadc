"""Index-backed substring search over the folded text of procedures.

SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers; it answers
``LIKE '%term%'`` from its index. PostgreSQL: pg_trgm GIN indexes on the folded columns.
The text is folded to ASCII in Python before it is stored, so neither the database's
collation nor its LC_CTYPE matters.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE procedures_fts USING fts5("
    "search_text, content='procedures_procedure', content_rowid='id', tokenize='trigram')",
    "INSERT INTO procedures_fts(rowid, search_text) SELECT id, search_text FROM procedures_procedure",
    "CREATE TRIGGER procedures_fts_ai AFTER INSERT ON procedures_procedure BEGIN "
    "INSERT INTO procedures_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER procedures_fts_ad AFTER DELETE ON procedures_procedure BEGIN "
    "INSERT INTO procedures_fts(procedures_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER procedures_fts_au AFTER UPDATE OF search_text ON procedures_procedure BEGIN "
    "INSERT INTO procedures_fts(procedures_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO procedures_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS procedures_fts_au",
    "DROP TRIGGER IF EXISTS procedures_fts_ad",
    "DROP TRIGGER IF EXISTS procedures_fts_ai",
    "DROP TABLE IF EXISTS procedures_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS procedures_search_text_trgm "
    "ON procedures_procedure USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS procedures_search_name_trgm "
    "ON procedures_procedure USING gin (search_name gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS procedures_search_name_trgm",
    "DROP INDEX IF EXISTS procedures_search_text_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
