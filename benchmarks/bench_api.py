"""REST API benchmark: /api/events latency under 200 concurrent clients over a 1,000,000-event DuckDB store.

The store is the synthetic one of ``bench_store.synthetic_events`` (1M merged events, 2 participants and
1 evidence row each; ``MARSAD_BENCH_API_EVENTS`` to change the size, ``MARSAD_BENCH_API_DB`` to reuse a
file). uvicorn serves ``marsad.web.api.create_app`` (read-only) on a free loopback port in a subprocess;
this process drives it with a lean keep-alive client (``Connection``). Phases of
``MARSAD_BENCH_API_SECONDS`` (default 20), on a fresh server with its response cache:

* ``single`` (half as long): one client, back to back: the service time of a request without queueing,
* ``closed``: 200 clients, each sending its next request as soon as the previous one answers (the server
  is saturated: latency here is mostly queueing; throughput is the capacity),
* ``paced``: 200 clients, each waiting a random 1-3 s between requests (dashboard users reading pages;
  about 100 requests/s offered). The goal applies here.

then on a fresh server without the cache (``--cache-mb 0``): ``single_nocache`` and ``paced_nocache``, so
the cache's share is visible. Each answer's ``x-marsad-cache`` header gives the hit rate per phase.

Every request is a page of /api/events with varied filters (type, country + year, dyad, actor code or KB
id, quad + date range, free text, sort, offsets). Reported: p50/p95/p99 latency, requests/s, errors.
Note: the load generator shares the machine's cores with the server.

Run: ``python benchmarks/bench_api.py``; ``run()`` returns the numbers for ``run_all.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_store import CODES, TYPES, synthetic_events

EVENTS = int(os.environ.get("MARSAD_BENCH_API_EVENTS", "1000000"))
SECONDS = float(os.environ.get("MARSAD_BENCH_API_SECONDS", "20"))
CLIENTS = int(os.environ.get("MARSAD_BENCH_API_CLIENTS", "200"))
WORKERS = int(os.environ.get("MARSAD_BENCH_API_WORKERS", "1"))
GOAL_P95_MS = 150.0


def _plover_types() -> list[str]:
    from marsad.events.ontology import TYPES as PLOVER

    return [t for t in TYPES if t in PLOVER]


def query(rng: random.Random, types: list[str]) -> dict[str, Any]:
    """One varied /api/events request (the mix a dashboard and scripts produce)."""
    year = rng.randint(2015, 2024)
    a, b = rng.sample(CODES, 2)
    shapes: list[dict[str, Any]] = [
        {"offset": rng.choice([0, 0, 50, 100, 500, 2000])},
        {"type": rng.choice(types)},
        {"type": rng.choice(types), "country": a, "date_from": str(year), "date_to": str(year)},
        {"dyad": f"{a},{b}"},
        {"actor": a},
        {"actor": f"country:{a}"},
        {"quad": rng.randint(1, 4), "date_from": f"{year}-01", "date_to": f"{year}-06"},
        {"q": str(rng.randint(1000, 999_999))},
        {"type": rng.choice(types), "sort": "-goldstein"},
        {"date_from": f"{year}-{rng.randint(1, 12):02d}", "limit": 100},
    ]
    return rng.choice(shapes)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int, cache: bool = True) -> subprocess.Popen[bytes]:
    """``marsad serve`` as a user starts it (``MARSAD_BENCH_API_WORKERS`` processes, default 1)."""
    args = ["serve", "--db", db, "--port", str(port), "--log-level", "warning", "--workers", str(WORKERS)]
    code = "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *args, *([] if cache else ["--cache-mb", "0"])],
                            stdout=subprocess.DEVNULL)


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM (graceful), then SIGKILL if it lingers: a benchmark must never leave a server behind."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


def wait_ready(base: str, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/events", params={"limit": 1}, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the API server did not start")


class Connection:
    """One keep-alive HTTP/1.1 connection on raw asyncio streams.

    Why not httpx: the load generator shares the machine's two cores with the server, and httpx spends
    about 1 ms of CPU per request (URL models, header objects, pools), which the server then lacks. This
    client does only what a measurement needs: send a GET, read the status line, the headers and exactly
    Content-Length bytes (every /api/events answer carries one).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bool]:
        """(status, whether the server's response cache answered)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode("ascii"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, hit = 0, False
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"x-marsad-cache":
                hit = value.strip() == b"hit"
        await self.reader.readexactly(length)
        return status, hit

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def drive(base: str, seconds: float, clients: int, think: tuple[float, float] | None) -> dict[str, Any]:
    """``clients`` concurrent loops, one connection each, until the deadline; latency (ms) and failures."""
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(base)
    types = _plover_types()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    hits = 0
    deadline = time.monotonic() + seconds

    async def user(seed: int) -> None:
        nonlocal hits
        rng = random.Random(seed)
        conn = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        if think:
            await asyncio.sleep(rng.uniform(0, think[1]))  # spread the first requests
        while time.monotonic() < deadline:
            target = "/api/events?" + urlencode(query(rng, types))
            t0 = time.perf_counter()
            try:
                status, hit = await asyncio.wait_for(conn.get(target), 60)
                key = None if status == 200 else str(status)
                hits += hit
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                key = type(exc).__name__
                conn.close()
            latencies.append((time.perf_counter() - t0) * 1000)
            if key:
                errors[key] = errors.get(key, 0) + 1
            if think:
                await asyncio.sleep(rng.uniform(*think))
        conn.close()

    t0 = time.monotonic()
    await asyncio.gather(*(user(i) for i in range(clients)))
    return {**summarize(latencies, errors, time.monotonic() - t0), "cache_hits": hits}


def summarize(latencies: list[float], errors: dict[str, int], elapsed: float) -> dict[str, Any]:
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]

    rps = len(latencies) / elapsed if elapsed else 0.0
    return {"requests": len(latencies), "seconds": elapsed, "rps": rps,
            "p50_ms": statistics.median(ordered), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "max_ms": ordered[-1], "errors": sum(errors.values()), "errors_by_kind": errors}


def phases(db: str, cache: bool) -> dict[str, Any]:
    """One fresh server; single, then (with the cache) closed, then paced."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port, cache)
    try:
        wait_ready(base)
        asyncio.run(drive(base, 2.0, 8, None))  # warm-up: DuckDB's buffers, the thread pool
        out = {"single": asyncio.run(drive(base, SECONDS / 2, 1, None))}
        if cache:
            out["closed"] = asyncio.run(drive(base, SECONDS, CLIENTS, None))
        out["paced"] = asyncio.run(drive(base, SECONDS, CLIENTS, (1.0, 3.0)))
        return out
    finally:
        stop(server)


