"""Store benchmark: ingest rates into DuckDB and PostgreSQL beside the in-memory pipeline, and query latency.

Ingest: the first N corpus documents (``MARSAD_BENCH_STORE_DOCS``, default 500) are read and processed
once in memory (the pipeline rate: read + segment + link + code); the same processed articles are then
stored through ``marsad.store.ingest`` into a fresh DuckDB file and a fresh PostgreSQL database (a
throw-away cluster from the installed binaries, or ``MARSAD_BENCH_PG_URL``). The store time covers
everything the store adds: hashing and the idempotence look-up, MinHash signatures and story
assignment, event merging, the bulk writes and the aggregate updates. The end-to-end ingest rate is
documents / (pipeline time + store time).

Query latency: a synthetic DuckDB of 1,000,000 merged events (2 participants and 1 evidence row each,
generated with DuckDB SQL) answers two query shapes with p50/p95 over repeated runs with varied
parameters: a dyad timeline (events per month for A->B) and a filtered page (type + country + one year,
50 newest with their evidence).

Run: ``python benchmarks/bench_store.py``; ``run()`` returns the numbers for ``run_all.py``.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import common

DOCS = int(os.environ.get("MARSAD_BENCH_STORE_DOCS", "500"))
EVENTS = int(os.environ.get("MARSAD_BENCH_STORE_EVENTS", "1000000"))
QUERY_REPS = 30
CODES = ("RUS", "UKR", "USA", "IRN", "ISR", "PSE", "SYR", "IRQ", "EGY", "SAU", "TUR", "LBN", "YEM", "JOR",
         "QAT", "ARE", "LBY", "SDN", "DZA", "MAR", "TUN", "FRA", "GBR", "DEU", "CHN", "UNO", "EUR", "IGO",
         "KWT", "OMN")
TYPES = ("AGREE", "ASSAULT", "COERCE", "CONSULT", "COOPERATE", "DEMAND", "DISAPPROVE", "MOBILIZE", "PROTEST",
         "REJECT", "RETREAT", "SUPPORT", "THREATEN", "AID", "REQUEST", "ACCUSE", "SANCTION", "INVESTIGATE")


def _subset(path: Path, n: int, out: Path) -> int:
    count = 0
    with path.open(encoding="utf-8") as fin, out.open("w", encoding="utf-8") as fout:
        for line in fin:
            if line.strip():
                fout.write(line)
                count += 1
                if count >= n:
                    break
    return count


def _pipeline(path: Path) -> tuple[float, dict[str, Any]]:
    """Read + process every document once (after a warm-up document); returns seconds and the cache."""
    from marsad.pipeline import Stats, process
    from marsad.readers import ErrorLog, read

    first = next(iter(read(path, errors=ErrorLog())))
    process(first)  # warm-up: KB automaton, lexicons, model
    cache: dict[str, Any] = {}
    stats = Stats()
    t0 = time.perf_counter()
    for doc in read(path, errors=ErrorLog()):
        cache[doc.id] = process(doc, stats)
    return time.perf_counter() - t0, cache


def _store_time(url: str, path: Path, cache: dict[str, Any]) -> dict[str, float]:
    """Ingest with pre-processed articles: only the store's own work is timed (reading included)."""
    from marsad.store import open_store
    from marsad.store.ingest import ingest

    def cached(doc: Any, stats: Any) -> Any:
        return cache[doc.id]

    with open_store(url) as store:
        store.fetchall("SELECT 1")
        t0 = time.perf_counter()
        summary = ingest(store, [path], batch=200, processor=cached)
        seconds = time.perf_counter() - t0
        counts = store.counts()
    return {"seconds": seconds, "documents": summary.documents_stored, "events": counts["events"],
            "evidence": counts["evidence"]}


def _pg_url() -> tuple[str | None, Any]:
    url = os.environ.get("MARSAD_BENCH_PG_URL")
    if url:
        return url, None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, None
    from marsad.store.pgserver import temp_postgres, wait_ready

    pg = temp_postgres()
    if pg is None:
        return None, None
    url = pg.start("marsad_bench")
    wait_ready(url)
    return url, pg


def bench_ingest(tmp: Path) -> dict[str, Any]:
    docs_path = tmp / "docs.jsonl"
    n = _subset(common.corpus().path, DOCS, docs_path)
    pipe_s, cache = _pipeline(docs_path)
    out: dict[str, Any] = {"documents": n, "pipeline_seconds": pipe_s, "pipeline_docs_per_s": n / pipe_s}
    backends = {"duckdb": str(tmp / "bench.duckdb")}
    pg_url, pg = _pg_url()
    if pg_url:
        backends["postgres"] = pg_url
    else:
        out["postgres"] = "skipped: no PostgreSQL binaries or psycopg"
    try:
        for name, url in backends.items():
            r = _store_time(url, docs_path, cache)
            r["store_docs_per_s"] = n / r["seconds"]
            r["ingest_docs_per_s"] = n / (pipe_s + r["seconds"])
            r["store_share_of_ingest"] = r["seconds"] / (pipe_s + r["seconds"])
            out[name] = r
    finally:
        if pg is not None:
            pg.stop()
    return out


