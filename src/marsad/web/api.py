"""The marsad REST API: read-only JSON over the event store, for analysts, scripts and the dashboard.

Why it looks the way it does:

* **Read-only by default.** DuckDB is opened ``read_only`` (several servers may share a file that no
  writer holds); PostgreSQL sessions are set ``READ ONLY``. The one writing endpoint, ``POST /api/ingest``,
  exists only when a token is configured and then requires ``Authorization: Bearer <token>``.
* **One DuckDB cursor per request.** A DuckDB connection is not thread-safe and FastAPI runs sync
  handlers in a thread pool, so every request gets its own cursor (a cheap connection to the same
  database instance, so readers run in parallel and see committed data). PostgreSQL uses one connection
  behind a lock.
* **Bounded costs.** Page sizes (1..500), offsets, free-text length, export size and request bodies are
  capped; every value reaches SQL as a bound parameter; malformed values are 4xx with a message.
* **Untrusted text stays data.** Article text is returned as JSON strings only; every response carries a
  Content-Security-Policy, ``nosniff`` and ``no-referrer``.

The store's tables are documented in ``src/marsad/store/README.md``; ``/docs`` serves the OpenAPI UI.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import importlib.util
import json
import logging
import os
import queue
import re
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad import __version__
from marsad.events import ontology
from marsad.store import open_store, resolve_url
from marsad.store.base import Store
from marsad.store.query import where_clause
from marsad.store.schema import BY_NAME
from marsad.web.cache import DEFAULT_BUDGET_BYTES, ResponseCache

log = logging.getLogger("marsad.web")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 100_000  # deeper pages: narrow the filters instead (the sort cost grows with the offset)
MAX_Q = 200  # free-text length cap
MAX_EXPORT = 250_000  # events per export request
MAX_UPLOAD_BYTES = 20_000_000
MAX_TIMELINE_ROWS = 200_000
MAX_IDS_PER_POINT = 200

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'"
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
SWAGGER_CDN = "https://cdn.jsdelivr.net"

EVENT_COLUMNS = [c for c in BY_NAME["events"].names if c != "merge_key"]
_EVENT_SELECT = ", ".join(f'e."{c}"' for c in EVENT_COLUMNS)
SORTS = {
    "-date": "e.date DESC NULLS LAST, e.id",
    "date": "e.date ASC NULLS LAST, e.id",
    "-goldstein": "e.goldstein DESC NULLS LAST, e.id",
    "goldstein": "e.goldstein ASC NULLS LAST, e.id",
    "-num_sources": "e.num_sources DESC NULLS LAST, e.date DESC NULLS LAST, e.id",
    "-first_seen": "e.first_seen DESC NULLS LAST, e.id",
}
EXPORT_MEDIA = {"plover": ("application/x-ndjson", "jsonl"), "gdelt": ("text/tab-separated-values", "tsv"),
                "csv": ("text/csv", "csv")}
ALL_MODES = frozenset(m for t in ontology.TYPES for m in ontology.modes(t))

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?)?)?")
_ACTOR = re.compile(r"[A-Za-z0-9_:.\-]{1,120}")
_CODE = re.compile(r"[A-Za-z]{3}")


class StoreUnavailable(Exception):
    """The store cannot be opened (missing file, locked by a writer): the API answers 503."""


# -- the store, per request --------------------------------------------------------------------------


INDEX = "memory.main"  # where a read-only DuckDB store's in-memory search tables live (see below)

# Built once when a read-only DuckDB store is opened. Events are addressed by their rowid in the attached
# file, which cannot change while it is open read-only: an integer semi-join is several times cheaper than
# one on the text ids.
#  - event_facts: each event's first evidence sentence (shown on every /api/events row; ``evidence`` has
#    no index in DuckDB) and one lower-cased haystack of its evidence, participant names and place, which
#    a single substring scan answers instead of three correlated ones (~120 ms -> ~12 ms on 1M events);
#  - event_keys: (KB id or code+sector, role, rowid) sorted by key, so DuckDB's min/max zone maps skip
#    all but the matching blocks (actor=person:... ~95 ms -> ~8 ms).
_INDEX_SQL = (
    f"""CREATE TABLE {INDEX}.event_facts AS
    WITH ev AS (SELECT event_id, min(text) AS first, string_agg(text, ' ') AS texts
                FROM marsad.evidence GROUP BY event_id),
         pa AS (SELECT event_id, string_agg(name, ' ') AS names FROM marsad.event_participants
                GROUP BY event_id)
    SELECT e.rowid AS rid, e.id AS event_id, ev.first AS first_evidence,
           lower(concat_ws(' ', ev.texts, pa.names, e.location_name)) AS haystack
    FROM marsad.events e LEFT JOIN ev ON ev.event_id = e.id LEFT JOIN pa ON pa.event_id = e.id""",
    f"CREATE UNIQUE INDEX event_facts_id ON {INDEX}.event_facts (event_id)",
    f"""CREATE TABLE {INDEX}.event_keys AS
    SELECT DISTINCT k.key, p.role, e.rowid AS rid
    FROM marsad.event_participants p JOIN marsad.events e ON e.id = p.event_id,
         unnest([p.kb_id, CASE WHEN coalesce(p.sector, '') <> '' THEN p.code || p.sector END]) AS k(key)
    WHERE k.key IS NOT NULL ORDER BY 1, 2, 3""",
)


def _duck_store(url: str, con: Any, index: str | None = None,
                slots: threading.BoundedSemaphore | None = None) -> Store:
    """A DuckDBStore around an existing connection (no connect, no migration: the opener did both).

    With ``slots``, each statement runs holding one: DuckDB runs a query on every core, and more
    concurrent queries than cores only thrash (measured: 16 threads answer 3x fewer queries per second
    than 4). The slot is taken per statement, in the thread that runs it, never across a request: a
    request-long hold deadlocks once every pool thread waits for a slot whose release needs a thread.
    """
    from marsad.store.duck import DuckDBStore

    gate: AbstractContextManager[Any] = slots if slots is not None else nullcontext()

    class _Wrapped(DuckDBStore):
        def __init__(self) -> None:
            Store.__init__(self, url)
            self.con = con
            self.index = index

        def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
            with gate:
                super().execute(sql, params)

        def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            with gate:
                return super().fetchall(sql, params)

        def fetch_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
            with gate:
                return super().fetch_dicts(sql, params)

    return _Wrapped()


def _cursor_store(parent: Store, slots: threading.BoundedSemaphore) -> Store:
    """A Store on a fresh DuckDB cursor of ``parent``: same database instance, own connection state."""
    con = parent.con.cursor()  # type: ignore[attr-defined]
    index = getattr(parent, "index", None)
    if index:
        con.execute("USE marsad")
    return _duck_store(parent.url, con, index, slots)


def _open_duck_read_only(path: str, threads: int | None = None) -> Store:
    """The store file attached READ_ONLY to an in-memory DuckDB that holds the search tables (_INDEX_SQL).

    Why in memory: a read-only connection cannot create tables in the file, and a writer needs the
    exclusive lock, so the data cannot change while the file is open and the tables never go stale.
    Building them costs about 2 s per million events, once.
    """
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    literal = path.replace("'", "''")
    con.execute(f"ATTACH '{literal}' AS marsad (READ_ONLY)")
    con.execute("USE marsad")
    for sql in _INDEX_SQL:
        con.execute(sql)
    return _duck_store(path, con, INDEX)


class StoreProvider:
    """Opens the store lazily (so a missing file is a 503, not a crash) and hands out per-request views."""

    def __init__(self, url: str | None, *, writable: bool, concurrency: int | None = None,
                 duckdb_threads: int | None = None) -> None:
        self.url = resolve_url(url)
        # Concurrent DuckDB statements (see _duck_store): queue for a slot rather than thrash.
        self._slots = threading.BoundedSemaphore(concurrency or max(2, os.cpu_count() or 2))
        self.writable = writable
        self.duckdb_threads = duckdb_threads
        self._store: Store | None = None
        self._open_lock = threading.Lock()
        self._pg_lock = threading.Lock()
        self.write_lock = threading.Lock()

    @property
    def is_duckdb(self) -> bool:
        return not self.url.startswith(("postgresql://", "postgres://"))

    def _open(self) -> Store:
        with self._open_lock:
            if self._store is None:
                self._store = self._connect()
            return self._store

    def _connect(self) -> Store:
        path = ""
        if self.is_duckdb:
            path = self.url.removeprefix("duckdb://").removeprefix("duckdb:")
            if not self.writable and path != ":memory:" and not Path(path).exists():
                raise StoreUnavailable(f"no marsad store at {path}: create it with "
                                       f"`marsad ingest FILES --db {path}` or pass --db")
        try:
            if self.is_duckdb and not self.writable and path != ":memory:":
                return _open_duck_read_only(path, self.duckdb_threads)
            store = open_store(self.url, read_only=not self.writable)
        except Exception as exc:  # lock held by a writer, bad URL, server down: all "unavailable"
            raise StoreUnavailable(f"cannot open the store at {self.url}: {exc}") from exc
        if not self.is_duckdb and not self.writable:
            store.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        return store

    @contextmanager
    def session(self) -> Iterator[Store]:
        """The store for one request: a DuckDB cursor, or the PostgreSQL store under a lock."""
        base = self._open()
        if not self.is_duckdb:
            with self._pg_lock:
                yield base
            return
        cur = _cursor_store(base, self._slots)
        try:
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        with self._open_lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def _store(request: Request) -> Iterator[Store]:
    with request.app.state.stores.session() as store:
        yield store


StoreDep = Annotated[Store, Depends(_store)]


# -- validation ----------------------------------------------------------------------------------------


def _bad(message: str, status: int = 422) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def iso_date(name: str, value: str | None) -> str | None:
    """An ISO date of any precision (``2024``, ``2024-12``, ``2024-12-02``, ``2024-12-02T10:00``), checked
    against the calendar; anything else is a 422 naming the parameter."""
    if value is None or not value.strip():
        return None
    v = value.strip()
    m = _DATE.fullmatch(v)
    if not m:
        raise _bad(f"{name} must be an ISO date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM), "
                   f"got {value!r}")
    y, mo, d, hh, mi, ss = (int(g) if g else None for g in m.groups())
    try:
        dt.datetime(y or 1, mo or 1, d or 1, hh or 0, mi or 0, ss or 0)
    except ValueError as exc:
        raise _bad(f"{name} is not a valid date: {value!r} ({exc})") from None
    return v


def actor_value(name: str, value: str | None) -> str | None:
    """A code (RUS), code+sector (RUSGOV) or KB id (person:vladimir_putin)."""
    if value is None or not value.strip():
        return None
    v = value.strip()
    if not _ACTOR.fullmatch(v):
        raise _bad(f"{name} must be a code (RUS), code+sector (RUSGOV) or KB id (person:...), got {value!r}")
    return v


def event_type(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    v = value.strip().upper()
    if v not in ontology.TYPES:
        raise _bad(f"unknown PLOVER event type {value!r}; expected one of {', '.join(ontology.TYPES)}")
    return v


def event_mode(value: str | None, etype: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    v = value.strip().lower()
    allowed = ontology.modes(etype) if etype else ALL_MODES
    if v not in allowed:
        scope = f"of {etype}" if etype else "of any type"
        known = ", ".join(sorted(allowed)) or "(none)"
        raise _bad(f"unknown mode {value!r} {scope}; expected one of {known}")
    return v


def event_context(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return ontology.context_id(value)
    except KeyError:
        known = ", ".join(ontology.CONTEXTS)
        raise _bad(f"unknown PLOVER context {value!r}; expected one of {known}") from None


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Participant filters that DuckDB answers from the events table's own list columns. Why: a correlated
# EXISTS over event_participants costs ~100 ms on a million events, list_contains ~3-10 ms. The lists hold
# exactly the participants' (non-empty) codes, so a plain code means the same either way. KB ids and
# code+sector values use the sorted event_keys table when the store has the in-memory index, else an
# uncorrelated IN (a hash semi-join). PostgreSQL keeps the store's EXISTS filters, which its indexes serve.
_DUCK_PARTY = "e.id IN (SELECT event_id FROM event_participants WHERE {role}{match})"
_INDEXED_PARTY = "e.rowid IN (SELECT rid FROM {index}.event_keys WHERE key = ?{role})"


def _duck_party(value: str, lists: tuple[str, ...], role: str | None,
                index: str | None) -> tuple[str, list[Any]]:
    v = value.strip()
    if _CODE.fullmatch(v):
        return "(" + " OR ".join(f"list_contains(e.{c}, ?)" for c in lists) + ")", [v.upper()] * len(lists)
    key = v if ":" in v else v.upper()  # a KB id (no code+sector contains ':'), else code+sector: RUSGOV
    if index:
        return (_INDEXED_PARTY.format(index=index, role=" AND role = ?" if role else ""),
                [key, *([role] if role else [])])
    params: list[Any] = [role] if role else []
    if ":" in v:
        match, values = "kb_id = ?", [v]
    else:  # codes are 3 letters; comparing the columns avoids a concat per row
        match, values = "code = ? AND sector = ?", [key[:3], key[3:]]
    return _DUCK_PARTY.format(role="role = ? AND " if role else "", match=match), [*params, *values]


def _duck_filter(key: str, value: str, index: str | None) -> tuple[str, list[Any]]:
    both = ("actor_codes", "recipient_codes")
    if key == "actor":
        return _duck_party(value, both, None, index)
    if key == "country":
        sql, params = _duck_party(value, both, None, index)
        return f"({sql} OR e.location_country = ?)", [*params, value]
    a, _, b = value.partition(",")
    sa, pa_ = _duck_party(a, ("actor_codes",), "actor", index)
    sb, pb = _duck_party(b, ("recipient_codes",), "recipient", index)
    return f"{sa} AND {sb}", [*pa_, *pb]


def _text_match(column: str, pattern: str, cased: bool) -> str:
    """LIKE, lower-cased only when the query has cased letters (Arabic has none: 4x faster unlowered)."""
    return f"lower({column}) LIKE ? ESCAPE '\\'" if cased else f"{column} LIKE ? ESCAPE '\\'"


@dataclass
class EventFilters:
    """Validated event filters: the store's own (``marsad.store.query``) plus mode, context and free text."""

    store: dict[str, Any] = field(default_factory=dict)
    mode: str | None = None
    context: str | None = None
    q: str | None = None

    def where(self, store: Store) -> tuple[str, list[Any]]:
        """``(sql, params)`` over the events alias ``e`` of ``store``; values are always bound.

        DuckDB gets faster equivalents of the participant and text filters (see ``_duck_party``), using
        the in-memory search tables when the store has them (``_open_duck_read_only``).
        """
        duck = store.dialect == "duckdb"
        index = getattr(store, "index", None) if duck else None
        fast = {k: v for k, v in self.store.items() if duck and k in ("actor", "country", "dyad")}
        sql, params = where_clause({k: v for k, v in self.store.items() if k not in fast})
        parts = [sql]
        for key, value in fast.items():
            part, p = _duck_filter(key, value, index)
            parts.append(part)
            params.extend(p)
        if self.mode:
            parts.append("e.mode = ?")
            params.append(self.mode)
        if self.context:
            parts.append("list_contains(e.context, ?)" if duck else "? = ANY(e.context)")
            params.append(self.context)
        if self.q:
            part, p = self._free_text(index)
            parts.append(part)
            params.extend(p)
        return " AND ".join(parts), params

    def _free_text(self, index: str | None) -> tuple[str, list[Any]]:
        """Evidence text, participant names or the location name contain ``q``."""
        text = self.q or ""
        if index:
            facts = f"{index}.event_facts"
            return f"e.rowid IN (SELECT rid FROM {facts} WHERE contains(haystack, lower(?)))", [text]
        cased = text.lower() != text.upper()
        pattern = _like(text.lower() if cased else text)
        evidence = f"e.id IN (SELECT event_id FROM evidence WHERE {_text_match('text', pattern, cased)})"
        name = _text_match("name", pattern, cased)
        names = f"e.id IN (SELECT event_id FROM event_participants WHERE {name})"
        place = _text_match("e.location_name", pattern, cased)
        return f"({evidence} OR {names} OR {place})", [pattern, pattern, pattern]


