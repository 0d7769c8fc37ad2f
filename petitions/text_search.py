"""SQLite's indexes for the search's "contains" (docs/architecture.md "Search and deep pages").

PostgreSQL answers a search of three characters or more inside a case's number or title, or a person's
name or phone, from its pg_trgm indexes (migration 0014). SQLite answers it from FTS5 tables with the
trigram tokenizer: each is an external-content table over the model's own table, kept equal to it by
triggers on insert, on update of the indexed columns and on delete, so no code writes to it.

They are made after every ``migrate`` (``ensure``, on post_migrate) rather than by a migration: when a later
migration alters one of the two tables, SQLite's schema editor copies the table into a new one and drops the
old one with its triggers; ``ensure`` then puts the triggers back and rebuilds the index from the table.
The trigram tokenizer needs SQLite 3.34 or later (Debian 12 ships 3.40).
"""
from django.db import connections

TABLES = {
    # FTS table: (model table, indexed columns)
    "petition_text": ("petitions_petition", ("number", "title")),
    "person_text": ("office_person", ("name", "phone")),
}
TRIGGERS = ("insert", "delete", "update")


def _statements(fts, table, columns):
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new});"
    return {
        fts: f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', content_rowid='id', "
             "tokenize='trigram')",
        f"{fts}_insert": f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"{fts}_delete": f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"{fts}_update": f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN {delete} {insert} END",
    }


def ensure(using="default", **kwargs):
    """Create what is missing of the FTS tables and their triggers on an SQLite database, and rebuild an
    index that missed changes (a trigger was missing). Nothing on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for fts, (table, columns) in TABLES.items():
            if table not in present:
                continue  # not migrated this far yet
            missing = {name: sql for name, sql in _statements(fts, table, columns).items() if name not in present}
            for sql in missing.values():
                cursor.execute(sql)
            if missing:
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def contains(fts, columns, value):
    """SQL (with its parameter) of the ids of the rows whose ``columns`` contain ``value`` (three characters
    or more; case-insensitive, as ``icontains``), for ``pk__in=RawSQL(...)``."""
    phrase = '"' + value.replace('"', '""') + '"'
    return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", ["{" + " ".join(columns) + "} : " + phrase]
