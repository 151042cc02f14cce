"""JSON Lines: one article per line, streamed so memory stays flat whatever the file size.

Known fields map onto ``Document`` (``id``, ``title``, ``text``, ``date`` -> ``published``, ``outlet``,
``url``); every other field is kept in ``Document.metadata``. A bad line (not JSON, not an object, no
text, too long) is counted with its line number and the rest of the file goes on.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from marsad.readers.base import MAX_DOCUMENT_BYTES, Reader, register
from marsad.readers.decode import DecodeError, decode_bytes
from marsad.records import Document

# A line longer than this is an error, not a crash: real articles are < 1 MB; 20 MB leaves room for
# pages with inlined HTML while bounding what one line can cost.
MAX_LINE_BYTES = 20 * 1024 * 1024
_SKIP_CHUNK = 1024 * 1024
_KNOWN = ("id", "title", "text", "date", "outlet", "url")


def iter_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, int, bytes | None]]:
    """Yield ``(line_no, byte_offset, raw)``; ``raw`` is ``None`` for a line over ``limit`` bytes.

    An over-long line is skipped in bounded chunks, so it never sits in memory whole.
    """
    offset = line_no = 0
    while raw := stream.readline(limit + 1):
        line_no += 1
        start = offset
        offset += len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(_SKIP_CHUNK)
                offset += len(raw)
            yield line_no, start, None
        else:
            yield line_no, start, raw


def _starts_whole_json(first: bytes) -> bool:
    """True when the first line opens a pretty-printed JSON document rather than a JSON line."""
    head = first.removeprefix(b"\xef\xbb\xbf").strip()
    return head in (b"{", b"[") or head.startswith(b"[")


class _Prepended:
    """A stream with one already-read line put back in front (streams cannot always ``peek``)."""

    def __init__(self, first: bytes, rest: BinaryIO) -> None:
        self._first: bytes | None = first
        self._rest = rest

    def readline(self, size: int = -1) -> bytes:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        return self._rest.readline(size)


def _optional_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


@register(".jsonl", ".json", ".ndjson")
class JsonlReader(Reader):
    """Reads JSON Lines; each line must be an object with a non-empty string ``text``."""

    format = "jsonl"
    sniff_priority = 20

    @classmethod
    def sniff(cls, head: str) -> bool:
        return head.lstrip().startswith("{")

    def read_stream(self, stream: BinaryIO, source: str) -> Iterator[Document]:
        first = stream.readline(MAX_LINE_BYTES + 1)
        if not first:
            self.errors.add("empty", source, None, "empty file: no JSON lines")
            return
        if not _starts_whole_json(first):
            yield from self._read_lines(_Prepended(first, stream), source)
            return
        data = first + stream.read(MAX_DOCUMENT_BYTES)
        try:
            value = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            yield from self._read_lines(io.BytesIO(data), source)  # not one JSON value: read it as lines
            return
        yield from self._read_value(value, source)

    def _read_value(self, value: Any, source: str) -> Iterator[Document]:
        """A whole-file JSON value (a pretty-printed ``.json``): an object or a list of objects."""
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            try:
                doc = self._from_record(item, source, None, None, "utf-8", f"{source}#{index}")
            except Exception as exc:  # one bad record must not stop the file
                self.errors.add("exception", source, None, f"item {index}: {type(exc).__name__}: {exc}")
                continue
            if doc is not None:
                yield doc

    def _read_lines(self, stream: BinaryIO, source: str) -> Iterator[Document]:
        for line_no, offset, raw in iter_lines(stream):
            if raw is None:
                self.errors.add("line_too_long", source, line_no, f"line longer than {MAX_LINE_BYTES} bytes")
                continue
            try:
                doc = self._document(raw, source, line_no, offset)
            except Exception as exc:  # one bad record must not stop the file
                self.errors.add("exception", source, line_no, f"{type(exc).__name__}: {exc}")
                continue
            if doc is not None:
                yield doc

    def _decode_line(self, raw: bytes, source: str, line_no: int) -> tuple[str, str] | None:
        if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            decoded = decode_bytes(raw)
        except DecodeError as exc:
            self.errors.add("decode", source, line_no, str(exc))
            return None
        return decoded.text, decoded.encoding

    def _parse(self, raw: bytes, source: str, line_no: int) -> tuple[Any, str] | None:
        line = self._decode_line(raw, source, line_no)
        if line is None or not line[0].strip():
            return None  # decode error counted, or a blank line (not an error)
        try:
            record = json.loads(line[0])
        except json.JSONDecodeError as exc:
            self.errors.add("bad_json", source, line_no, f"not JSON: {exc}")
            return None
        return record, line[1]

    def _document(self, raw: bytes, source: str, line_no: int, offset: int) -> Document | None:
        parsed = self._parse(raw, source, line_no)
        if parsed is None:
            return None
        record, encoding = parsed
        return self._from_record(record, source, line_no, offset, encoding, f"{source}:{line_no}")

    def _from_record(
        self,
        record: Any,
        source: str,
        line_no: int | None,
        offset: int | None,
        encoding: str,
        fallback_id: str,
    ) -> Document | None:
        """A Document from one parsed record, or ``None`` (error counted) when it has no text."""
        if not isinstance(record, dict):
            self.errors.add("bad_json", source, line_no, f"a JSON {type(record).__name__}, not an object")
            return None
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            self.errors.add("missing_text", source, line_no, "no non-empty string field 'text'")
            return None
        title = _optional_str(record.get("title"))
        metadata = {k: v for k, v in record.items() if k not in _KNOWN}
        text = _with_title(text, title, metadata)
        return Document(
            id=_optional_str(record.get("id")) or fallback_id,
            text=text,
            provenance=self.provenance(source, text, encoding, line_no, offset),
            format="jsonl",
            title=title,
            published=_optional_str(record.get("date")),
            outlet=_optional_str(record.get("outlet")),
            url=_optional_str(record.get("url")),
            metadata=metadata,
        )


def _with_title(text: str, title: str | None, metadata: dict[str, Any]) -> str:
    """Put the title line in front of the body when the body does not start with it.

    Titles carry events too, and evidence must index the document text; so the document text is the
    page as a reader sees it, title first. ``metadata["title_prepended"]`` records that it was added.
    """
    if not title or not title.strip() or text.lstrip().startswith(title.strip()):
        return text
    metadata["title_prepended"] = True
    return f"{title.strip()}\n\n{text}"
