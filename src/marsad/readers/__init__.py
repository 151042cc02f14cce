"""Ingestion: ``read(source)`` turns files, directories, ``.gz`` files, stdin and streams into Documents.

Layout
------
* ``Reader`` (``base``) is the base class: one abstract method ``read_stream(stream, source)``; it owns
  size limits, decoding (``decode``: UTF-8, BOMs, cp1256, charset-normalizer) and provenance.
* ``TextReader`` (``.txt``/``.text``), ``HtmlReader`` (``.html``/``.htm``), ``JsonlReader``
  (``.jsonl``/``.json``/``.ndjson``) are registered by extension with ``@register``; ``.gz`` variants
  are decompressed as streams and dispatched on the inner extension.
* ``ErrorLog`` counts bad input by kind; nothing in this package raises for bad input.

Adding a format (RSS/Atom, WARC)
--------------------------------
Write a subclass in its own module, set ``format``, implement ``read_stream`` (yield one ``Document``
per item/record, with ``Provenance.record_id`` for WARC), optionally ``sniff(head)`` with a
``sniff_priority`` above HTML's (10) so that ``<rss``/``<feed`` streams are not taken for HTML, decorate
it with ``@register(".rss", ".atom")`` (or ``".warc"``), and import the module below so it registers.
"""

from marsad.readers.base import Reader, reader_for_extension, register, registered_extensions
from marsad.readers.decode import Decoded, decode_bytes
from marsad.readers.errors import ErrorLog, ReadError
from marsad.readers.feed import FeedReader as FeedReader
from marsad.readers.html import HtmlReader
from marsad.readers.jsonl import JsonlReader
from marsad.readers.source import read
from marsad.readers.text import TextReader
from marsad.readers.warc import WarcReader as WarcReader

__all__ = [
    "Decoded",
    "ErrorLog",
    "HtmlReader",
    "JsonlReader",
    "ReadError",
    "Reader",
    "TextReader",
    "decode_bytes",
    "read",
    "reader_for_extension",
    "register",
    "registered_extensions",
]
