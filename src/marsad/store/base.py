"""The ``Store`` interface: one schema and one behaviour over DuckDB and PostgreSQL.

Why a small base class rather than an ORM: writes must be bulk (Arrow scans into DuckDB, COPY into
PostgreSQL) and everything else is a handful of parameterised SQL statements that both dialects accept.
Subclasses provide only the connection primitives (execute, fetch, bulk insert, transaction); the base
class owns migrations, the dedup state rebuild, the per-batch aggregate updates and the read queries.
SQL is written with ``?`` placeholders; the PostgreSQL backend rewrites them for psycopg.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import numpy as np
import pyarrow as pa

from marsad.dedup.events import EventMerger, MergeKey
from marsad.dedup.stories import StoryIndex
from marsad.store.schema import BY_NAME, MIGRATIONS, SCHEMA_VERSION, TABLES, q

Columns = dict[str, list[Any]]  # a batch for one table: column name -> values (schema order)

# Recomputes the aggregates of every merged event that got a report in this batch (seq >= ?).
_EVENT_AGG = """
UPDATE events SET num_articles = s.na, num_sources = s.ns, num_mentions = s.nm, first_seen = s.fs,
                  outlets = s.outlets
FROM (SELECT r.event_id, count(DISTINCT r.article_id) AS na,
             count(DISTINCT coalesce(a.outlet, a.source)) AS ns, count(*) AS nm,
             min(coalesce(a.published, d.fetched)) AS fs,
             array_agg(DISTINCT coalesce(a.outlet, a.source) ORDER BY coalesce(a.outlet, a.source))
                 FILTER (WHERE coalesce(a.outlet, a.source) IS NOT NULL) AS outlets
      FROM event_reports r JOIN articles a ON a.id = r.article_id JOIN documents d ON d.id = a.doc_id
      WHERE r.event_id IN (SELECT event_id FROM event_reports WHERE seq >= ?)
      GROUP BY r.event_id) AS s
WHERE events.id = s.event_id
"""

_STORY_AGG = """
UPDATE stories SET num_articles = s.n, first_seen = s.fs
FROM (SELECT m.story_id, count(*) AS n, min(coalesce(a.published, d.fetched)) AS fs
      FROM story_members m JOIN articles a ON a.id = m.article_id JOIN documents d ON d.id = a.doc_id
      WHERE m.story_id IN (SELECT a2.story_id FROM article_signatures g
                           JOIN articles a2 ON a2.id = g.article_id WHERE g.seq >= ?)
      GROUP BY m.story_id) AS s
