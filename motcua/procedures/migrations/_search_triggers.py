"""Put back the SQLite search-index triggers after a migration rebuilt the procedures
table (SQLite drops a table's triggers with it), and rebuild the index from the rows."""

from __future__ import annotations

from typing import Any

TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS procedures_fts_ai AFTER INSERT ON procedures_procedure BEGIN "
    "INSERT INTO procedures_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS procedures_fts_ad AFTER DELETE ON procedures_procedure BEGIN "
    "INSERT INTO procedures_fts(procedures_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS procedures_fts_au AFTER UPDATE OF search_text "
    "ON procedures_procedure BEGIN "
    "INSERT INTO procedures_fts(procedures_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO procedures_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO procedures_fts(procedures_fts) VALUES ('rebuild')",
]


def restore(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in TRIGGERS:
        schema_editor.execute(statement)
