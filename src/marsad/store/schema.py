"""The store schema, declared once and rendered for DuckDB and PostgreSQL, plus its migrations.

Why declare columns as data: both backends must have the same tables and column order (the table
names and columns are a contract, see README.md), the bulk writers build Arrow tables from the same
declaration, and a migration is just "the DDL for version N". Types are logical (``text``, ``int`` ...)
and mapped per dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pyarrow as pa

# logical type -> (DuckDB, PostgreSQL, Arrow)
TYPES: dict[str, tuple[str, str, pa.DataType]] = {
    "text": ("VARCHAR", "TEXT", pa.string()),
    "int": ("INTEGER", "INTEGER", pa.int32()),
    "bigint": ("BIGINT", "BIGINT", pa.int64()),
    "float": ("DOUBLE", "DOUBLE PRECISION", pa.float64()),
    "bool": ("BOOLEAN", "BOOLEAN", pa.bool_()),
    "texts": ("VARCHAR[]", "TEXT[]", pa.list_(pa.string())),
    "blob": ("BLOB", "BYTEA", pa.binary()),
}


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    primary_key: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = field(default=())  # PostgreSQL only: DuckDB scans columnar

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(c, TYPES[t][2]) for c, t in self.columns])


def _cols(spec: str) -> tuple[tuple[str, str], ...]:
    """``"id text, line int"`` -> ((id, text), (line, int)): keeps the table list below readable."""
    return tuple((p.split()[0], p.split()[1]) for p in (s.strip() for s in spec.split(",")) if p)


TABLES: tuple[Table, ...] = (
    Table("schema_version", _cols("version int, applied text"), ("version",)),
    Table("ingest_runs", _cols("id bigint, started text, finished text, documents bigint, articles bigint, "
                               "events bigint, errors bigint, status text"), ("id",)),
    Table("documents", _cols("id text, source text, line int, content_hash text, fetched text, format text, "
                             "title text, published text, outlet text, url text"),
          ("id",), ("content_hash",)),
    Table("articles", _cols("id text, doc_id text, idx int, kind text, title text, published text, "
                            "outlet text, source text, url text, breaking bool, text text, span_start int, "
                            "span_end int, story_id text"), ("id",),
          indexes=(("doc_id",), ("story_id",), ("published",))),
    Table("article_signatures", _cols("seq bigint, article_id text, signature blob"), ("article_id",)),
    Table("mentions", _cols("article_id text, start int, end int, text text, kb_id text, name text, "
                            "code text, sector text, role text, kind text"),
          indexes=(("article_id",), ("kb_id",))),
    Table("actors", _cols("kb_id text, name text, code text, sector text, kind text"), ("kb_id",)),
    Table("events", _cols("id text, type text, mode text, context texts, cameo text, goldstein float, "
                          "quad int, date text, date_precision text, historical bool, actor_codes texts, "
                          "recipient_codes texts, actor_names texts, recipient_names texts, "
                          "location_name text, location_country text, lat float, lon float, "
                          "num_articles int, num_sources int, num_mentions int, first_seen text, "
                          "outlets texts, confidence float, merge_key text"), ("id",),
          indexes=(("type",), ("date",), ("quad",))),
    Table("event_participants", _cols("event_id text, role text, kb_id text, name text, code text, "
                                      "sector text, idx int"),
          indexes=(("event_id",), ("code", "role"), ("kb_id",))),
    Table("event_reports", _cols("seq bigint, event_id text, article_event_id text, article_id text, "
                                 "date text, attribution text"), ("article_event_id",),
          indexes=(("event_id",), ("article_id",))),
    Table("evidence", _cols("event_id text, article_id text, article_event_id text, text text, "
                            "start int, end int"), indexes=(("event_id",),)),
    Table("stories", _cols("id text, title text, first_seen text, num_articles int"), ("id",)),
    Table("story_members", _cols("story_id text, article_id text"), ("article_id",),
          indexes=(("story_id",),)),
)

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def q(name: str) -> str:
    """Quote an identifier: columns such as ``end`` and ``text`` are keywords in one dialect or another."""
    return '"' + name.replace('"', '""') + '"'


def _sql_type(logical: str, dialect: str) -> str:
    return TYPES[logical][0 if dialect == "duckdb" else 1]


def create_sql(table: Table, dialect: str) -> list[str]:
    """CREATE TABLE (and, for PostgreSQL, CREATE INDEX) statements for one table."""
    parts = [f"{q(c)} {_sql_type(t, dialect)}" for c, t in table.columns]
    if table.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(q(c) for c in table.primary_key)})")
    if table.unique:
        parts.append(f"UNIQUE ({', '.join(q(c) for c in table.unique)})")
    out = [f"CREATE TABLE IF NOT EXISTS {q(table.name)} ({', '.join(parts)})"]
    if dialect == "postgres":
        for cols in table.indexes:
            name = f"ix_{table.name}_{'_'.join(cols)}"
            listed = ", ".join(q(c) for c in cols)
            out.append(f"CREATE INDEX IF NOT EXISTS {name} ON {q(table.name)} ({listed})")
    return out


# Columns added after version 1, by the version that added them. ``TABLES`` declares today's layout, with
# these last in their tables; version 1 creates it without them and each later version adds its own, so a
# new store and an upgraded one end up with the same columns in the same order.
ADDED_COLUMNS: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("event_reports", "attribution"),),  # the source a report attributes its event to ("الكرملين")
}


def _v1(dialect: str) -> list[str]:
    later = {added for columns in ADDED_COLUMNS.values() for added in columns}
    tables = [replace(t, columns=tuple(c for c in t.columns if (t.name, c[0]) not in later)) for t in TABLES]
    return [s for t in tables for s in create_sql(t, dialect)]


def _adds(version: int) -> Callable[[str], list[str]]:
    def ddl(dialect: str) -> list[str]:
        out = []
        for table, column in ADDED_COLUMNS[version]:
            logical = dict(BY_NAME[table].columns)[column]
            out.append(f"ALTER TABLE {q(table)} ADD COLUMN {q(column)} {_sql_type(logical, dialect)}")
        return out

    return ddl


# version -> DDL for a dialect. A new column goes at the end of its table above and into ADDED_COLUMNS.
MIGRATIONS: dict[int, Callable[[str], list[str]]] = {1: _v1} | {v: _adds(v) for v in ADDED_COLUMNS}
SCHEMA_VERSION = max(MIGRATIONS)
