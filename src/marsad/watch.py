"""``marsad watch FEED_URL...``: poll RSS/Atom feeds and ingest new items into the store as they appear.

Why it is cheap to leave running:

* Conditional requests: each feed's ``ETag`` and ``Last-Modified`` are sent back as ``If-None-Match`` /
  ``If-Modified-Since``; a ``304 Not Modified`` costs no parsing and no ingest.
* Only new items are built (and, with ``--fetch-pages``, fetched): item ids already seen are remembered
  per feed (the last ``MAX_SEEN``). The store's content-hash check stays the final guard, so a lost
  state file only costs re-reading, never duplicates.
* State (validators, seen ids, failure count) lives in a small JSON file beside the DuckDB file
  (``marsad.duckdb.watch.json``; ``./marsad-watch.json`` for PostgreSQL; ``--state`` to choose), written
  atomically after every round. Validators and seen ids advance only after the items are stored, so a
  crash or Ctrl-C mid-ingest refetches them next time.
* A failing feed (network error, timeout, HTTP 5xx, store error) is retried after an exponential
  backoff (``BACKOFF_BASE`` doubled per consecutive failure, capped at ``BACKOFF_CAP``) while the other
  feeds keep their rhythm. Ctrl-C ends the run with a summary and exit status 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from marsad.models import add_model_arguments, use_model_argument
from marsad.readers.errors import ErrorLog
from marsad.readers.feed import (
    DEFAULT_TIMEOUT,
    FeedReader,
    Fetched,
    Fetcher,
    FetchError,
    entry_id,
    http_get,
    is_url,
)
from marsad.store.base import Store
from marsad.store.ingest import Ingester, Processor

DEFAULT_EVERY = 300.0
BACKOFF_BASE = 30.0
BACKOFF_CAP = 3600.0
# Feeds list their last 10-100 items; remembering many more ids than that only grows the state file.
MAX_SEEN = 5000
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_interval(text: str) -> float:
    """Seconds in ``"90"``, ``"30s"``, ``"5m"``, ``"1h"``; ``ArgumentTypeError`` otherwise."""
    match = _INTERVAL.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not an interval: {text!r} (use e.g. 30s, 5m, 1h)")
    return float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]


def backoff(failures: int, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait after ``failures`` consecutive failures: base, 2*base, 4*base, ... up to cap."""
    return min(cap, base * 2 ** max(0, failures - 1))


@dataclass
class FeedState:
    """What is remembered about one feed between polls and between runs."""

    etag: str | None = None
    modified: str | None = None
    seen: list[str] = field(default_factory=list)
    failures: int = 0

    def remember(self, ids: Iterable[str]) -> None:
        self.seen.extend(ids)
        del self.seen[:-MAX_SEEN]

    def conditional_headers(self) -> dict[str, str]:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        if self.modified:
            headers["If-Modified-Since"] = self.modified
        return headers