def synthetic_events(path: str, n: int) -> float:
    """Fill a fresh DuckDB store with ``n`` merged events in SQL; returns the generation seconds."""
    from marsad.store import open_store

    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    types = "[" + ", ".join(f"'{t}'" for t in TYPES) + "]"
    nc, nt = len(CODES), len(TYPES)
    t0 = time.perf_counter()
    with open_store(path) as store:
        store.execute(f"""
            CREATE TEMP TABLE syn AS SELECT i, 'm:syn' || i AS id,
                {types}[1 + CAST(hash(i) % {nt} AS INTEGER)] AS type,
                {codes}[1 + CAST(hash(i * 3 + 1) % {nc} AS INTEGER)] AS a,
                {codes}[1 + CAST(hash(i * 5 + 2) % {nc} AS INTEGER)] AS b,
                strftime(DATE '2015-01-01' + CAST(hash(i * 7 + 3) % 3650 AS INTEGER), '%Y-%m-%d') AS d
            FROM range({n}) t(i)""")
        store.execute("""
            INSERT INTO events SELECT id, type, NULL, [], '190', -10.0, 1 + CAST(i % 4 AS INTEGER), d, 'day',
                false, [a], [b], [a], [b], NULL, NULL, NULL, NULL, 1 + CAST(i % 3 AS INTEGER),
                1 + CAST(i % 2 AS INTEGER), 1 + CAST(i % 5 AS INTEGER), d, ['synthetic'], 0.5, NULL
            FROM syn ORDER BY d""")
        store.execute("""
            INSERT INTO event_participants SELECT id, 'actor', 'country:' || a, a, a, 'GOV', 0 FROM syn
            UNION ALL SELECT id, 'recipient', 'country:' || b, b, b, 'GOV', 0 FROM syn""")
        store.execute("""
            INSERT INTO evidence SELECT id, 'syn#' || i, id || '/e0', 'نص الحدث رقم ' || i, 0, 20 FROM syn""")
    return time.perf_counter() - t0


def _latency(fn: Any, args: list[Any]) -> dict[str, float]:
    times = []
    for a in args:
        t0 = time.perf_counter()
        fn(a)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return {"p50_ms": statistics.median(times), "p95_ms": p95, "runs": len(times)}


def bench_queries(tmp: Path) -> dict[str, Any]:
    from marsad.store import open_store

    path = str(tmp / "synthetic.duckdb")
    gen_s = synthetic_events(path, EVENTS)
    rng = random.Random(7)
    dyads = [f"{rng.choice(CODES)},{rng.choice(CODES)}" for _ in range(QUERY_REPS)]
    pages = [{"type": rng.choice(TYPES), "country": rng.choice(CODES), "from": str(y), "to": str(y)}
             for y in (rng.randint(2015, 2024) for _ in range(QUERY_REPS))]
    with open_store(path, read_only=True) as store:
        store.timeline({"dyad": "RUS,UKR"})  # warm-up
        store.query(pages[0], limit=50)
        timeline = _latency(lambda d: store.timeline({"dyad": d}, period=7), dyads)
        page = _latency(lambda f: store.query(f, limit=50), pages)
        events = store.counts()["events"]
    return {"events": events, "generate_seconds": gen_s, "dyad_timeline": timeline, "filtered_page": page}


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="marsad_bench_store_") as tmp:
        ingest = bench_ingest(Path(tmp))
        queries = bench_queries(Path(tmp))
    return {"corpus": common.corpus().note, "ingest": ingest, "queries": queries}


def report(res: dict[str, Any]) -> str:
    ing, qry = res["ingest"], res["queries"]
    rows = [["pipeline in memory (read + process)", common.fmt(ing["pipeline_seconds"]),
             common.fmt(ing["pipeline_docs_per_s"], 1), "", ""]]
    for name in ("duckdb", "postgres"):
        r = ing.get(name)
        if isinstance(r, dict):
            rows.append([f"store into {name}", common.fmt(r["seconds"]), common.fmt(r["store_docs_per_s"], 1),
                         common.fmt(r["ingest_docs_per_s"], 1), f"{100 * r['store_share_of_ingest']:.0f}%"])
    lines = [f"Store ({ing['documents']} documents; {res['corpus']})", "",
             common.table(["stage", "seconds", "docs/s", "ingest docs/s", "store share"], rows), "",
             f"Synthetic DuckDB: {qry['events']:,} events generated in {qry['generate_seconds']:.1f} s", "",
             common.table(["query", "p50 ms", "p95 ms", "runs"],
                          [[k, common.fmt(qry[k]["p50_ms"]), common.fmt(qry[k]["p95_ms"]),
                            str(qry[k]["runs"])] for k in ("dyad_timeline", "filtered_page")])]
    return "\n".join(lines)


if __name__ == "__main__":
    result = run()
    print(report(result))
    print(json.dumps(result, indent=1, default=str))
