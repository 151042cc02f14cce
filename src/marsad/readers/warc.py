"""WARC archives (``.warc``, ``.warc.gz``, Common Crawl News): one Document per archived HTML page.

* Records are streamed with warcio's ``ArchiveIterator``, so a multi-gigabyte crawl never sits in memory.
  Gzip-per-record files (the standard ``.warc.gz`` and the CC-NEWS layout) are read from the raw bytes:
  ``read()`` hands ``.warc.gz`` files over as a ``GzipFile``, which warcio cannot see past when the last
  member is cut, so the reader unwraps it and lets warcio decompress member by member.
* ``response`` (and ``resource``) records with an HTML payload go through the HTML reader's ``extract``
  on the de-chunked, de-compressed HTTP body, decoded with the charset of the HTTP ``Content-Type``
  (then the page's ``<meta charset>``, then the decode cascade).
* Everything else (``request``, ``metadata``, ``warcinfo``, ``revisit``, non-HTML payloads, error
  statuses) is *not* an error: it is counted in ``WarcReader.skipped`` by reason and logged once per file
  at INFO. A crawl has as many request records as responses, and counting them in ``ErrorLog`` would
  drown real problems. Truncated or corrupt records *are* errors: ``warc_truncated`` when a record
  holds fewer bytes than its Content-Length (the readable part of the page is kept, with
  ``metadata['truncated']``), ``warc_corrupt`` when warcio cannot parse on (a cut gzip member, garbage,
  an ARC file); the rest of that file is then lost.
* Provenance: ``source`` = the WARC file, ``record_id`` = ``WARC-Record-ID``, ``byte_offset`` = the
  record's offset; ``Document.url`` = ``WARC-Target-URI`` (also the id), ``metadata['warc_date']``.
"""

from __future__ import annotations

import codecs
import gzip
import logging
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, BinaryIO

from marsad.readers.base import MAX_DOCUMENT_BYTES, Reader, register
from marsad.readers.decode import Decoded, arabic_letter_ratio
from marsad.readers.html import Extraction, declared_charset, extract
from marsad.records import Document

LOGGER = logging.getLogger("marsad.readers")

