"""``marsad watch``: conditional polling, incremental ingest, backoff, Ctrl-C — against a loopback server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from marsad.store import open_store
from marsad.store.base import Store
from marsad.store.ingest import rules_processor
from marsad.watch import (
    FeedState,
    Watcher,
    WatchState,
    add_watch_commands,
    backoff,
    default_state_path,
    parse_interval,
)

STORIES = [
    ("وزير الخارجية المصري يزور عمّان", "أعلنت وزارة الخارجية المصرية أن الوزير سيزور عمّان الأسبوع المقبل."),
    ("اعتقالات في بغداد", "قالت الحكومة العراقية إن قوات الأمن اعتقلت عشرين مشتبها بهم في بغداد."),
    ("قمة في الرياض", "انعقدت القمة العربية في الرياض بحضور القادة العرب لبحث الأوضاع في المنطقة."),
    ("الرئيس الفرنسي يستقبل نظيره اللبناني", "استقبل الرئيس الفرنسي في قصر الإليزيه نظيره اللبناني."),
]


@dataclass
class Site:
    """What the loopback server serves, and what it saw."""

    items: list[tuple[str, str]] = field(default_factory=lambda: list(STORIES[:3]))
    version: int = 1
    fail_next: int = 0  # answer this many feed requests with HTTP 500
    requests: int = 0
    statuses: list[int] = field(default_factory=list)
    conditional: list[dict[str, str | None]] = field(default_factory=list)

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{t}</title><guid>story-{i}</guid><link>http://127.0.0.1/s/{i}</link>"
            f"<description>{body}</description></item>"
            for i, (t, body) in enumerate(self.items)
        )
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>محلي</title>"
                f"{items}</channel></rss>").encode()

    def update(self, item: tuple[str, str]) -> None:
        self.items.append(item)
        self.version += 1


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests += 1
            etag, modified = f'"v{site.version}"', formatdate(1_700_000_000 + site.version, usegmt=True)
            site.conditional.append({"etag": self.headers.get("If-None-Match"),
                                     "modified": self.headers.get("If-Modified-Since")})
            if site.fail_next:
                site.fail_next -= 1
                return self._send(500, b"boom")
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
                return self._send(304, b"", etag=etag)
            return self._send(200, site.rss(), etag=etag, modified=modified)

        def _send(self, status: int, body: bytes, **validators: str) -> None:
            site.statuses.append(status)
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            if "etag" in validators:
                self.send_header("ETag", validators["etag"])
            if "modified" in validators:
                self.send_header("Last-Modified", validators["modified"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/feed.rss"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "w.duckdb")) as opened:
        yield opened


class FakeTime:
    """A clock that ``sleep`` advances instantly, so schedules and backoff run in no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _watcher(store: Store, url: str, state: WatchState, fake: FakeTime, **kw: Any) -> Watcher:
    return Watcher(store, [url], state, every=300, timeout=5, processor=rules_processor,
                   clock=fake.clock, sleep=fake.sleep, backoff_base=10, backoff_cap=40, **kw)


def _documents(store: Store) -> int:
    return int(store.fetchall("SELECT count(*) FROM documents")[0][0])


def test_poll_304_and_one_new_item(site: tuple[Site, str], store: Store, tmp_path: Path) -> None:
    server, url = site
    fake = FakeTime()
    state = WatchState(tmp_path / "w.duckdb.watch.json")
    watcher = _watcher(store, url, state, fake)

    first = watcher.poll_round()[0]
    assert (first.status, first.items, first.new, first.stored) == (200, 3, 3, 3)
    assert _documents(store) == 3

    fake.now += 300
    second = watcher.poll_round()[0]  # nothing changed: the server answers 304, nothing is parsed
    assert second.status == 304 and second.stored == 0
    assert server.conditional[-1] == {"etag": '"v1"', "modified": formatdate(1_700_000_001, usegmt=True)}

    server.update(STORIES[3])
    fake.now += 300
    third = watcher.poll_round()[0]
    assert (third.status, third.items, third.new, third.stored) == (200, 4, 1, 1)
    assert _documents(store) == 4
    assert server.statuses == [200, 304, 200]
    stored = store.fetchall("SELECT id, outlet, format FROM documents ORDER BY id")
    assert [r[0] for r in stored] == ["story-0", "story-1", "story-2", "story-3"]
    assert {(r[1], r[2]) for r in stored} == {("محلي", "feed")}

    # the state survives a restart: a new watcher sends the validators and knows the seen ids
    reloaded = WatchState.load(state.path)
    assert reloaded.feed(url).etag == '"v2"' and len(reloaded.feed(url).seen) == 4
    again = _watcher(store, url, reloaded, FakeTime()).poll_round()[0]
    assert again.status == 304


def test_server_errors_back_off_then_recover(site: tuple[Site, str], store: Store) -> None:
    server, url = site
    server.fail_next = 3
    fake = FakeTime()
    watcher = _watcher(store, url, WatchState(), fake)
    summary = watcher.run(max_polls=5)
    assert server.statuses == [500, 500, 500, 200, 304]
    assert fake.sleeps == [10, 20, 40, 300]  # 10, 20, 40 (capped), then the normal rhythm
    assert summary.failures == 3 and summary.documents_stored == 3 and summary.not_modified == 1
    assert summary.rounds == 5 and not summary.interrupted
    assert watcher.state.feed(url).failures == 0


def test_connection_refused_is_survived(store: Store) -> None:
    fake = FakeTime()
    watcher = _watcher(store, "http://127.0.0.1:9/feed.rss", WatchState(), fake)
    summary = watcher.run(max_polls=3)
    assert summary.failures == 3 and fake.sleeps == [10, 20]


def test_ctrl_c_ends_with_summary(site: tuple[Site, str], store: Store, tmp_path: Path) -> None:
    _, url = site
    fake = FakeTime()

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    state = WatchState(tmp_path / "state.json")
    watcher = Watcher(store, [url], state, every=60, processor=rules_processor, clock=fake.clock,
                      sleep=interrupted)
    summary = watcher.run()
    assert summary.interrupted and summary.rounds == 1 and summary.documents_stored == 3
    assert (tmp_path / "state.json").is_file()


def test_cli_runs_and_exits_zero(site: tuple[Site, str], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    _, url = site
    parser = argparse.ArgumentParser()
    add_watch_commands(parser.add_subparsers(dest="command"))
    db = tmp_path / "cli.duckdb"
    args = parser.parse_args(["watch", url, "--every", "10ms", "--db", str(db), "--max-polls", "2",
                              "--no-model"])
    assert args.func(args) == 0
    err = capsys.readouterr().err
    assert "3 new, 3 stored" in err and "not modified" in err
    assert (tmp_path / "cli.duckdb.watch.json").is_file()
    bad = parser.parse_args(["watch", "feed.rss", "--db", str(db)])
    assert bad.func(bad) == 2


def test_helpers() -> None:
    assert parse_interval("5m") == 300 and parse_interval("90") == 90 and parse_interval("1h") == 3600
    with pytest.raises(Exception, match="interval"):
        parse_interval("soon")
    assert [backoff(n, 30, 100) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]
    fs = FeedState(etag='"x"', modified="Tue, 14 Nov 2023 22:13:20 GMT")
    assert fs.conditional_headers() == {"If-None-Match": '"x"', "If-Modified-Since": fs.modified}
    assert default_state_path("postgresql://u@h/db") == Path("marsad-watch.json")
    assert default_state_path(":memory:") is None
    assert default_state_path("/data/m.duckdb") == Path("/data/m.duckdb.watch.json")