def event_filters(
    actor: Annotated[str | None, Query(max_length=120, description="actor or recipient: RUS, RUSGOV or "
                                                                    "person:vladimir_putin")] = None,
    country: Annotated[str | None, Query(max_length=3, description="a participant's or the location's "
                                                                   "country code")] = None,
    dyad: Annotated[str | None, Query(max_length=250, description="A,B: A among actors, B among "
                                                                  "recipients")] = None,
    type: Annotated[str | None, Query(max_length=20, description="PLOVER event type")] = None,
    mode: Annotated[str | None, Query(max_length=40, description="PLOVER mode of the type")] = None,
    quad: Annotated[int | None, Query(ge=1, le=4, description="quad class 1-4")] = None,
    context: Annotated[str | None, Query(max_length=40, description="PLOVER context")] = None,
    date_from: Annotated[str | None, Query(max_length=25, description="first event date (ISO)")] = None,
    date_to: Annotated[str | None, Query(max_length=25, description="last event date (ISO, inclusive at "
                                                                    "its precision)")] = None,
    outlet: Annotated[str | None, Query(max_length=MAX_Q, description="substring of a reporting "
                                                                      "outlet")] = None,
    q: Annotated[str | None, Query(max_length=MAX_Q, description="free text: evidence, participant "
                                                                 "names, location")] = None,
) -> EventFilters:
    """Query parameters -> validated filters (a malformed value is a 422 that names it)."""
    etype = event_type(type)
    found: dict[str, Any] = {
        "actor": actor_value("actor", actor),
        "type": etype,
        "quad": quad,
        "from": iso_date("date_from", date_from),
        "to": iso_date("date_to", date_to),
        "outlet": outlet.strip() if outlet and outlet.strip() else None,
    }
    if country and country.strip():
        if not _CODE.fullmatch(country.strip()):
            raise _bad(f"country must be a 3-letter code, got {country!r}")
        found["country"] = country.strip().upper()
    if dyad and dyad.strip():
        a, sep, b = dyad.partition(",")
        if not sep:
            raise _bad(f"dyad is two actors separated by a comma (RUS,UKR), got {dyad!r}")
        found["dyad"] = f"{actor_value('dyad', a)},{actor_value('dyad', b)}"
    if found["from"] and found["to"] and found["from"] > found["to"] + "~":
        raise _bad("date_from is after date_to")
    text = q.strip() if q and q.strip() else None
    return EventFilters({k: v for k, v in found.items() if v is not None}, event_mode(mode, etype),
                        event_context(context), text)