class WatchState:
    """Per-feed ``FeedState`` objects, loaded from and saved to a JSON file (``path=None``: memory only)."""

    def __init__(self, path: Path | None = None, feeds: dict[str, FeedState] | None = None) -> None:
        self.path = path
        self.feeds = feeds or {}

    @classmethod
    def load(cls, path: Path | None) -> WatchState:
        if path is None or not path.is_file():
            return cls(path)
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(path, {url: FeedState(**value) for url, value in raw.get("feeds", {}).items()})

    def feed(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState())

    def save(self) -> None:
        """Write atomically (temp file + rename), so a kill never leaves half a state file."""
        if self.path is None:
            return
        data = json.dumps({"feeds": {u: asdict(s) for u, s in self.feeds.items()}}, ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".watch-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
        os.replace(tmp, self.path)


def default_state_path(db: str | None) -> Path | None:
    """Beside the DuckDB file; ``./marsad-watch.json`` for PostgreSQL; ``None`` for an in-memory DB."""
    from marsad.store import resolve_url

    target = resolve_url(db)
    if target.startswith(("postgresql://", "postgres://")):
        return Path("marsad-watch.json")
    path = target.removeprefix("duckdb://").removeprefix("duckdb:")
    return None if path in ("", ":memory:") else Path(path + ".watch.json")


@dataclass
class PollResult:
    """One feed fetch: ``status`` is the HTTP status (200, 304) or ``"error"``."""

    url: str
    status: int | str
    items: int = 0
    new: int = 0
    stored: int = 0
    events: int = 0
    error: str | None = None


@dataclass
class WatchSummary:
    rounds: int = 0
    requests: int = 0
    not_modified: int = 0
    failures: int = 0
    new_items: int = 0
    documents_stored: int = 0
    new_events: int = 0
    interrupted: bool = False


class Watcher:
    """Polls feeds on a schedule and ingests new items; ``clock``/``sleep``/``fetch`` are injectable."""

    def __init__(
        self, store: Store, feeds: list[str], state: WatchState, *, every: float = DEFAULT_EVERY,
        fetch_pages: bool = False, timeout: float = DEFAULT_TIMEOUT, processor: Processor | None = None,
        fetch: Fetcher = http_get, backoff_base: float = BACKOFF_BASE, backoff_cap: float = BACKOFF_CAP,
        clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
        report: Callable[[PollResult], None] | None = None,
    ) -> None:
        self.store, self.feeds, self.state = store, list(dict.fromkeys(feeds)), state
        self.every, self.timeout, self.processor, self.fetch = every, timeout, processor, fetch
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.clock, self.sleep, self.report = clock, sleep, report
        self.errors = ErrorLog()
        self.reader = FeedReader(self.errors, fetch_pages=fetch_pages, timeout=timeout, fetch=fetch)
        self.due = dict.fromkeys(self.feeds, 0.0)
        self.summary = WatchSummary()

    def run(self, max_polls: int | None = None) -> WatchSummary:
        """Poll until ``max_polls`` rounds are done (forever when ``None``) or Ctrl-C."""
        try:
            while max_polls is None or self.summary.rounds < max_polls:
                wait = min(self.due.values()) - self.clock()
                if wait > 0:
                    self.sleep(wait)
                self.poll_round()
        except KeyboardInterrupt:
            self.summary.interrupted = True
        finally:
            self.state.save()
        return self.summary

    def poll_round(self) -> list[PollResult]:
        """Poll every feed that is due, schedule its next poll, save the state."""
        now = self.clock()
        results = [self.poll(url) for url in self.feeds if self.due[url] <= now]
        for result in results:
            failures = self.state.feed(result.url).failures
            delay = backoff(failures, self.backoff_base, self.backoff_cap) if failures else self.every
            self.due[result.url] = self.clock() + delay
            if self.report:
                self.report(result)
        self.summary.rounds += 1
        self.state.save()
        return results

    def poll(self, url: str) -> PollResult:
        """Fetch one feed conditionally and ingest its new items; failures are counted, never raised."""
        feed_state = self.state.feed(url)
        self.summary.requests += 1
        try:
            got = self.fetch(url, timeout=self.timeout, headers=feed_state.conditional_headers())
            result = self._handle(url, feed_state, got)
        except FetchError as exc:
            result = PollResult(url, "error", error=str(exc))
        except Exception as exc:  # a store or parser failure: back off like a network error
            result = PollResult(url, "error", error=f"{type(exc).__name__}: {exc}")
        if result.status == "error":
            feed_state.failures += 1
            self.summary.failures += 1
        else:
            feed_state.failures = 0
        return result

    def _handle(self, url: str, fs: FeedState, got: Fetched) -> PollResult:
        status, headers = got.status, got.headers
        if status == 304:
            self.summary.not_modified += 1
            return PollResult(url, 304)
        feed = self.reader.parse(got.body, url, headers.get("content-type"))
        ids = list(dict.fromkeys(entry_id(e, url, i) for i, e in enumerate(feed.entries)))
        seen = set(fs.seen)
        new = [i for i in ids if i not in seen]
        result = PollResult(url, status, len(ids), len(new))
        docs = list(self.reader.documents(feed, only=set(new))) if new else []
        if docs:
            ingester = Ingester(self.store, processor=self.processor)
            stored = ingester.run_documents(docs)
            result.stored, result.events = stored.documents_stored, stored.new_events
        fs.remember(new)  # only now: an ingest that raised leaves these items to the next poll
        fs.etag, fs.modified = headers.get("etag"), headers.get("last-modified")
        self.summary.new_items += len(new)
        self.summary.documents_stored += result.stored
        self.summary.new_events += result.events
        return result


# -- command line --------------------------------------------------------------------------------------


def add_watch_commands(subparsers: Any) -> None:
    """Register ``watch`` on an ``argparse`` sub-parsers object (called from ``marsad.cli``)."""
    from marsad.store.cli_commands import DB_HELP

    p = subparsers.add_parser("watch", help="poll RSS/Atom feeds and ingest new items into the store")
    p.add_argument("feeds", nargs="+", metavar="FEED_URL", help="http(s) URLs of RSS or Atom feeds")
    p.add_argument("--every", type=parse_interval, default=DEFAULT_EVERY,
                   help="time between polls of a feed: 90, 30s, 5m, 1h (default 5m)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--max-polls", type=int, help="stop after N polling rounds (default: run until Ctrl-C)")
    p.add_argument("--fetch-pages", action="store_true", help="fetch each new item's page for its full text")
    p.add_argument("--state", help="state file (default: beside the DuckDB file, <db>.watch.json)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="HTTP timeout in seconds")
    add_model_arguments(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no per-poll lines or summary")
    p.set_defaults(func=cmd_watch)


def _print_result(result: PollResult) -> None:
    stamp = time.strftime("%H:%M:%S")
    if result.status == "error":
        print(f"{stamp} {result.url}: error: {result.error}", file=sys.stderr)
    elif result.status == 304:
        print(f"{stamp} {result.url}: not modified", file=sys.stderr)
    else:
        print(f"{stamp} {result.url}: {result.items} items, {result.new} new, {result.stored} stored, "
              f"{result.events} events", file=sys.stderr)


def cmd_watch(args: argparse.Namespace) -> int:
    from marsad.store import open_store
    from marsad.store.ingest import rules_processor

    bad = [u for u in args.feeds if not is_url(u)]
    if bad:
        print(f"marsad watch: not http(s) URLs: {', '.join(bad)}", file=sys.stderr)
        return 2
    state = WatchState.load(Path(args.state) if args.state else default_state_path(args.db))
    with open_store(args.db) as store:
        watcher = Watcher(
            store, args.feeds, state, every=args.every, fetch_pages=args.fetch_pages, timeout=args.timeout,
            processor=rules_processor if args.no_model else None,
            report=None if args.quiet else _print_result,
        )
        summary = watcher.run(args.max_polls)
    if not args.quiet:
        print(json.dumps(asdict(summary)), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m marsad.watch``) until ``marsad.cli`` wires ``watch`` in."""
    parser = argparse.ArgumentParser(prog="marsad")
    add_watch_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    use_model_argument(args)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