_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Single-byte Arabic code pages that the decode cascade would take for cp1256 (its step 4 runs before a
# declared charset); when a server names one of them, the server is believed.
_OTHER_ARABIC_CODECS = frozenset({"iso8859-6", "cp720", "mac-arabic", "cp864"})
_CONTENT_RECORDS = ("response", "resource")
_MIN_ARABIC = 0.5


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header value, if any."""
    match = _CHARSET_PARAM.search(content_type or "")
    return match.group(1) if match else None


def is_html_type(content_type: str | None) -> bool:
    """True for HTML media types (the parameters after ``;`` are ignored)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in _HTML_TYPES


def _server_codec(data: bytes, charset: str | None) -> Decoded | None:
    """Decode with a server-declared Arabic code page the cascade would otherwise override."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return None
    if name not in _OTHER_ARABIC_CODECS:
        return None
    try:
        text = data.decode(name)
    except UnicodeDecodeError:
        return None
    return Decoded(text, name) if arabic_letter_ratio(text[:65536]) >= _MIN_ARABIC else None


def extract_html_bytes(
    reader: Reader, data: bytes, source: str, charset: str | None = None
) -> tuple[Extraction, str] | None:
    """``(extraction, encoding)`` of an HTML payload, or ``None`` with the error counted in the reader.

    Shared by the WARC reader and the feed reader's page fetch: both hold raw bytes plus the charset an
    HTTP header declared, which outranks the page's own ``<meta charset>``.
    """
    declared = charset or declared_charset(data)
    decoded = _server_codec(data, charset) or reader.decode(data, source, declared)
    if decoded is None:
        return None
    found = extract(decoded.text)
    if found is None:
        reader.errors.add("no_text", source, None, "no text found in the HTML page")
        return None
    return found, decoded.encoding


def _raw_stream(stream: BinaryIO) -> BinaryIO:
    """The compressed file under a not-yet-read ``GzipFile`` (see the module docstring), else ``stream``."""
    if isinstance(stream, gzip.GzipFile):
        inner = getattr(stream, "fileobj", None)
        try:
            if inner is not None and stream.tell() == 0:
                return inner  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return stream
    return stream


@register(".warc")
class WarcReader(Reader):
    """Reads WARC files; see the module docstring for what becomes a Document and what is skipped."""

    format = "warc"
    sniff_priority = 30

    def __init__(self, errors: Any = None) -> None:
        super().__init__(errors)
        self.skipped: Counter[str] = Counter()

    @classmethod
    def sniff(cls, head: str) -> bool:
        return head.startswith("WARC/")

    def read_stream(self, stream: BinaryIO, source: str) -> Iterator[Document]:
        from warcio.archiveiterator import ArchiveIterator  # imported only when a WARC is read

        before, made = Counter(self.skipped), 0
        records = ArchiveIterator(_raw_stream(stream))
        try:
            for record in records:
                if record.format != "warc":  # warcio reads any text line as an ARC header; ARC is not read
                    self.errors.add("warc_corrupt", source, None, "not a WARC record (ARC or garbage)")
                    break
                doc = self._record(record, source, records)
                if doc is not None:
                    made += 1
                    yield doc
        except Exception as exc:  # a cut or corrupt gzip member, garbage between records: the rest is lost
            message = f"record cut short or corrupt: {type(exc).__name__}: {exc}"
            self.errors.add("warc_corrupt", source, None, message)
        skipped = dict(self.skipped - before)
        LOGGER.info("%s: %d documents, skipped %s", source, made, skipped or "nothing")

    def _record(self, record: Any, source: str, records: Any) -> Document | None:
        """The Document of one record, or ``None`` (counted as skipped or as an error)."""
        kind = record.rec_type
        if kind is None:  # warcio's empty record after a member cut short
            self.errors.add("warc_truncated", source, None, "record cut short (no WARC headers)")
            return None
        if kind not in _CONTENT_RECORDS:
            self.skipped[kind] += 1
            return None
        content_type = self._content_type(record)
        if not is_html_type(content_type):
            self.skipped["non_html"] += 1
            return None
        if record.http_headers is not None and not str(record.http_headers.get_statuscode()).startswith("2"):
            self.skipped["http_status"] += 1
            return None
        return self._page(record, source, records.get_record_offset, content_type)

    @staticmethod
    def _content_type(record: Any) -> str | None:
        if record.http_headers is not None:
            return record.http_headers.get_header("Content-Type")
        return record.rec_headers.get_header("Content-Type")

    def _page(self, record: Any, source: str, offset: Any, content_type: str | None) -> Document | None:
        headers = record.rec_headers
        uri = headers.get_header("WARC-Target-URI")
        record_id = headers.get_header("WARC-Record-ID")
        where = f"{source}#{record_id}"
        data = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            self.errors.add("too_large", where, None, f"payload larger than {MAX_DOCUMENT_BYTES} bytes")
            return None
        truncated = getattr(record.raw_stream, "limit", 0) > 0  # fewer bytes than Content-Length said
        if truncated:
            self.errors.add("warc_truncated", where, None, "payload shorter than its Content-Length")
        found = extract_html_bytes(self, data, where, charset_of(content_type))
        if found is None:
            return None
        page, encoding = found
        metadata = dict(page.metadata, warc_date=headers.get_header("WARC-Date"), content_type=content_type)
        if page.url and page.url != uri:
            metadata["canonical_url"] = page.url
        if truncated:
            metadata["truncated"] = True
        provenance = self.provenance(source, page.text, encoding, None, offset())
        provenance.record_id = record_id
        return Document(
            id=uri or record_id or where, text=page.text, provenance=provenance, format="html",
            title=page.title, published=page.published, url=uri or page.url, author=page.author,
            site_name=page.site_name, related=page.related, metadata=metadata,
        )