WHERE stories.id = s.story_id
"""

# Order in which a batch is written: parents before children (no FKs, but readers see a tidy order).
WRITE_ORDER = ("documents", "articles", "article_signatures", "stories", "story_members", "mentions",
               "events", "event_participants", "event_reports", "evidence")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def key_to_text(key: MergeKey) -> str:
    """A MergeKey as stable JSON, so the merger can be restored from the events table."""
    return json.dumps([key.type, sorted(key.actors), sorted(key.recipients)], ensure_ascii=False)


def key_from_text(text: str) -> MergeKey:
    kind, actors, recipients = json.loads(text)
    return MergeKey(kind, frozenset(actors), frozenset(recipients))


class DedupState:
    """Story index, event merger and sequence counters, rebuilt from the store so ingest is incremental."""

    def __init__(self) -> None:
        self.stories = StoryIndex()
        self.merger = EventMerger()
        self.event_ids: set[str] = set()
        self.story_ids: set[str] = set()
        self.report_seq = 0
        self.signature_seq = 0


class Store(ABC):
    """A marsad event store. Use ``open_store(url)``; close it (or use ``with``) when done."""

    dialect: str = ""

    def __init__(self, url: str) -> None:
        self.url = url
        self._depth = 0  # nesting of transaction()

    # -- backend primitives -------------------------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement (``?`` placeholders)."""

    @abstractmethod
    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query."""

    @abstractmethod
    def fetch_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a query as dicts keyed by column name."""

    @abstractmethod
    def insert_columns(self, table: str, columns: Columns) -> None:
        """Bulk-insert one batch of rows (columns in schema order) into ``table``."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit on success, roll back on error; nested calls join the outer transaction (migrations
        call helpers that open their own)."""
        depth = self._depth
        if depth:
            self._depth = depth + 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self._outer_transaction():
                yield
        finally:
            self._depth = 0

    @abstractmethod
    def _outer_transaction(self) -> AbstractContextManager[None]:
        """The backend's own transaction: commit on success, roll back on error."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def fetch_arrow(self, sql: str, params: Sequence[Any], schema: pa.Schema) -> pa.Table:
        """Query result as an Arrow table with ``schema`` (the same types from both backends)."""
        rows = self.fetchall(sql, params)
        cols = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
        return pa.table([pa.array(list(c), type=f.type) for c, f in zip(cols, schema, strict=True)],
                        schema=schema)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply the migrations this database lacks, each in its own transaction; returns the version."""
        with self.transaction():
            self.execute(f"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                         f"applied {'VARCHAR' if self.dialect == 'duckdb' else 'TEXT'})")
        current = self.fetchall("SELECT coalesce(max(version), 0) FROM schema_version")[0][0]
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for stmt in MIGRATIONS[version](self.dialect):
                    self.execute(stmt)
                self.execute("INSERT INTO schema_version VALUES (?, ?)", [version, now_iso()])
        if not self.fetchall("SELECT 1 FROM actors LIMIT 1"):
            self.load_actors()
        return SCHEMA_VERSION

    def version(self) -> int:
        return int(self.fetchall("SELECT max(version) FROM schema_version")[0][0])

    def load_actors(self) -> int:
        """(Re)fill ``actors`` from the knowledge base: people (current office), countries, organisations."""
        from marsad.store.rows import actor_rows

        cols = actor_rows()
        with self.transaction():
            self.execute("DELETE FROM actors")
            self.insert_columns("actors", cols)
        return len(cols["kb_id"])

    # -- writing --------------------------------------------------------------------------------------
    def write_batch(self, tables: dict[str, Columns], first_report_seq: int, first_signature_seq: int,
                    run_id: int | None, counts: dict[str, int]) -> None:
        """Insert one batch and refresh the aggregates it touches, all in one transaction."""
        with self.transaction():
            for name in WRITE_ORDER:
                cols = tables.get(name)
                if cols and next(iter(cols.values())):
                    self.insert_columns(name, cols)
            if tables.get("event_reports", {}).get("seq"):
                self.execute(_EVENT_AGG, [first_report_seq])
            if tables.get("article_signatures", {}).get("seq"):
                self.execute(_STORY_AGG, [first_signature_seq])
            if run_id is not None:
                self.execute("UPDATE ingest_runs SET documents = documents + ?, articles = articles + ?, "
                             "events = events + ?, errors = errors + ? WHERE id = ?",
                             [counts.get("documents", 0), counts.get("articles", 0), counts.get("events", 0),
                              counts.get("errors", 0), run_id])

    def existing(self, column: str, table: str, values: Sequence[str]) -> set[str]:
        """Which of ``values`` already occur in ``table.column`` (one query per call)."""
        if not values:
            return set()
        marks = ", ".join("?" for _ in values)
        sql = f"SELECT {q(column)} FROM {q(table)} WHERE {q(column)} IN ({marks})"
        rows = self.fetchall(sql, list(values))
        return {r[0] for r in rows}

    def begin_run(self) -> int:
        """Open an ingest_runs row; runs left 'running' by a killed process are marked 'interrupted'."""
        with self.transaction():
            self.execute("UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'")
            run_id = int(self.fetchall("SELECT coalesce(max(id), 0) + 1 FROM ingest_runs")[0][0])
            self.execute("INSERT INTO ingest_runs VALUES (?, ?, NULL, 0, 0, 0, 0, 'running')",
                         [run_id, now_iso()])
        return run_id

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        with self.transaction():
            self.execute("UPDATE ingest_runs SET finished = ?, status = ? WHERE id = ?",
                         [now_iso(), status, run_id])

    def dedup_state(self) -> DedupState:
        """Rebuild the story index and event merger from stored signatures and reports, in creation order."""
        state = DedupState()
        signatures = self.fetchall("SELECT article_id, signature FROM article_signatures ORDER BY seq")
        for article_id, sig in signatures:
            state.stories.add(article_id, np.frombuffer(bytes(sig), dtype=np.uint64))
        state.story_ids = {r[0] for r in self.fetchall("SELECT id FROM stories")}
        groups: dict[str, tuple[str, list[str | None]]] = {}
        for event_id, key, date in self.fetchall(
            "SELECT r.event_id, e.merge_key, r.date FROM event_reports r JOIN events e ON e.id = r.event_id "
            "ORDER BY r.seq"
        ):
            groups.setdefault(event_id, (key, []))[1].append(date)
        for event_id, (key, dates) in groups.items():  # dicts keep first-seen order = creation order
            state.merger.load(event_id, key_from_text(key), dates)
        state.event_ids = set(groups)
        state.report_seq = self._next("event_reports")
        state.signature_seq = self._next("article_signatures")
        return state

    def _next(self, table: str) -> int:
        return int(self.fetchall(f"SELECT coalesce(max(seq), -1) + 1 FROM {q(table)}")[0][0])

    # -- reading --------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        return {t.name: int(self.fetchall(f"SELECT count(*) FROM {q(t.name)}")[0][0]) for t in TABLES}

    def stats(self, top: int = 10) -> dict[str, Any]:
        """Counts per table, events per type, top dyads (actor code -> recipient code) and ingest runs."""
        types = self.fetchall("SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY n DESC, type")
        dyads = self.fetchall(
            "SELECT a.code, r.code, count(*) AS n FROM event_participants a JOIN event_participants r "
            "ON a.event_id = r.event_id AND a.role = 'actor' AND r.role = 'recipient' "
            "WHERE a.code IS NOT NULL AND r.code IS NOT NULL AND a.code <> r.code "
            "GROUP BY a.code, r.code ORDER BY n DESC, a.code, r.code LIMIT ?", [top])
        runs = self.fetch_dicts("SELECT * FROM ingest_runs ORDER BY id DESC LIMIT 5")
        return {
            "schema_version": self.version(),
            "tables": self.counts(),
            "events_by_type": {t: int(n) for t, n in types},
            "top_dyads": [{"actor": a, "recipient": r, "events": int(n)} for a, r, n in dyads],
            "runs": runs,
        }

    def query(self, filters: dict[str, Any] | None = None, limit: int = 50,
              offset: int = 0) -> list[dict[str, Any]]:
        """One page of merged events matching ``filters`` (see ``marsad.store.query``), newest first."""
        from marsad.store.query import EVENT_COLUMNS, where_clause

        where, params = where_clause(filters or {})
        rows = self.fetch_dicts(
            f"SELECT {EVENT_COLUMNS} FROM events e WHERE {where} ORDER BY e.date DESC NULLS LAST, e.id "
            f"LIMIT ? OFFSET ?", [*params, limit, offset])
        self._attach_evidence(rows)
        return rows

    def _attach_evidence(self, rows: list[dict[str, Any]]) -> None:
        """The first evidence sentence and the representative URL of each row (one query per page)."""
        if not rows:
            return
        marks = ", ".join("?" for _ in rows)
        found = self.fetchall(
            f"SELECT v.event_id, min(v.text) FROM evidence v WHERE v.event_id IN ({marks}) "
            "GROUP BY v.event_id",
            [r["id"] for r in rows])
        texts = dict(found)
        for r in rows:
            r["evidence"] = texts.get(r["id"])

    def timeline(self, filters: dict[str, Any] | None = None, period: int = 7) -> list[tuple[str, int]]:
        """Events per period (``period`` leading characters of the ISO date: 7 = month, 10 = day)."""
        from marsad.store.query import where_clause

        where, params = where_clause(filters or {})
        rows = self.fetchall(
            f"SELECT substr(e.date, 1, {int(period)}) AS p, count(*) FROM events e WHERE {where} "
            f"AND e.date IS NOT NULL GROUP BY p ORDER BY p", params)
        return [(p, int(n)) for p, n in rows]

    def iter_table(self, name: str) -> Iterator[dict[str, Any]]:
        """Every row of a table as dicts (tests and small exports)."""
        cols = ", ".join(q(c) for c in BY_NAME[name].names)
        yield from self.fetch_dicts(f"SELECT {cols} FROM {q(name)}")
