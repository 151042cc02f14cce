"""Plain-text files: one file, one document, its id the path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from marsad.readers.base import Reader, register
from marsad.records import Document


def newlines(text: str) -> str:
    """Universal newlines (CRLF/CR -> LF), as Python's own text mode does, so spans are platform-free."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@register(".txt", ".text")
class TextReader(Reader):
    """Reads a whole text file; the encoding is detected (see ``marsad.readers.decode``)."""

    format = "text"

    def read_stream(self, stream: BinaryIO, source: str) -> Iterator[Document]:
        data = self.read_all(stream, source)
        decoded = self.decode(data, source) if data is not None else None
        if decoded is None:
            return
        text = newlines(decoded.text)
        yield Document(
            id=source, text=text, provenance=self.provenance(source, text, decoded.encoding), format="text"
        )
