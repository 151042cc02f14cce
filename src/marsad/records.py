"""Typed records that flow through the pipeline: document -> article -> sentence -> mention -> event -> story.

Every stage takes and yields these records; dicts appear only at the edges (JSON in, JSON out). All
spans are character offsets into ``Document.text`` (the original, decoded text), so evidence can always
be shown in place.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any


@dataclass(slots=True, frozen=True)
class Span:
    """A half-open character range ``[start, end)`` into the original document text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(slots=True)
class Provenance:
    """Where a document came from, so any result can be traced back to its bytes."""

    source: str  # path, URL, or "<stdin>"
    line: int | None = None  # 1-based line for line-oriented inputs (JSONL)
    byte_offset: int | None = None  # offset of the record in the (decompressed) stream
    content_hash: str = ""  # sha1 of the decoded text, hex
    fetched: str = ""  # ISO timestamp of when marsad read it
    encoding: str | None = None  # detected text encoding
    record_id: str | None = None  # e.g. a WARC record id


@dataclass(slots=True)
class Document:
    """One input unit as read: a file, a JSONL line, an HTML page, a feed item."""

    id: str
    text: str
    provenance: Provenance
    format: str = "text"  # text | html | jsonl | ...
    title: str | None = None  # from metadata (JSONL field, HTML <title>); may not occur in ``text``
    published: str | None = None  # raw publication date as the source gives it
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    site_name: str | None = None
    related: list[str] = field(default_factory=list)  # "read also" headlines found by the HTML reader
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Sentence:
    """A sentence of an article: its text and its span in the document."""

    text: str
    span: Span
    is_title: bool = False


@dataclass(slots=True)
class Mention:
    """An actor named in the text, linked (when possible) to the knowledge base."""

    span: Span
    text: str
    kb_id: str | None = None
    name: str | None = None  # canonical English name
    code: str | None = None  # ISO alpha-3 or PLOVER pseudo-country (UNO, IGO, ...)
    sector: str | None = None  # PLOVER sector (GOV, MIL, ...)
    role: str | None = None  # office held at the article date, e.g. "president"
    kind: str = "entity"  # person | state | org | role | generic | group | pronoun ...
    confidence: float = 1.0
    refers_to: list[int] = field(default_factory=list)  # indexes of mentions a group/pronoun stands for


@dataclass(slots=True)
class Party:
    """An actor or recipient of an event."""

    code: str | None
    sector: str | None
    name: str | None = None
    kb_id: str | None = None
    text: str = ""
    span: Span | None = None


@dataclass(slots=True)
class Evidence:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Event:
    """A coded PLOVER event with its parties and the verbatim evidence."""

    id: str
    type: str
    mode: str | None = None
    context: list[str] = field(default_factory=list)
    cameo: str | None = None
    goldstein: float | None = None
    quad: int | None = None
    actors: list[Party] = field(default_factory=list)
    recipients: list[Party] = field(default_factory=list)
    initiator: Party | None = None
    attribution: str | None = None
    date: str | None = None
    date_precision: str | None = None
    historical: bool = False
    location: dict[str, Any] | None = None
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0


@dataclass(slots=True)
class Article:
    """One news item carved out of a document: a full article or a title-only related headline.

    ``text`` is the cleaned body: the document lines in ``segments`` joined by newlines, so that every
    character of ``text`` maps back to the document through ``to_doc``.
    """

    doc_id: str
    id: str
    index: int
    kind: str = "article"  # article | headline
    title: str | None = None
    title_span: Span | None = None
    text: str = ""
    segments: list[Span] = field(default_factory=list)
    span: Span | None = None  # whole extent in the document
    published: str | None = None  # ISO date or datetime
    published_precision: str | None = None
    outlet: str | None = None
    source: str | None = None  # "المصدر:" attribution: the outlet the text was taken from
    byline: str | None = None
    url: str | None = None
    breaking: bool = False
    related: list[str] = field(default_factory=list)  # ids of related headline articles
    parent: str | None = None  # for headlines: the article whose page listed them
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    _starts: list[int] | None = field(default=None, repr=False, compare=False)  # text offset of each segment

    def to_doc(self, offset: int) -> int:
        """Map an offset in ``self.text`` to an offset in the document text."""
        if self._starts is None or len(self._starts) != len(self.segments):
            self._starts = list(accumulate((s.end - s.start + 1 for s in self.segments[:-1]), initial=0))
        i = bisect_right(self._starts, offset) - 1
        if i < 0 or offset > self._starts[i] + self.segments[i].end - self.segments[i].start:
            raise IndexError(f"offset {offset} is outside article {self.id}")
        return self.segments[i].start + offset - self._starts[i]


@dataclass(slots=True)
class Story:
    """A cluster of articles telling the same story (syndicated copies, republications)."""

    id: str
    article_ids: list[str] = field(default_factory=list)
    title: str | None = None
