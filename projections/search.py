"""Search as a clerk types it: without diacritics, in any case, through an
index made for it.

Every searchable row keeps its text folded (``fold``: lower case, no
diacritics, "đ" as "d") in a column of its own; the database indexes that
column by trigrams, so that any part of a name or code of three characters
or more is found without reading every row:

- SQLite: an FTS5 table with the trigram tokenizer over the column
  (external content: it holds only the index), kept by triggers on the
  table; a rebuild that swaps the table in refills it (``refill``);
- PostgreSQL: a GIN index with ``pg_trgm``'s trigram operators on the column,
  which serves ``LIKE '%…%'``.

A search shorter than three characters has no trigram to look up: it is
compared with the folded column row by row, which is what it costs."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, literal_column, text

SHORTEST_INDEXED = 3  # a trigram


def _stripped(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char.replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folding_table() -> dict[int, str | None]:
    """Each lower-case Latin letter with marks → its letters without them
    (Vietnamese lies in these ranges), each combining mark → nothing."""
    out: dict[int, str | None] = {}
    for first, last in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for point in range(first, last + 1):
            char = chr(point)
            if char == char.casefold() and (plain := _stripped(char)) != char:
                out[point] = plain
    for point in range(0x0300, 0x0370):
        out[point] = None
    return out


_FOLD = _folding_table()


def fold(value: str) -> str:
    """Lower case without diacritics: what a search compares ("Vũ Văn An"
    → "vu van an"). A table lookup for Latin letters (a rebuild folds every
    applicant); any other script through Unicode's decomposition."""
    folded = value.casefold().translate(_FOLD)
    if folded.isascii():
        return folded
    return _stripped(value.casefold())


def searched(value: str) -> str:
    """What a search box's text looks for: folded, spaces collapsed."""
    return " ".join(fold(value).split())


# -- the index, per database ---------------------------------------------------------

def fts_name(table: str) -> str:
    return f"{table}_search"


def sqlite_schema(table: str, column: str) -> list[str]:
    """The FTS5 table over ``table.column`` and the triggers that keep it."""
    fts = fts_name(table)
    insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.rowid, new.{column});"
    delete = (f"INSERT INTO {fts}({fts}, rowid, {column}) "
              f"VALUES ('delete', old.rowid, old.{column});")
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
        "content_rowid='rowid', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def postgres_schema(conn: Any, table: str, column: str) -> None:
    """``pg_trgm`` (a trusted extension: the database's owner may create it)
    and the GIN index, its operator class named with the extension's schema
    so that it is found whatever the search path."""
    # In ``public`` where there is one: an extension lives in one schema, and
    # dropping that schema would take every commune's search index with it.
    public = conn.exec_driver_sql("SELECT to_regnamespace('public') IS NOT NULL").scalar()
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm"
                         + (" SCHEMA public" if public else ""))
    schema = conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'pg_trgm'").scalar_one()
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(
        f"CREATE INDEX {quote(f'ix_{table}_{column}')} ON {quote(table)} "
        f"USING gin ({quote(column)} {quote(schema)}.gin_trgm_ops)")


def refill(conn: Connection, table: str) -> None:
    """After a table is swapped in under its name on SQLite: its FTS index
    still holds the old table's rows; read it again from the new one."""
    if conn.dialect.name == "sqlite":
        fts = fts_name(table)
        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def matches(conn: Connection, table: Table, column: str, wanted: str
            ) -> ColumnElement[bool]:
    """Rows of ``table`` whose folded ``column`` holds ``wanted`` (already
    ``searched``), through the trigram index where it can serve."""
    if conn.dialect.name == "sqlite" and len(wanted) >= SHORTEST_INDEXED:
        fts = fts_name(table.name)
        phrase = '"' + wanted.replace('"', '""') + '"'
        found = text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :phrase"
                     ).bindparams(phrase=phrase)
        return literal_column(f"{table.name}.rowid").in_(found)
    pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return table.c[column].like(pattern, escape="\\")
