"""RSS/Atom reader: items -> Documents, sniffing, .xml fallback, and page fetching (loopback only)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from marsad.readers import ErrorLog, read
from marsad.readers.base import sniff_reader
from marsad.readers.feed import FeedReader, Fetched, FetchError, http_get, looks_like_feed, read_feed

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "readers" / "feeds"
PAGE_TEXT = "أكد الوزير في مؤتمر صحفي مشترك أن البلدين اتفقا على تعزيز التعاون الاقتصادي والأمني بينهما. "


def test_rss_items() -> None:
    log = ErrorLog()
    docs = list(read(FEEDS / "arabic_news.rss", errors=log))
    assert [d.id for d in docs] == ["east-1001", "https://news.example.org/2024/05/01/arrests", "east-1003"]
    first, second, third = docs
    assert first.title == "وزير الخارجية المصري يزور عمّان"
    assert first.url == "https://news.example.org/2024/05/01/visit"
    assert first.outlet == "أخبار الشرق" and first.format == "feed"
    assert first.published == "Wed, 01 May 2024 09:30:00 +0300"
    assert first.metadata["published_iso"] == "2024-05-01T06:30:00Z"
    assert first.metadata["categories"] == ["سياسة"]
    assert first.text.startswith(first.title + "\n\n")
    assert "الوزير سيزور عمّان" in first.text and "<b>" not in first.text  # markup removed
    assert "بعد معلومات استخباراتية" in second.text  # content:encoded beats the shorter description
    assert third.text == "عاجل: انفجار في دمشق" and third.url is None  # a title-only item is kept
    assert first.provenance.record_id == "east-1001"
    assert log.count == 0 and log.documents == 3


def test_atom_entry() -> None:
    (doc,) = read(FEEDS / "arabic_news.atom")
    assert doc.id == "urn:example:agency:77"
    assert doc.url == "https://agency.example.net/a/77"
    assert doc.outlet == "وكالة الأنباء" and doc.author == "مراسل الوكالة"
    assert "قصر الإليزيه" in doc.text


def test_legacy_encoding_declared_in_xml() -> None:
    (doc,) = read(FEEDS / "legacy_cp1256.xml")
    assert doc.outlet == "صحيفة قديمة" and "القمة العربية في الرياض" in doc.text


def test_xml_that_is_not_a_feed_is_counted() -> None:
    log = ErrorLog()
    assert list(read(FEEDS / "sitemap.xml", errors=log)) == []
    assert log.by_kind == {"bad_feed": 1}


def test_sniffing_beats_html_on_streams() -> None:
    rss = (FEEDS / "arabic_news.rss").read_text(encoding="utf-8")
    assert sniff_reader(rss[:4096]) is FeedReader
    assert looks_like_feed("<!-- x --><feed xmlns='http://www.w3.org/2005/Atom'>")
    assert not looks_like_feed("<!DOCTYPE html><html><body>news feed</body></html>")
    assert len(list(read(io.BytesIO(rss.encode())))) == 3


def test_fetch_pages_with_fallback() -> None:
    """Item 1's page is fetched; item 2's fetch fails and its summary is kept; item 3 has no link."""
    calls: list[str] = []

    def fake_fetch(url: str, *, timeout: float) -> Fetched:
        calls.append(url)
        if url.endswith("/visit"):
            page = f"<html><body><article><p>{PAGE_TEXT * 4}</p></article></body></html>"
            headers = {"content-type": "text/html; charset=windows-1256"}
            return Fetched(url, 200, page.encode("cp1256"), headers)
        raise FetchError("HTTP 500")

    log = ErrorLog()
    reader = FeedReader(log, fetch_pages=True, fetch=fake_fetch)
    docs = list(reader.read_stream(open(FEEDS / "arabic_news.rss", "rb"), "feed.rss"))  # noqa: SIM115
    assert len(calls) == 2
    assert docs[0].metadata["text_source"] == "page" and "تعزيز التعاون الاقتصادي" in docs[0].text
    assert docs[0].provenance.encoding == "cp1256"
    assert docs[1].metadata["text_source"] == "summary" and "اعتقلت عشرين" in docs[1].text
    assert log.by_kind == {"fetch": 1}


class _Site(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}
    seen_agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen_agents.append(self.headers.get("User-Agent", ""))
        status, ctype, body = self.routes.get(self.path, (404, "text/plain", b"missing"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_read_feed_over_http(site: str) -> None:
    page = f"<html><body><article><p>{PAGE_TEXT * 4}</p></article></body></html>".encode()
    rss = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>محلي</title>"
        f"<item><title>زيارة</title><link>{site}/page</link><description>ملخص قصير</description></item>"
        f"<item><title>خبر</title><link>{site}/broken</link><description>ملخص ثان</description></item>"
        "</channel></rss>"
    ).encode()
    _Site.routes = {"/feed": (200, "application/rss+xml", rss), "/page": (200, "text/html", page),
                    "/broken": (500, "text/plain", b"boom")}
    _Site.seen_agents = []
    log = ErrorLog()
    docs = list(read_feed(f"{site}/feed", fetch_pages=True, errors=log, timeout=5))
    assert [d.metadata["text_source"] for d in docs] == ["page", "summary"]
    assert "تعزيز التعاون" in docs[0].text and docs[0].provenance.source == f"{site}/feed"
    assert all(agent.startswith("marsad/") for agent in _Site.seen_agents) and len(_Site.seen_agents) == 3
    assert log.by_kind == {"fetch": 1}
    assert [d.metadata["text_source"] for d in read_feed(f"{site}/feed")] == ["summary", "summary"]


def test_only_http_urls_are_fetched(tmp_path: Path) -> None:
    with pytest.raises(FetchError):
        http_get(f"file://{tmp_path}/x")