def run() -> dict[str, Any]:
    reuse = os.environ.get("MARSAD_BENCH_API_DB")
    with tempfile.TemporaryDirectory(prefix="marsad_bench_api_") as tmp:
        db = reuse or str(Path(tmp) / "api.duckdb")
        gen_s = 0.0 if reuse and Path(reuse).exists() else synthetic_events(db, EVENTS)
        cached = phases(db, cache=True)
        uncached = phases(db, cache=False)
    return {"events": EVENTS, "generate_seconds": gen_s, "clients": CLIENTS, "workers": WORKERS,
            "seconds": SECONDS,
            "goal_p95_ms": GOAL_P95_MS, **cached,
            "single_nocache": uncached["single"], "paced_nocache": uncached["paced"]}


def report(res: dict[str, Any]) -> str:
    lines = [f"API: {res['clients']} concurrent clients, {res.get('workers', 1)} server worker(s), "
             f"{res['seconds']:.0f} s per phase, /api/events pages "
             f"over {res['events']:,} events (goal p95 < {res['goal_p95_ms']:.0f} ms)", "",
             "phase          requests  req/s    p50 ms   p95 ms   p99 ms   errors  cache hits"]
    for phase in ("single", "closed", "paced", "single_nocache", "paced_nocache"):
        r = res[phase]
        hit_rate = r.get("cache_hits", 0) / max(1, r["requests"])
        lines.append(f"{phase:14s} {r['requests']:8d} {r['rps']:6.1f} {r['p50_ms']:9.1f} {r['p95_ms']:8.1f} "
                     f"{r['p99_ms']:8.1f} {r['errors']:8d}  {hit_rate:9.0%}")
    return "\n".join(lines)


if __name__ == "__main__":
    result = run()
    print(report(result))
    print(json.dumps(result, indent=1, default=str))
