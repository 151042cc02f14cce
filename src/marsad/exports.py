"""Exports of stored merged events: PLOVER JSON lines, a GDELT 2.0-style event table, Parquet and CSV.

Why rebuild records for PLOVER: ``marsad.serialize.plover_record`` is the one definition of the PLOVER
fields, so the store's export rebuilds an ``Article`` (the first report of the merged event) and an
``Event`` from the tables and calls it; the dedup counts go under an extra ``dedup`` key. The GDELT
columns and their mapping are documented in ``src/marsad/store/README.md``.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from marsad.records import Article, Event, Evidence, Party
from marsad.serialize import plover_record
from marsad.store.base import Store
from marsad.store.query import where_clause
from marsad.store.schema import BY_NAME, q

FORMATS = ("plover", "gdelt", "parquet", "csv")

GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor2Code", "Actor2Name",
    "Actor2CountryCode", "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone", "ActionGeo_FullName",
    "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long", "DATEADDED", "SOURCEURL",
)
ROOT_CHARS = 300  # IsRootEvent: the evidence starts within the article's first ROOT_CHARS characters (lead)
PARQUET_TABLES = ("events", "event_participants", "articles")


def export(store: Store, fmt: str, where: dict[str, Any] | None = None,
           out: str | Path | IO[str] | None = None) -> int:
    """Write the merged events matching ``where`` (query filters) in ``fmt``; returns the event count.

    ``out`` is a file path, ``"-"``/None for standard output, or an open text stream; for ``parquet`` it
    is a directory (created) that receives events.parquet, event_participants.parquet, articles.parquet.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    where_sql, params = where_clause(where or {})
    if fmt == "parquet":
        return _parquet(store, where_sql, params, Path(out or "export"))
    with _text_out(out) as fh:
        if fmt == "plover":
            return _plover(store, where_sql, params, fh)
        if fmt == "gdelt":
            return _gdelt(store, where_sql, params, fh)
        return _csv(store, where_sql, params, fh)


@contextmanager
def _text_out(out: str | Path | IO[str] | None) -> Iterator[IO[str]]:
    if out is None or out == "-":
        yield sys.stdout
    elif isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            yield fh
    else:
        yield out


def _events(store: Store, where: str, params: list[Any]) -> list[dict[str, Any]]:
    cols = ", ".join(f"e.{q(c)}" for c in BY_NAME["events"].names)
    return store.fetch_dicts(f"SELECT {cols} FROM events e WHERE {where} ORDER BY e.id", params)


def _sub(where: str) -> str:
    return f"(SELECT e.id FROM events e WHERE {where})"


def _participants(store: Store, where: str, params: list[Any]) -> dict[str, dict[str, list[Party]]]:
    out: dict[str, dict[str, list[Party]]] = defaultdict(lambda: {"actor": [], "recipient": []})
    for r in store.fetch_dicts(
        f"SELECT * FROM event_participants WHERE event_id IN {_sub(where)} ORDER BY event_id, role, idx",
        params):
        out[r["event_id"]][r["role"]].append(Party(code=r["code"], sector=r["sector"], name=r["name"],
                                                   kb_id=r["kb_id"]))
    return out


