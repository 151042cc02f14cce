"""RSS and Atom feeds (``.rss``, ``.atom``, ``.xml``; sniffed by the root element): one Document per item.

* Parsing is feedparser's (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, broken-XML tolerant). It is always given the
  bytes as a stream: handed a string, feedparser would take it for a URL or a file name and open it.
* An item becomes ``Document(id=guid or link, title, url=link, published=raw date, outlet=feed title)``;
  the text is the item's full ``content`` when it has one, else its ``summary`` (markup removed), with the
  title line put in front (as the JSONL reader does) because headlines carry events too.
* ``fetch_pages=True`` fetches each item's linked page over HTTP and extracts it with the HTML reader's
  ``extract`` (``metadata['text_source'] = 'page'``); a failed fetch or an empty page falls back to the
  summary. Network access happens only then, or in ``read_feed`` when it is given an ``http(s)`` URL;
  ``marsad.readers.read`` on a file never touches the network.
* A ``.xml`` file that is not a feed (a sitemap, an XHTML page) is handed to the reader its content
  sniffs as, so registering ``.xml`` here does not swallow other XML.
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from time import strftime, struct_time
from typing import Any, BinaryIO

from marsad.readers.base import MAX_DOCUMENT_BYTES, Reader, register, sniff_reader
from marsad.readers.errors import ErrorLog
from marsad.readers.html import best_effort_text
from marsad.readers.warc import charset_of, extract_html_bytes
from marsad.records import Document

USER_AGENT = "marsad/0.1 (Arabic news event coder; feed reader)"
DEFAULT_TIMEOUT = 20.0
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_PROLOG = re.compile(r"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.IGNORECASE | re.DOTALL)
_MARKUP = re.compile(r"<[a-zA-Z/!]")


class FetchError(OSError):
    """An HTTP fetch failed (network error, timeout, non-2xx status other than 304)."""


@dataclass(slots=True)
class Fetched:
    """One HTTP response: status (200 or 304), body and lower-cased headers."""

    url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Fetcher = Callable[..., Fetched]


def is_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def http_get(url: str, *, timeout: float = DEFAULT_TIMEOUT, headers: dict[str, str] | None = None) -> Fetched:
    """GET ``url`` with marsad's User-Agent; a 304 is a result, every other failure a ``FetchError``.

    Only ``http``/``https``: urllib would also open ``file:`` and ``ftp:`` URLs taken from a feed.
    """
    if not is_url(url):
        raise FetchError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_DOCUMENT_BYTES + 1)
            found = {k.lower(): v for k, v in response.headers.items()}
            return Fetched(response.geturl(), response.status, body[:MAX_DOCUMENT_BYTES], found)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(url, 304, b"", {k.lower(): v for k, v in (exc.headers or {}).items()})
        raise FetchError(f"HTTP {exc.code} for {url}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchError(f"{type(exc).__name__} for {url}: {exc}") from exc


def looks_like_feed(head: str) -> bool:
    """True when the first element after the XML prolog is ``<rss``, ``<feed`` or ``<rdf:RDF``."""
    rest = head[_PROLOG.match(head).end() :]  # type: ignore[union-attr]
    return bool(_FEED_ROOT.match(rest))


def _plain(markup: str) -> str:
    """Item summaries are often HTML fragments; keep their visible text only."""
    if not _MARKUP.search(markup):
        return markup.strip()
    return best_effort_text(f"<html><body>{markup}</body></html>")


def _iso(parsed: struct_time | None) -> str | None:
    if not parsed:
        return None
    return strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


@dataclass(slots=True)
class ParsedFeed:
    """A parsed feed: its metadata and entries (feedparser dicts), plus where it came from."""

    source: str
    title: str | None
    link: str | None
    entries: list[Any]


@register(".rss", ".atom", ".xml")
class FeedReader(Reader):
    """Reads RSS/Atom feeds; ``fetch_pages`` swaps each summary for the linked page's text."""

    format = "feed"
    sniff_priority = 15

    def __init__(
        self,
        errors: ErrorLog | None = None,
        *,
        fetch_pages: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        fetch: Fetcher = http_get,
    ) -> None:
        super().__init__(errors)
        self.fetch_pages = fetch_pages
        self.timeout = timeout
        self.fetch = fetch

    @classmethod
    def sniff(cls, head: str) -> bool:
        return looks_like_feed(head)

    def read_stream(self, stream: BinaryIO, source: str) -> Iterator[Document]:
        data = self.read_all(stream, source)
        if data is None:
            return
        head = data[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff")
        if not looks_like_feed(head):
            other = sniff_reader(head)
            if other.format == "text":  # XML that is neither a feed nor a page (a sitemap, say)
                self.errors.add("bad_feed", source, None, "not an RSS/Atom feed")
            else:  # a .xml file holding an XHTML page or JSON
                yield from other(self.errors).read_stream(io.BytesIO(data), source)
            return
        yield from self.documents(self.parse(data, source))

    def parse(self, data: bytes, source: str, content_type: str | None = None) -> ParsedFeed:
        """Parse feed bytes (never a string: see the module docstring); a broken feed is counted."""
        import feedparser  # imported only when a feed is read

        headers = {"content-type": content_type} if content_type else None
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
        if not parsed.entries and (parsed.bozo or not parsed.version):
            reason = parsed.get("bozo_exception") or "no feed items"
            self.errors.add("bad_feed", source, None, f"not a readable feed: {reason}")
        feed = parsed.feed
        return ParsedFeed(source, feed.get("title") or None, feed.get("link") or None, list(parsed.entries))

    def documents(self, feed: ParsedFeed, only: set[str] | None = None) -> Iterator[Document]:
        """Documents of the feed's items (of the ids in ``only`` when given); bad items are counted."""
        for index, entry in enumerate(feed.entries):
            item_id = entry_id(entry, feed.source, index)
            if only is not None and item_id not in only:
                continue
            try:
                doc = self.item(entry, feed, item_id)
            except Exception as exc:  # one bad item must not stop the feed
                self.errors.add("exception", feed.source, None, f"item {index}: {type(exc).__name__}: {exc}")
                continue
            if doc is not None:
                yield doc

    def item(self, entry: Any, feed: ParsedFeed, item_id: str) -> Document | None:
        """One item as a Document: the linked page when fetched, else content/summary with the title."""
        title = (entry.get("title") or "").strip() or None
        link = entry.get("link") if is_url(entry.get("link")) else None  # a non-URL guid becomes the link
        metadata: dict[str, Any] = {"feed": feed.link or feed.source}
        if entry.get("published_parsed") or entry.get("updated_parsed"):
            metadata["published_iso"] = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        if tags := [t.get("term") for t in entry.get("tags") or [] if t.get("term")]:
            metadata["categories"] = tags
        page = self._page(link, item_id) if self.fetch_pages and link else None
        if page is not None:
            text, encoding, metadata["text_source"] = page[0], page[1], "page"
        else:
            text, metadata["text_source"] = self._item_text(entry), "summary"
            encoding = "utf-8"
            if title and not text.startswith(title):
                metadata["title_prepended"] = bool(text)
                text = f"{title}\n\n{text}" if text else title
        if not text.strip():
            self.errors.add("missing_text", feed.source, None, f"{item_id}: no title or text")
            return None
        provenance = self.provenance(feed.source, text, encoding, None, None)
        provenance.record_id = item_id
        return Document(
            id=item_id, text=text, provenance=provenance, format="feed", title=title,
            published=entry.get("published") or entry.get("updated") or None, outlet=feed.title, url=link,
            author=entry.get("author") or None, site_name=feed.title, metadata=metadata,
        )

    @staticmethod
    def _item_text(entry: Any) -> str:
        """The longer of the item's full ``content`` and its ``summary``, as plain text."""
        candidates = [c.get("value") or "" for c in entry.get("content") or []]
        candidates.append(entry.get("summary") or "")
        return max((_plain(c) for c in candidates), key=len, default="")

    def _page(self, link: str, item_id: str) -> tuple[str, str] | None:
        """``(text, encoding)`` of the item's page, or ``None`` (error counted): use the summary."""
        try:
            got = self.fetch(link, timeout=self.timeout)
        except FetchError as exc:
            self.errors.add("fetch", link, None, str(exc))
            return None
        if got.status != 200 or not got.body:
            self.errors.add("fetch", link, None, f"HTTP {got.status}, empty body")
            return None
        found = extract_html_bytes(self, got.body, link, charset_of(got.headers.get("content-type")))
        return (found[0].text, found[1]) if found is not None else None


def entry_id(entry: Any, source: str, index: int) -> str:
    """An item's stable id: its guid/Atom id, else its link, else a hash of its title and summary.

    Not its position: new items push old ones down, and a position id would make them look new.
    """
    found = entry.get("id") or entry.get("link")
    if found:
        return str(found)
    key = f"{entry.get('title') or ''}\n{entry.get('summary') or ''}".encode()
    return f"{source}#{hashlib.sha1(key).hexdigest()[:16]}" if key.strip() else f"{source}#{index}"


def read_feed(
    url_or_path: str,
    fetch_pages: bool = False,
    *,
    errors: ErrorLog | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    fetch: Fetcher = http_get,
) -> Iterator[Document]:
    """Documents of a feed given by ``http(s)`` URL (fetched) or file path; see ``fetch_pages`` above."""
    reader = FeedReader(errors, fetch_pages=fetch_pages, timeout=timeout, fetch=fetch)
    if not is_url(url_or_path):
        try:
            with open(url_or_path, "rb") as stream:
                yield from reader.read_stream(stream, url_or_path)
        except OSError as exc:
            reader.errors.add("io", url_or_path, None, f"{type(exc).__name__}: {exc}")
        return
    try:
        got = fetch(url_or_path, timeout=timeout)
    except FetchError as exc:
        reader.errors.add("fetch", url_or_path, None, str(exc))
        return
    feed = reader.parse(got.body, url_or_path, got.headers.get("content-type"))
    yield from reader.documents(feed)