FiltersDep = Annotated[EventFilters, Depends(event_filters)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size (1..{MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]


# -- responses -----------------------------------------------------------------------------------------


class UnicodeJSON(JSONResponse):
    """JSON with Arabic kept readable (no \\u escapes): half the bytes, and what analysts expect."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def _page(items: list[dict[str, Any]], total: int, limit: int, offset: int, **extra: Any) -> UnicodeJSON:
    nxt = offset + len(items) if offset + len(items) < total else None
    return UnicodeJSON({"total": total, "limit": limit, "offset": offset, "next_offset": nxt, **extra,
                        "items": items})


def _one(store: Store, sql: str, params: list[Any], what: str) -> dict[str, Any]:
    rows = store.fetch_dicts(sql, params)
    if not rows:
        raise _bad(f"{what} not found", 404)
    return rows[0]


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


# -- offsets: document -> article ----------------------------------------------------------------------


def align_spans(article: dict[str, Any], spans: list[dict[str, Any]]) -> None:
    """Add ``article_start``/``article_end`` (offsets into the article's ``text``) and ``field`` to spans.

    Why a search and not ``start - span_start``: the store keeps document offsets, and an article's text
    is its body lines joined (the title and dropped lines are not in it), so the plain difference is off
    by a varying shift. Each span's text is looked up in the article text at the occurrence nearest the
    offset expected from the previous span's shift; spans in the title get ``field = "title"``.
    """
    text, title = article.get("text") or "", article.get("title") or ""
    base = article.get("span_start") or 0
    shift = len(title) + 1 if title and not text.startswith(title) else 0
    for span in sorted(spans, key=lambda s: s.get("start") or 0):
        needle = span.get("text") or ""
        span.update(field=None, article_start=None, article_end=None)
        if not needle:
            continue
        rel = (span.get("start") or 0) - base
        if title and title[rel:rel + len(needle)] == needle:  # the document opens with the title line
            span.update(field="title", article_start=rel, article_end=rel + len(needle))
            continue
        expected = rel - shift
        best, i = None, text.find(needle)
        while i != -1:
            if best is None or abs(i - expected) < abs(best - expected):
                best = i
            i = text.find(needle, i + 1)
        if best is not None:
            shift = (span.get("start") or 0) - base - best
            span.update(field="text", article_start=best, article_end=best + len(needle))
        elif (j := title.find(needle)) != -1:
            span.update(field="title", article_start=j, article_end=j + len(needle))


# -- routes: events ----------------------------------------------------------------------------------


def list_events(store: StoreDep, filters: FiltersDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0,
                sort: Annotated[str, Query(description=f"one of {', '.join(SORTS)}")] = "-date") -> Response:
    """Merged events matching the filters, one page, newest first by default, with their first evidence."""
    if sort not in SORTS:
        raise _bad(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    where, params = filters.where(store)
    order = SORTS[sort]
    index = getattr(store, "index", None)
    rows = (_indexed_page(store, index, where, params, order, limit, offset) if index else
            _page_with_evidence(store, where, params, order, limit, offset))
    total = int(store.fetchall(f"SELECT count(*) FROM events e WHERE {where}", params)[0][0])
    return _page(rows, total, limit, offset, sort=sort)


def _page_with_evidence(store: Store, where: str, params: list[Any], order: str, limit: int,
                        offset: int) -> list[dict[str, Any]]:
    rows = store.fetch_dicts(f"SELECT {_EVENT_SELECT} FROM events e WHERE {where} ORDER BY {order} "
                             "LIMIT ? OFFSET ?", [*params, limit, offset])
    if rows:
        ids = [r["id"] for r in rows]
        texts = dict(store.fetchall(f"SELECT event_id, min(text) FROM evidence "
                                    f"WHERE event_id IN ({_marks(ids)}) GROUP BY event_id", ids))
        for r in rows:
            r["evidence"] = texts.get(r["id"])
    return rows


def _indexed_page(store: Store, index: str, where: str, params: list[Any], order: str, limit: int,
                  offset: int) -> list[dict[str, Any]]:
    """The page's rowids first, then only those rows, with the first evidence joined from the index.

    Why two steps: DuckDB's top-N carries every selected column of every candidate row through the sort;
    sorting rowids and fetching 50 rows by rowid costs half as much on a selective filter (25 -> 12 ms on
    a million events).
    """
    rids = [r[0] for r in store.fetchall(f"SELECT e.rowid FROM events e WHERE {where} ORDER BY {order} "
                                         "LIMIT ? OFFSET ?", [*params, limit, offset])]
    if not rids:
        return []
    rows = store.fetch_dicts(f"SELECT e.rowid AS _rid, {_EVENT_SELECT} FROM events e "
                             "WHERE e.rowid = ANY(?::BIGINT[])", [rids])
    texts = dict(store.fetchall(f"SELECT rid, first_evidence FROM {index}.event_facts "
                                "WHERE rid = ANY(?::BIGINT[])", [rids]))
    by_rid = {r.pop("_rid"): r for r in rows}
    return [{**by_rid[rid], "evidence": texts.get(rid)} for rid in rids]


def get_event(store: StoreDep, event_id: Annotated[str, PathParam(max_length=300)]) -> Response:
    """One merged event: participants, every evidence span, its sources (outlets) and reporting articles."""
    event = _one(store, f"SELECT {_EVENT_SELECT} FROM events e WHERE e.id = ?", [event_id], "event")
    event["participants"] = store.fetch_dicts(
        "SELECT role, idx, kb_id, name, code, sector FROM event_participants WHERE event_id = ? "
        "ORDER BY role, idx", [event_id])
    event["articles"] = store.fetch_dicts(
        "SELECT a.id, a.doc_id, a.kind, a.title, a.published, a.outlet, a.source, a.url, a.story_id, "
        "r.article_event_id, r.date AS reported_date, r.attribution "
        "FROM event_reports r JOIN articles a ON a.id = r.article_id "
        "WHERE r.event_id = ? ORDER BY r.seq", [event_id])
    evidence = store.fetch_dicts(
        'SELECT article_id, article_event_id, text, "start", "end" FROM evidence WHERE event_id = ? '
        'ORDER BY article_id, "start"', [event_id])
    _align_by_article(store, evidence)
    event["evidence"] = evidence
    event["sources"] = sorted({s for a in event["articles"] for s in (a["outlet"] or a["source"],) if s})
    return UnicodeJSON(event)


def _align_by_article(store: Store, spans: list[dict[str, Any]]) -> None:
    ids = sorted({s["article_id"] for s in spans})
    if not ids:
        return
    arts = {a["id"]: a for a in store.fetch_dicts(
        f"SELECT id, title, text, span_start FROM articles WHERE id IN ({_marks(ids)})", ids)}
    for aid in ids:
        align_spans(arts.get(aid, {}), [s for s in spans if s["article_id"] == aid])


# -- routes: actors ----------------------------------------------------------------------------------


def list_actors(store: StoreDep, q: Annotated[str | None, Query(max_length=MAX_Q, description=(
        "Arabic or English name, code or KB id (substring)"))] = None,
                limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> Response:
    """Actors whose English name, KB id or code matches ``q``, or whose Arabic mentions contain it; most
    mentioned first, with their event count and commonest Arabic names."""
    text = (q or "").strip()
    if text:
        pattern = _like(text.lower())
        hits = ("SELECT kb_id FROM actors WHERE lower(name) LIKE ? ESCAPE '\\' OR lower(kb_id) LIKE ? ESCAPE "
                "'\\' OR code = ? UNION SELECT kb_id FROM mentions WHERE kb_id IS NOT NULL AND "
                "(lower(text) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')")
        params: list[Any] = [pattern, pattern, text.upper(), pattern, pattern]
    else:
        hits, params = "SELECT kb_id FROM actors UNION SELECT kb_id FROM mentions WHERE kb_id IS NOT NULL", []
    base = (f"WITH hits AS ({hits}), mc AS (SELECT kb_id, count(*) AS n FROM mentions WHERE kb_id IN "
            "(SELECT kb_id FROM hits) GROUP BY kb_id) ")
    total = int(store.fetchall(base + "SELECT count(*) FROM hits", params)[0][0])
    rows = store.fetch_dicts(
        base + "SELECT h.kb_id, a.name, a.code, a.sector, a.kind, coalesce(mc.n, 0) AS mentions FROM hits h "
        "LEFT JOIN actors a ON a.kb_id = h.kb_id LEFT JOIN mc ON mc.kb_id = h.kb_id "
        "ORDER BY coalesce(mc.n, 0) DESC, h.kb_id LIMIT ? OFFSET ?", [*params, limit, offset])
    _attach_actor_facts(store, rows)
    return _page(rows, total, limit, offset, q=text or None)


def _attach_actor_facts(store: Store, rows: list[dict[str, Any]]) -> None:
    """Event counts, Arabic surface forms and (for actors outside the KB table) a name, per page."""
    ids = [r["kb_id"] for r in rows]
    if not ids:
        return
    marks = _marks(ids)
    events = dict(store.fetchall(f"SELECT kb_id, count(DISTINCT event_id) FROM event_participants "
                                 f"WHERE kb_id IN ({marks}) GROUP BY kb_id", ids))
    names: dict[str, list[str]] = {}
    for kb_id, text, _n in store.fetchall(
            f"SELECT kb_id, text, count(*) AS n FROM mentions WHERE kb_id IN ({marks}) GROUP BY kb_id, text "
            "ORDER BY kb_id, n DESC, text", ids):
        names.setdefault(kb_id, []).append(text)
    fallback = {r[0]: r[1:] for r in store.fetchall(
        f"SELECT kb_id, min(name), min(code), min(sector) FROM mentions WHERE kb_id IN ({marks}) "
        "GROUP BY kb_id", ids)}
    for r in rows:
        r["events"] = int(events.get(r["kb_id"], 0))
        r["arabic_names"] = names.get(r["kb_id"], [])[:5]
        if r["name"] is None and r["kb_id"] in fallback:
            r["name"], r["code"], r["sector"] = fallback[r["kb_id"]]


def get_actor(store: StoreDep, kb_id: Annotated[str, PathParam(max_length=200)],
              counterparts: Annotated[int, Query(ge=1, le=100, description="how many counterparts")] = 20
              ) -> Response:
    """An actor's profile: identity, Arabic names, events per month, and its counterparts with the
    cooperation/conflict balance (Goldstein sums) per month."""
    rows = store.fetch_dicts("SELECT kb_id, name, code, sector, kind FROM actors WHERE kb_id = ?", [kb_id])
    if not rows:
        rows = store.fetch_dicts(
            "SELECT kb_id, min(name) AS name, min(code) AS code, min(sector) AS sector, NULL AS kind FROM "
            "(SELECT kb_id, name, code, sector FROM event_participants WHERE kb_id = ? UNION ALL "
            " SELECT kb_id, name, code, sector FROM mentions WHERE kb_id = ?) t GROUP BY kb_id",
            [kb_id, kb_id])
    if not rows:
        raise _bad("actor not found", 404)
    actor = rows[0]
    actor["arabic_names"] = [{"text": t, "mentions": int(n)} for t, n in store.fetchall(
        "SELECT text, count(*) AS n FROM mentions WHERE kb_id = ? GROUP BY text "
        "ORDER BY n DESC, text LIMIT 20",
        [kb_id])]
    roles = dict(store.fetchall("SELECT role, count(DISTINCT event_id) FROM event_participants "
                                "WHERE kb_id = ? GROUP BY role", [kb_id]))
    actor["events_as_actor"] = int(roles.get("actor", 0))
    actor["events_as_recipient"] = int(roles.get("recipient", 0))
    actor["timeline"] = [{"month": m, "events": int(n), "goldstein": g} for m, n, g in store.fetchall(
        "SELECT substr(e.date, 1, 7) AS m, count(*), sum(e.goldstein) FROM events e WHERE e.id IN "
        "(SELECT event_id FROM event_participants WHERE kb_id = ?) AND length(e.date) >= 7 "
        "GROUP BY m ORDER BY m", [kb_id])]
    actor["counterparts"] = _counterparts(store, kb_id, counterparts)
    return UnicodeJSON(actor)


def _counterparts(store: Store, kb_id: str, top: int) -> list[dict[str, Any]]:
    """Parties on the other side of this actor's events, with Goldstein sums per month.

    A counterpart is a (KB id, country code) pair: generic ids such as ``generic:civilians`` stand for
    different groups in different countries and must not be summed together.
    """
    rows = store.fetchall(
        "WITH pairs AS (SELECT DISTINCT p.event_id, o.kb_id, o.code FROM event_participants p "
        "JOIN event_participants o ON o.event_id = p.event_id AND o.role <> p.role "
        "WHERE p.kb_id = ? AND o.kb_id IS NOT NULL "
        "AND o.kb_id <> ?) "
        "SELECT pairs.kb_id, pairs.code, substr(e.date, 1, 7) AS m, count(*) AS n, sum(e.goldstein), "
        "sum(CASE WHEN e.goldstein > 0 THEN e.goldstein ELSE 0 END), "
        "sum(CASE WHEN e.goldstein < 0 THEN e.goldstein ELSE 0 END) "
        "FROM pairs JOIN events e ON e.id = pairs.event_id GROUP BY pairs.kb_id, pairs.code, m "
        "ORDER BY pairs.kb_id, pairs.code, m",
        [kb_id, kb_id])
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    for other, code, month, n, g, coop, conflict in rows:
        c = out.setdefault((other, code), {"kb_id": other, "code": code, "events": 0, "goldstein": 0.0,
                                           "cooperation": 0.0, "conflict": 0.0, "months": []})
        c["events"] += int(n)
        c["goldstein"] += g or 0.0
        c["cooperation"] += coop or 0.0
        c["conflict"] += conflict or 0.0
        c["months"].append({"month": month, "events": int(n), "goldstein": g})
    chosen = sorted(out.values(), key=lambda c: (-c["events"], c["kb_id"], c["code"] or ""))[:top]
    ids = sorted({c["kb_id"] for c in chosen})
    if ids:
        names = {(k, code): n for k, code, n in store.fetchall(
            f"SELECT kb_id, code, min(name) FROM event_participants WHERE kb_id IN ({_marks(ids)}) "
            "GROUP BY kb_id, code", ids)}
        for c in chosen:
            c["name"] = names.get((c["kb_id"], c["code"]))
    return chosen


# -- routes: dyads, stories, articles, stats ------------------------------------------------------------


def dyad_timeline(store: StoreDep, a: Annotated[str, PathParam(max_length=120)],
                  b: Annotated[str, PathParam(max_length=120)],
                  by: Annotated[str, Query(pattern="^(week|month)$", description="week or month")] = "month",
                  directed: Annotated[bool, Query(description="false: both A->B and B->A")] = True,
                  date_from: Annotated[str | None, Query(max_length=25)] = None,
                  date_to: Annotated[str | None, Query(max_length=25)] = None) -> Response:
    """Goldstein sum and event count per week or month for A (actor) -> B (recipient), with event ids."""
    a_, b_ = actor_value("a", a), actor_value("b", b)
    dates = {"from": iso_date("date_from", date_from), "to": iso_date("date_to", date_to)}
    dates = {k: v for k, v in dates.items() if v}
    where, params = EventFilters({**dates, "dyad": f"{a_},{b_}"}).where(store)
    if not directed:
        back, back_params = EventFilters({**dates, "dyad": f"{b_},{a_}"}).where(store)
        where, params = f"(({where}) OR ({back}))", [*params, *back_params]
    rows = store.fetchall(f"SELECT e.id, e.date, e.goldstein FROM events e WHERE {where} "
                          "AND e.date IS NOT NULL ORDER BY e.date, e.id LIMIT ?",
                          [*params, MAX_TIMELINE_ROWS])
    points, skipped = bucket(rows, by)
    return UnicodeJSON({"a": a_, "b": b_, "by": by, "directed": directed, "points": points,
                        "events": sum(p["events"] for p in points), "imprecise_dates": skipped,
                        "truncated": len(rows) >= MAX_TIMELINE_ROWS})


def bucket(rows: list[tuple[str, str, float | None]], by: str) -> tuple[list[dict[str, Any]], int]:
    """(id, ISO date, goldstein) rows -> one point per week (its Monday) or month; dates too coarse for the
    period are counted, not guessed."""
    points: dict[str, dict[str, Any]] = {}
    skipped = 0
    for event_id, date, goldstein in rows:
        key = _period(date, by)
        if key is None:
            skipped += 1
            continue
        p = points.setdefault(key, {"period": key, "events": 0, "goldstein": 0.0, "event_ids": []})
        p["events"] += 1
        p["goldstein"] += goldstein or 0.0
        if len(p["event_ids"]) < MAX_IDS_PER_POINT:
            p["event_ids"].append(event_id)
    return [points[k] for k in sorted(points)], skipped


def _period(date: str, by: str) -> str | None:
    if by == "month":
        return date[:7] if len(date) >= 7 else None
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def list_stories(store: StoreDep, q: Annotated[str | None, Query(max_length=MAX_Q, description=(
        "substring of the title"))] = None,
                 min_articles: Annotated[int, Query(ge=1, le=100_000)] = 1,
                 limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> Response:
    """Stories (near-duplicate article clusters), newest first."""
    where, params = "num_articles >= ?", [min_articles]
    if q and q.strip():
        where += " AND lower(title) LIKE ? ESCAPE '\\'"
        params.append(_like(q.strip().lower()))
    total = int(store.fetchall(f"SELECT count(*) FROM stories WHERE {where}", params)[0][0])
    rows = store.fetch_dicts(f"SELECT id, title, first_seen, num_articles FROM stories WHERE {where} "
                             "ORDER BY first_seen DESC NULLS LAST, id LIMIT ? OFFSET ?",
                             [*params, limit, offset])
    return _page(rows, total, limit, offset)


def get_story(store: StoreDep, story_id: Annotated[str, PathParam(max_length=300)]) -> Response:
    """One story: its member articles and the merged events they report."""
    story = _one(store, "SELECT id, title, first_seen, num_articles FROM stories WHERE id = ?", [story_id],
                 "story")
    story["articles"] = store.fetch_dicts(
        "SELECT a.id, a.kind, a.title, a.published, a.outlet, a.source, a.url FROM story_members m "
        "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.published NULLS LAST, a.id",
        [story_id])
    story["events"] = store.fetch_dicts(
        f"SELECT {_EVENT_SELECT} FROM events e WHERE e.id IN (SELECT r.event_id FROM event_reports r JOIN "
        "story_members m ON m.article_id = r.article_id WHERE m.story_id = ?) ORDER BY e.date, e.id LIMIT ?",
        [story_id, MAX_LIMIT])
    return UnicodeJSON(story)


def get_article(store: StoreDep, article_id: Annotated[str, PathParam(max_length=300)]) -> Response:
    """An article's text with its actor mentions and evidence spans as offsets into that text."""
    article = _one(store, "SELECT * FROM articles WHERE id = ?", [article_id], "article")
    mentions = store.fetch_dicts('SELECT "start", "end", text, kb_id, name, code, sector, role, kind '
                                 'FROM mentions WHERE article_id = ? ORDER BY "start"', [article_id])
    evidence = store.fetch_dicts('SELECT event_id, article_event_id, text, "start", "end" FROM evidence '
                                 'WHERE article_id = ? ORDER BY "start", event_id', [article_id])
    align_spans(article, mentions)
    align_spans(article, evidence)
    for span in (*mentions, *evidence):
        span["doc_start"], span["doc_end"] = span.pop("start"), span.pop("end")
    article["mentions"], article["evidence"] = mentions, evidence
    article["events"] = [r[0] for r in store.fetchall(
        "SELECT DISTINCT event_id FROM event_reports WHERE article_id = ? ORDER BY event_id", [article_id])]
    return UnicodeJSON(article)


def stats(store: StoreDep) -> Response:
    """Row counts, events per type, top dyads, recent ingest runs and the date range of events."""
    out = store.stats()
    lo, hi = store.fetchall("SELECT min(date), max(date) FROM events")[0]
    out["dates"] = {"first": lo, "last": hi}
    return UnicodeJSON(out)


# -- export: streaming over marsad.exports ---------------------------------------------------------------


class _Cancelled(Exception):
    """The client went away: stop the export thread."""


class _QueueWriter:
    """A text stream whose writes become chunks on a bounded queue (back-pressure on the export thread)."""

    CHUNK = 64 * 1024

    def __init__(self, out: queue.Queue[Any]) -> None:
        self.out = out
        self.cancelled = threading.Event()
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self.CHUNK:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._parts:
            self.put("".join(self._parts).encode("utf-8"))
            self._parts, self._size = [], 0

    def put(self, item: Any) -> None:
        while True:
            if self.cancelled.is_set():
                raise _Cancelled
            try:
                self.out.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


_DONE = object()


def stream_export(session: Callable[[], AbstractContextManager[Store]], fmt: str,
                  where: dict[str, Any]) -> Iterator[bytes]:
    """Run ``marsad.exports.export`` in a thread on its own store session and yield what it writes."""
    from marsad.exports import export

    chunks: queue.Queue[Any] = queue.Queue(maxsize=8)
    writer = _QueueWriter(chunks)

    def work() -> None:
        try:
            with session() as store:
                export(store, fmt, where, out=writer)  # type: ignore[arg-type]
            writer.flush()
        except _Cancelled:
            return
        except Exception:
            log.exception("export failed")
        with _suppress_cancel():
            writer.put(_DONE)

    thread = threading.Thread(target=work, name="marsad-export", daemon=True)
    thread.start()
    try:
        while (item := chunks.get()) is not _DONE:
            yield item
    finally:
        writer.cancelled.set()


@contextmanager
def _suppress_cancel() -> Iterator[None]:
    with suppress(_Cancelled):
        yield


def export_events(request: Request, filters: FiltersDep,
                  format: Annotated[str, Query(pattern="^(plover|gdelt|csv)$",
                                               description="plover (JSON lines), gdelt (TSV) or csv")
                                    ] = "plover") -> Response:
    """Every merged event matching the filters, streamed as PLOVER JSON lines, GDELT TSV or CSV."""
    if filters.mode or filters.context or filters.q:
        raise _bad("export takes the store filters only: actor, country, dyad, type, quad, date_from, "
                   "date_to, outlet", 400)
    # A short session of its own, released before streaming starts: the export thread takes another.
    with request.app.state.stores.session() as store:
        where, params = filters.where(store)
        count = int(store.fetchall(f"SELECT count(*) FROM events e WHERE {where}", params)[0][0])
    cap = request.app.state.max_export
    if count > cap:
        raise _bad(f"{count} events match; exports are limited to {cap}: narrow the filters", 400)
    media, ext = EXPORT_MEDIA[format]
    return StreamingResponse(
        stream_export(request.app.state.stores.session, format, filters.store),
        media_type=f"{media}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="marsad-events.{ext}"',
                 "x-marsad-events": str(count)})


# -- extract and ingest ----------------------------------------------------------------------------------


class ExtractIn(BaseModel):
    text: str = Field(min_length=1, description="raw Arabic news text")
    published: str | None = Field(None, max_length=64, description="publication date, any format")


class IngestIn(BaseModel):
    text: str = Field(min_length=1)
    id: str | None = Field(None, max_length=200, pattern=r"^[^\x00-\x1f]+$")
    published: str | None = Field(None, max_length=64)
    outlet: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)


_EXTRACT_SLOTS = threading.BoundedSemaphore(2)  # CPU-bound: never let extraction starve the readers


def extract(request: Request, body: ExtractIn) -> Response:
    """Articles (with mentions and events) extracted from a text; nothing is stored."""
    from marsad.pipeline import process, text_document
    from marsad.serialize import article_dict, event_dict

    limit = request.app.state.max_extract_chars
    if len(body.text) > limit:
        raise _bad(f"text has {len(body.text)} characters; the limit is {limit}", 413)
    # Not marsad.pipeline.extract: it reads a *path* when the string names an existing file.
    with _EXTRACT_SLOTS:
        articles = process(text_document(body.text, body.published, doc_id="api"))
    events = [{"article_id": a.id, **event_dict(e)} for a in articles for e in a.events]
    return UnicodeJSON({"articles": [article_dict(a) for a in articles], "events": events})


def _require_token(request: Request) -> None:
    """``Authorization: Bearer <token>``: 401 when absent, 403 when wrong (constant-time comparison)."""
    expected = request.app.state.token
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(401, "this endpoint needs Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(403, "invalid token")


async def ingest_endpoint(request: Request) -> Response:
    """Store a document: JSON ``{text, id?, published?, outlet?, title?, url?}`` or a multipart ``file``
    (any format ``marsad ingest`` reads, chosen by the file name's extension)."""
    ctype = request.headers.get("content-type", "")
    with tempfile.TemporaryDirectory(prefix="marsad_api_ingest_") as tmp:
        if ctype.startswith("application/json"):
            path = _json_document(await request.body(), request.app.state.max_extract_chars, Path(tmp))
        elif ctype.startswith("multipart/form-data"):
            path = await _uploaded_file(request, Path(tmp))
        else:
            raise _bad("send application/json or multipart/form-data with a 'file' field", 415)
        summary = await run_in_threadpool(_ingest_path, request.app.state.stores, path)
    return UnicodeJSON(summary, status_code=201 if summary["documents_stored"] else 200)


def _json_document(raw: bytes, limit: int, tmp: Path) -> Path:
    try:
        body = IngestIn.model_validate_json(raw)
    except ValueError as exc:
        raise RequestValidationError(getattr(exc, "errors", lambda: [])()) from None
    if len(body.text) > limit:
        raise _bad(f"text has {len(body.text)} characters; the limit is {limit}", 413)
    doc_id = body.id or "api-" + hashlib.sha1(body.text.encode("utf-8")).hexdigest()[:16]
    record = {"id": doc_id, "text": body.text, "date": body.published, "outlet": body.outlet,
              "title": body.title, "url": body.url}
    path = tmp / "document.jsonl"
    path.write_text(json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


async def _uploaded_file(request: Request, tmp: Path) -> Path:
    from marsad.readers.base import reader_for_extension

    form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD_BYTES)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise _bad("multipart upload needs a 'file' field")
    suffixes = [s.lower() for s in Path(upload.filename or "").suffixes][-2:]
    suffixes = suffixes[-2:] if suffixes and suffixes[-1] == ".gz" else suffixes[-1:]
    if not suffixes or reader_for_extension(suffixes[0]) is None:
        raise _bad(f"cannot tell the format of {upload.filename!r}: use .txt, .html, .jsonl (optionally .gz)",
                   415)
    path = tmp / ("upload" + "".join(suffixes))
    size = 0
    with path.open("wb") as fh:
        while chunk := await upload.read(1 << 16):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise _bad(f"upload larger than {MAX_UPLOAD_BYTES} bytes", 413)
            fh.write(chunk)
    return path


def _ingest_path(stores: StoreProvider, path: Path) -> dict[str, Any]:
    from marsad.store.ingest import ingest

    with stores.write_lock, stores.session() as store:
        return ingest(store, [path]).as_dict()


# -- middleware: security headers, body size -----------------------------------------------------------


class SecurityHeaders:
    """Adds the security headers to every HTTP response (a route's own CSP, e.g. /docs, wins)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Rejects (413) request bodies over ``limit`` bytes before they are parsed: by Content-Length when
    given, else by counting what arrives."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())]})
    await send({"type": "http.response.body", "body": body})


# -- docs ----------------------------------------------------------------------------------------------


def _docs_page(app: FastAPI) -> Response:
    """Swagger UI with a CSP that admits exactly its CDN assets and its one inline script (by hash)."""
    page = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="marsad API")
    html = page.body.decode("utf-8")
    hashes = [base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
              for s in re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)]
    scripts = " ".join(f"'sha256-{h}'" for h in hashes)
    csp = (f"default-src 'self'; img-src 'self' data: https:; "
           f"style-src 'self' 'unsafe-inline' {SWAGGER_CDN}; script-src 'self' {SWAGGER_CDN} {scripts}")
    return Response(html, media_type="text/html", headers={"content-security-policy": csp})


# -- the app -------------------------------------------------------------------------------------------


def _errors(app: FastAPI) -> None:
    @app.exception_handler(StoreUnavailable)
    async def unavailable(_: Request, exc: StoreUnavailable) -> Response:
        return UnicodeJSON({"detail": str(exc)}, status_code=503)

    @app.exception_handler(ValueError)
    async def bad_value(_: Request, exc: ValueError) -> Response:
        return UnicodeJSON({"detail": str(exc)}, status_code=400)


def _routes(app: FastAPI) -> None:
    get = app.get
    get("/api/events", tags=["events"])(list_events)
    get("/api/events/{event_id:path}", tags=["events"])(get_event)
    get("/api/actors", tags=["actors"])(list_actors)
    get("/api/actors/{kb_id:path}", tags=["actors"])(get_actor)
    get("/api/dyads/{a}/{b}/timeline", tags=["actors"])(dyad_timeline)
    get("/api/stories", tags=["stories"])(list_stories)
    get("/api/stories/{story_id:path}", tags=["stories"])(get_story)
    get("/api/articles/{article_id:path}", tags=["articles"])(get_article)
    get("/api/stats", tags=["store"])(stats)
    get("/api/export", tags=["store"])(export_events)
    app.post("/api/extract", tags=["extract"])(extract)
    if app.state.token:
        app.post("/api/ingest", tags=["store"], dependencies=[Depends(_require_token)],
                 openapi_extra={"requestBody": {"content": {
                     "application/json": {"schema": IngestIn.model_json_schema()},
                     "multipart/form-data": {"schema": {"type": "object", "properties": {
                         "file": {"type": "string", "format": "binary"}}}}}}})(ingest_endpoint)
    app.get("/docs", include_in_schema=False)(lambda: _docs_page(app))


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the store when the server stops."""
    yield
    app.state.stores.close()


def create_app(db: str | None = None, *, token: str | None = None,
               max_extract_chars: int = 100_000, max_export: int = MAX_EXPORT,
               cache_bytes: int = DEFAULT_BUDGET_BYTES, duckdb_threads: int | None = None) -> FastAPI:
    """The API (and the dashboard, when ``marsad.web.dashboard`` is installed) over the store at ``db``.

    ``db`` is a store URL as for ``open_store`` (default $MARSAD_DB or ./marsad.duckdb). Without ``token``
    the store is opened read-only and ``POST /api/ingest`` does not exist; with it, the store is opened for
    writing (DuckDB then holds the file's write lock) and ingest requires ``Authorization: Bearer token``.
    A read-only DuckDB store's answers are cached in up to ``cache_bytes`` (0: none; see ``web.cache``);
    ``duckdb_threads`` caps DuckDB's threads per query (several workers share the cores).
    """
    app = FastAPI(title="marsad API", version=__version__, docs_url=None, redoc_url=None,
                  description="Arabic political event data (PLOVER): merged events, actors, stories, "
                              "articles.", lifespan=_lifespan)
    app.state.stores = StoreProvider(db, writable=bool(token), duckdb_threads=duckdb_threads)
    app.state.token = token or None
    app.state.max_extract_chars = max_extract_chars
    app.state.max_export = max_export
    _errors(app)
    _routes(app)
    if importlib.util.find_spec("marsad.web.dashboard") is not None:
        from marsad.web.dashboard import add_dashboard

        add_dashboard(app, app.state.stores.session)
    # Bodies: extract text (UTF-8 Arabic is 2 bytes a character, JSON escapes up to 6) or an upload.
    if cache_bytes > 0 and app.state.stores.is_duckdb and not token:  # the data cannot change under it
        app.add_middleware(ResponseCache, budget=cache_bytes)
    app.add_middleware(BodyLimit, limit=max(6 * max_extract_chars + 4096, MAX_UPLOAD_BYTES if token else 0))
    app.add_middleware(SecurityHeaders)
    return app


SERVE_CONFIG_ENV = "MARSAD_SERVE_CONFIG"


def app_from_env() -> FastAPI:
    """``create_app`` with the keyword arguments in $MARSAD_SERVE_CONFIG (JSON), for uvicorn's worker
    processes, which import an application factory by name and cannot be handed arguments."""
    return create_app(**json.loads(os.environ.get(SERVE_CONFIG_ENV, "{}")))