def _evidence(store: Store, where: str, params: list[Any]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = defaultdict(list)
    for r in store.fetch_dicts(
        f'SELECT event_id, text, "start", "end" FROM evidence WHERE event_id IN {_sub(where)} '
        f'ORDER BY event_id, article_id, article_event_id, "start"', params):
        out[r["event_id"]].append(Evidence(r["text"], r["start"], r["end"]))
    return out


def _first_reports(store: Store, where: str, params: list[Any]) -> dict[str, dict[str, Any]]:
    """The article of each merged event's first report, with its attribution and first evidence start."""
    rows = store.fetch_dicts(
        "SELECT r.event_id, r.attribution, a.*, (SELECT min(v.\"start\") FROM evidence v "
        "WHERE v.article_event_id = r.article_event_id) AS first_start "
        "FROM event_reports r JOIN articles a ON a.id = r.article_id "
        f"WHERE r.seq IN (SELECT min(seq) FROM event_reports WHERE event_id IN {_sub(where)} "
        "GROUP BY event_id)", params)
    return {r["event_id"]: r for r in rows}


def _plover(store: Store, where: str, params: list[Any], fh: IO[str]) -> int:
    events = _events(store, where, params)
    parties = _participants(store, where, params)
    evidence = _evidence(store, where, params)
    reports = _first_reports(store, where, params)
    for row in events:
        rep = reports.get(row["id"], {})
        event = _event(row, parties[row["id"]], evidence.get(row["id"], []))
        event.attribution = rep.get("attribution")
        record = plover_record(_article(rep), event)
        record["dedup"] = {k: row[k] for k in ("num_articles", "num_sources", "num_mentions", "first_seen")}
        record["dedup"]["outlets"] = list(row["outlets"] or [])
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(events)


def _article(rep: dict[str, Any]) -> Article:
    return Article(doc_id=rep.get("doc_id") or "", id=rep.get("id") or "", index=rep.get("idx") or 0,
                   title=rep.get("title"), published=rep.get("published"), outlet=rep.get("outlet"),
                   source=rep.get("source"), url=rep.get("url"))


def _event(row: dict[str, Any], parties: dict[str, list[Party]], evidence: list[Evidence]) -> Event:
    location = None
    if row["location_name"] or row["location_country"]:
        location = {"name": row["location_name"], "country": row["location_country"], "lat": row["lat"],
                    "lon": row["lon"]}
    return Event(id=row["id"], type=row["type"], mode=row["mode"], context=list(row["context"] or []),
                 cameo=row["cameo"], goldstein=row["goldstein"], quad=row["quad"], actors=parties["actor"],
                 recipients=parties["recipient"], date=row["date"], date_precision=row["date_precision"],
                 historical=bool(row["historical"]), location=location, evidence=evidence,
                 confidence=row["confidence"] or 0.0)


def _gdelt(store: Store, where: str, params: list[Any], fh: IO[str]) -> int:
    events = _events(store, where, params)
    parties = _participants(store, where, params)
    reports = _first_reports(store, where, params)
    writer = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(GDELT_COLUMNS)
    for row in events:
        writer.writerow(gdelt_row(row, parties[row["id"]], reports.get(row["id"], {})))
    return len(events)


def _digits(value: str | None, width: int) -> str:
    """``2024-12-02T10:00`` -> ``20241202100000`` cut or zero-padded to ``width`` (GDELT date formats)."""
    if not value:
        return ""
    return "".join(ch for ch in value[:19] if ch.isdigit()).ljust(width, "0")[:width]


def _gdelt_actor(parties: list[Party]) -> tuple[str, str, str]:
    if not parties:
        return "", "", ""
    p = parties[0]
    return (p.code or "") + (p.sector or ""), (p.name or "").upper(), p.code or ""


def _num(value: Any) -> str:
    return "" if value is None else str(value)


def gdelt_row(row: dict[str, Any], parties: dict[str, list[Party]], rep: dict[str, Any]) -> list[str]:
    """One GDELT 2.0 event-table row (the columns we can fill; see the store README for the mapping)."""
    cameo = row["cameo"] or ""
    start, span_start = rep.get("first_start"), rep.get("span_start")
    root = "1" if start is not None and span_start is not None and start - span_start < ROOT_CHARS else "0"
    return [
        row["id"], _digits(row["date"], 8), *_gdelt_actor(parties["actor"]),
        *_gdelt_actor(parties["recipient"]), root, cameo, cameo[:3], cameo[:2], _num(row["quad"]),
        _num(row["goldstein"]), _num(row["num_mentions"]), _num(row["num_sources"]),
        _num(row["num_articles"]),
        "", row["location_name"] or "", row["location_country"] or "", _num(row["lat"]), _num(row["lon"]),
        _digits(row["first_seen"], 14), rep.get("url") or "",
    ]


def _csv(store: Store, where: str, params: list[Any], fh: IO[str]) -> int:
    """Flat events table: list columns joined with ``|``."""
    events = _events(store, where, params)
    names = [c for c in BY_NAME["events"].names if c != "merge_key"]
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(names)
    for row in events:
        writer.writerow(["|".join(v or "" for v in row[c]) if isinstance(row[c], list) else _num(row[c])
                         for c in names])
    return len(events)


def _parquet(store: Store, where: str, params: list[Any], out: Path) -> int:
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    queries = {
        "events": (f"SELECT {{cols}} FROM events e WHERE {where} ORDER BY e.id", "e"),
        "event_participants": (f"SELECT {{cols}} FROM event_participants p WHERE p.event_id IN {_sub(where)} "
                               "ORDER BY p.event_id, p.role, p.idx", "p"),
        "articles": ("SELECT {cols} FROM articles a WHERE a.id IN (SELECT r.article_id FROM "
                     f"event_reports r WHERE r.event_id IN {_sub(where)}) ORDER BY a.id", "a"),
    }
    count = 0
    for name in PARQUET_TABLES:
        sql, alias = queries[name]
        schema = BY_NAME[name].arrow_schema()
        cols = ", ".join(f"{alias}.{q(c)}" for c in schema.names)
        table = store.fetch_arrow(sql.format(cols=cols), params, schema)
        pq.write_table(table, out / f"{name}.parquet")
        count = table.num_rows if name == "events" else count
    return count
