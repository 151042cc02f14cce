"""The ``Reader`` base class and the registry that maps file extensions and sniffed content to readers.

A reader is one format's logic only: ``read_stream(stream, source)`` turns a binary stream into
``Document`` records. The base class owns what every format shares (size limits, decoding, provenance,
error counting), so a new format (RSS/Atom, WARC) is one subclass decorated with ``@register(...)``.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO, ClassVar

from marsad.readers.decode import BinaryContentError, Decoded, DecodeError, decode_bytes
from marsad.readers.errors import ErrorLog
from marsad.records import Document, Provenance

# A whole-file document (text, HTML) larger than this is refused: no real article is near it, and
# reading it whole would put an unbounded amount in memory.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

_BY_EXTENSION: dict[str, type[Reader]] = {}
_BY_FORMAT: dict[str, type[Reader]] = {}


class Reader(ABC):
    """Base class of all readers: subclasses implement ``read_stream`` and set ``format``/``extensions``.

    ``sniff(head)`` lets a reader claim a stream of unknown name (stdin, a file-like object) from its first
    bytes; readers are asked in decreasing ``sniff_priority`` and the text reader takes what is left.
    """

    format: ClassVar[str] = "text"
    extensions: ClassVar[tuple[str, ...]] = ()
    sniff_priority: ClassVar[int] = 0

    def __init__(self, errors: ErrorLog | None = None) -> None:
        self.errors = errors if errors is not None else ErrorLog()
        self.fetched = datetime.now(UTC).isoformat(timespec="seconds")

    @abstractmethod
    def read_stream(self, stream: BinaryIO, source: str) -> Iterator[Document]:
        """Yield the documents in ``stream``; report bad input to ``self.errors`` instead of raising."""

    @classmethod
    def sniff(cls, head: str) -> bool:
        """True when the decoded first bytes ``head`` look like this reader's format."""
        return False

    def read_all(self, stream: BinaryIO, source: str) -> bytes | None:
        """The whole stream, or ``None`` (error counted) when it is empty or too large."""
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            self.errors.add("too_large", source, None, f"larger than {MAX_DOCUMENT_BYTES} bytes")
            return None
        if not data.strip():
            self.errors.add("empty", source, None, "empty input")
            return None
        return data

    def decode(self, data: bytes, source: str, declared: str | None = None) -> Decoded | None:
        """Decode bytes, or ``None`` (error counted) for binary or undecodable content."""
        try:
            decoded = decode_bytes(data, declared)
        except BinaryContentError as exc:
            self.errors.add("binary", source, None, str(exc))
            return None
        except DecodeError as exc:
            self.errors.add("decode", source, None, str(exc))
            return None
        if not decoded.text.strip():
            self.errors.add("empty", source, None, "no text after decoding")
            return None
        return decoded

    def provenance(
        self, source: str, text: str, encoding: str | None, line: int | None = None, offset: int | None = 0
    ) -> Provenance:
        """Provenance with the sha1 of the decoded text and the time this reader started."""
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        return Provenance(source, line, offset, digest, self.fetched, encoding)


def register(*extensions: str) -> Callable[[type[Reader]], type[Reader]]:
    """Class decorator: make a reader the one used for these extensions (lower-case, with the dot)."""

    def wrap(cls: type[Reader]) -> type[Reader]:
        cls.extensions = tuple(extensions)
        for ext in extensions:
            _BY_EXTENSION[ext.lower()] = cls
        _BY_FORMAT[cls.format] = cls
        return cls

    return wrap


def reader_for_extension(ext: str) -> type[Reader] | None:
    """The reader registered for ``ext`` (e.g. ``".jsonl"``), or ``None``."""
    return _BY_EXTENSION.get(ext.lower())


def registered_extensions() -> frozenset[str]:
    return frozenset(_BY_EXTENSION)


def registered_formats() -> dict[str, type[Reader]]:
    return dict(_BY_FORMAT)


def sniff_reader(head: str) -> type[Reader]:
    """The reader whose ``sniff`` claims ``head`` first (highest priority), else the text reader."""
    for cls in sorted(_BY_FORMAT.values(), key=lambda c: -c.sniff_priority):
        if cls.sniff(head):
            return cls
    return _BY_FORMAT["text"]
