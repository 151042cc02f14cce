"""Split a scraped page into the news items it holds: ``segment(document) -> list[Article]``.

A page off the web is rarely one clean article. It can glue several articles together with "read also"
blocks, list related headlines, carry datelines, source and byline lines, share buttons and copyright
notices. This module carves it into :class:`~marsad.records.Article` records whose spans index
``Document.text`` exactly, so that every later stage can show its evidence in place.

The cascade, cheapest first (rules and word lists live in ``data/segment.yaml``):

1. Classify each non-blank line once, on its normalised form: boilerplate, "read also" marker, metadata
   (dateline, source, byline) or text; a text line is *short* (title or headline candidate) or body.
   Lines over 120 characters are normalised only when a raw pre-screen says a marker may open them.
2. The first article's title is the first short line (for a JSONL record: its ``title`` field when the
   text does not start with it).
3. At a marker, the run of short lines after it is a list of related headlines, unless it is exactly one
   headline followed by metadata or by a body paragraph that does not read as a continuation: then that
   headline opens a new full article. Body text after a headline list continues the article before it.

Body text is never lost: only whole short lines that match a boilerplate pattern are dropped, and
metadata lines are moved to fields, not deleted from the record of what the page said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from marsad.records import Article, Document, Span
from marsad.text.normalize import fold, normalize, normalize_text
from marsad.yaml_data import load_yaml

# Characters that never start or end a meaningful line: whitespace, NUL (seen in the corpus), zero-width
# and bidi controls.
_STRIP = (
    " \t\r\n\f\v\x00\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u202f\u205f\u2060"
    "\u2066\u2067\u2068\u2069\u3000\ufeff"
)
# Separators allowed between a marker and the headline glued to it ("اقرأ أيضاً: ", "قد يهمك| ").
_MARKER_TAIL = r"[\s:|/\\\-.…_,;>»]*"
# Quotes and brackets ignored when looking at a line's last character.
_CLOSERS = "\"'»«)]}”“ "
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Normalisation is most of the cost of segmenting, so only lines short enough to be boilerplate or
# metadata (both capped at this many characters) are normalised whole; longer ones only on a marker hit.
_META_MAX = 120

# Line roles (blank lines are dropped before classification).
BOILER, MARKER, DATE, SOURCE, BYLINE, TEXT = "boiler", "marker", "date", "source", "byline", "text"
META_KINDS = frozenset({DATE, SOURCE, BYLINE})


@dataclass(slots=True, frozen=True)
class _Rules:
    """The compiled form of ``data/segment.yaml`` (built once per process)."""

    marker: re.Pattern[str]
    marker_raw: re.Pattern[str]
    boiler: re.Pattern[str]
    boiler_max: int
    dateline: re.Pattern[str]
    source: re.Pattern[str]
    byline: re.Pattern[str]
    byline_after_title: re.Pattern[str]
    date_only: re.Pattern[str]
    breaking: re.Pattern[str]
    place_dateline: re.Pattern[str]
    continuation: tuple[str, ...]
    not_continuation: tuple[str, ...]
    max_words: int
    max_chars: int
    final_punct: str


def _alts(words: list[str]) -> str:
    """One regex alternation of normalised phrases, longest first so the longest spelling wins."""
    norm = sorted({normalize_text(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in norm)


# Unicode blocks holding Arabic letters and marks, scanned once to invert the normaliser's folding.
_ARABIC_BLOCKS = ((0x0600, 0x0700), (0x0750, 0x0780), (0x08A0, 0x0900), (0xFB50, 0xFE00), (0xFE70, 0xFF00))


def _raw_prescreen(phrases: list[str]) -> re.Pattern[str]:
    """A regex on ORIGINAL text that matches wherever a marker could open the line.

    Built from the normalised phrases by allowing, for each letter, every character that folds to it and
    any run of characters the normaliser deletes (diacritics, tatweel). It lets long body paragraphs skip
    normalisation altogether; a hit is confirmed on the normalised line by the exact marker pattern.
    """
    variants: dict[str, set[str]] = {}
    removable: set[str] = set()
    for lo, hi in _ARABIC_BLOCKS:
        for code in range(lo, hi):
            ch = chr(code)
            if normalize_text(ch) == "":
                removable.add(ch)
            else:
                variants.setdefault(fold(ch), set()).add(ch)
    skip = "[" + re.escape("".join(sorted(removable))) + "]*"
    alts = []
    for phrase in sorted({normalize_text(p) for p in phrases}, key=len, reverse=True):
        parts = []
        for ch in phrase:
            if ch == " ":
                parts.append(r"\s*")
            else:
                parts.append("[" + re.escape("".join(sorted(variants.get(ch, set()) | {ch}))) + "]" + skip)
        alts.append("".join(parts))
    lead = "(?:[\\W_]|" + skip[:-1] + ")*?"
    return re.compile("^" + lead + "(?:" + "|".join(alts) + ")")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(normalize_text(pattern), re.IGNORECASE)


@cache
def _rules() -> _Rules:
    raw = load_yaml(resources.files("marsad").joinpath("data/segment.yaml").read_text("utf-8"))
    mk, meta, boiler, cont, short = (
        raw[k] for k in ("markers", "metadata", "boilerplate", "continuation", "short_line")
    )
    marker = re.compile(
        rf"^[\W_]*?(?:(?:{_alts(mk['glued'])})|(?:{_alts(mk['bounded'])})(?=$|[\s\W])"
        rf"|(?:{_alts(mk['bounded_punct'])})(?=\s*(?:$|[^\w\s])))(?P<tail>{_MARKER_TAIL})",
        re.IGNORECASE,
    )
    date_words = _alts([str(w) for w in meta["date_words"]])
    return _Rules(
        marker=marker,
        marker_raw=_raw_prescreen([*mk["glued"], *mk["bounded"], *mk["bounded_punct"]]),
        boiler=re.compile("|".join(f"(?:{normalize_text(p)})" for p in boiler["patterns"]), re.IGNORECASE),
        boiler_max=int(boiler["max_len"]),
        dateline=_compile(meta["dateline"]),
        source=_compile(meta["source"]),
        byline=_compile(meta["byline"]),
        byline_after_title=_compile(meta["byline_after_title"]),
        date_only=re.compile(rf"^(?:\d+|(?:{date_words})(?!\w)|[\s\W_])+$", re.IGNORECASE),
        breaking=_compile(raw["breaking"]),
        place_dateline=re.compile(raw["place_dateline"]),
        continuation=tuple(normalize_text(p) for p in cont["prefixes"]),
        not_continuation=tuple(normalize_text(p) for p in cont["not_continuation"]),
        max_words=int(short["max_words"]),
        max_chars=int(short["max_chars"]),
        final_punct=str(short["final_punct"]),
    )


def place_dateline_end(sentence: str) -> int:
    """End of a place dateline opening ``sentence`` ("دبي، الإمارات (CNN)-- "), or 0 when there is none."""
    match = _rules().place_dateline.match(sentence)
    return match.end() if match else 0


@dataclass(slots=True)
class Line:
    """One non-empty line of the document: its stripped span, normalised text and role."""

    start: int
    end: int
    norm: str  # normalised text of lines up to 120 characters and of markers; "" for long body lines
    kind: str
    short: bool = False
    value: str | None = None  # metadata value (original text)
    inline: Span | None = None  # for markers: the headline glued after the marker

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def _orig_offset(orig: str, norm_offset: int) -> int:
    """Map an offset in ``normalize_text(orig)`` back to ``orig`` (only for the rare lines that need it)."""
    nt = normalize(orig)
    if norm_offset >= len(nt.text):
        return len(orig)
    return nt.to_orig(norm_offset)


def _value(orig: str, norm: str, m: re.Match[str]) -> str:
    """The original text of a pattern's ``value`` group."""
    start = _orig_offset(orig, m.start("value"))
    end = _orig_offset(orig, m.end("value")) if m.end("value") < len(norm) else len(orig)
    return orig[start:end].strip(_STRIP)


def _is_short(orig: str, rules: _Rules) -> bool:
    """Title/headline candidate: few words, not too long, no sentence-final punctuation.

    Judged on the original line (normalisation only deletes marks, so lengths are upper bounds); the
    last character is folded so that Arabic punctuation counts.
    """
    if len(orig) > rules.max_chars or orig.count(" ") >= rules.max_words:
        return False
    tail = fold(orig.rstrip(_CLOSERS)[-1:])
    return bool(tail) and tail not in rules.final_punct


def _marker_line(orig: str, norm: str, start: int, m: re.Match[str]) -> Line:
    """A marker line; text after the marker (and its separators) is an inline headline."""
    line = Line(start, start + len(orig), norm, MARKER)
    if m.end() < len(norm):
        off = _orig_offset(orig, m.end())
        rest = orig[off:]
        lead = len(rest) - len(rest.lstrip(_STRIP))
        if rest.strip(_STRIP):
            line.inline = Span(start + off + lead, start + len(orig))
    return line


def _is_bare_date(norm: str, rules: _Rules) -> bool:
    """A line that is only a date. A lone number ("2014", a timeline heading) is not: it needs two
    numbers ("17/04/2012") or a number and a date word ("نوفمبر 2012")."""
    numbers = len(_DIGITS.findall(norm))
    if numbers == 0 or not rules.date_only.match(norm):
        return False
    return numbers >= 2 or bool(_WORD.search(norm))


def _meta_line(orig: str, norm: str, start: int, rules: _Rules) -> Line | None:
    """Dateline, source or byline line, or None. Only short lines can be metadata."""
    end = start + len(orig)
    m = rules.dateline.match(norm)
    if m and _DIGIT.search(m.group("value")):
        return Line(start, end, norm, DATE, value=_value(orig, norm, m))
    if len(norm) <= 60 and _is_bare_date(norm, rules):
        return Line(start, end, norm, DATE, value=orig)
    for kind, pat in ((SOURCE, rules.source), (BYLINE, rules.byline)):
        m = pat.match(norm)
        if m:
            return Line(start, end, norm, kind, value=_value(orig, norm, m))
    return None


def _classify(orig: str, start: int, rules: _Rules) -> Line:
    """Role of one stripped, non-empty line."""
    end = start + len(orig)
    if len(orig) > _META_MAX:
        # A long paragraph is body, or a marker with a headline glued to it: normalise only on a hit.
        if rules.marker_raw.match(orig):
            norm = normalize_text(orig)
            m = rules.marker.match(norm)
            if m:
                return _marker_line(orig, norm, start, m)
        return Line(start, end, "", TEXT, short=_is_short(orig, rules))
    norm = normalize_text(orig)
    m = rules.marker.match(norm)
    if m:
        return _marker_line(orig, norm, start, m)
    if rules.boiler.search(norm):
        return Line(start, end, norm, BOILER)
    meta = _meta_line(orig, norm, start, rules)
    if meta is not None:
        return meta
    return Line(start, end, norm, TEXT, short=_is_short(orig, rules))


def classify_lines(text: str) -> list[Line]:
    """All non-blank lines of ``text`` with their roles (public for tests and debugging)."""
    rules = _rules()
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        lead = len(raw) - len(raw.lstrip(_STRIP))
        body = raw.strip(_STRIP)
        if body:
            out.append(_classify(body, pos + lead, rules))
        pos += len(raw) + 1
    return out


@dataclass(slots=True)
class _Draft:
    """An article being assembled; turned into an :class:`Article` once the page is read."""

    pos: int  # document offset that orders drafts
    kind: str = "article"
    title: str | None = None
    title_span: Span | None = None
    breaking: bool = False
    body: list[Span] = field(default_factory=list)
    extent: list[Span] = field(default_factory=list)
    date_raw: str | None = None
    source: str | None = None
    byline: str | None = None
    parent: _Draft | None = None
    related: list[_Draft] = field(default_factory=list)


def _title_from_span(draft: _Draft, span: Span, text: str, rules: _Rules) -> None:
    """Set the title from a document span, stripping a "عاجل.." prefix into the breaking flag."""
    piece = span.slice(text)
    norm = normalize_text(piece)
    m = rules.breaking.match(norm)
    if m and m.end() < len(norm):
        span = Span(span.start + _orig_offset(piece, m.end()), span.end)
        draft.breaking = True
    draft.title_span = span
    draft.title = span.slice(text)
    draft.extent.append(span)


def _title_from_string(draft: _Draft, title: str, rules: _Rules) -> None:
    """Set a metadata title (not in the text), stripping a breaking prefix the same way."""
    title = title.strip(_STRIP)
    norm = normalize_text(title)
    m = rules.breaking.match(norm)
    if m and m.end() < len(norm):
        title = title[_orig_offset(title, m.end()) :].strip(_STRIP)
        draft.breaking = True
    draft.title = title or None


def _squash(s: str) -> str:
    return re.sub(r"[\W_]+", "", normalize_text(s))


def _is_continuation(line: Line, text: str, rules: _Rules) -> bool:
    """Does this body paragraph read as the next paragraph of an article, not the lead of a new one?"""
    norm = line.norm or normalize_text(text[line.start : line.start + 40])
    if norm.startswith(rules.not_continuation):
        return False
    return norm.startswith(rules.continuation)


class _Page:
    """Walks the classified lines of one document and builds the drafts."""

    def __init__(self, document: Document, rules: _Rules) -> None:
        self.doc = document
        self.rules = rules
        self.lines = classify_lines(document.text)
        self.drafts: list[_Draft] = []
        self.cur = self._new(0)

    def _new(self, pos: int, kind: str = "article") -> _Draft:
        draft = _Draft(pos=pos, kind=kind)
        self.drafts.append(draft)
        return draft

    def run(self) -> list[_Draft]:
        i = self._first_title()
        while i < len(self.lines):
            line = self.lines[i]
            if line.kind == MARKER:
                i = self._marker_block(i)
            else:
                self._add(line)
                i += 1
        return self.drafts

    def _first_title(self) -> int:
        """Title of the first article; returns the index of the first line still to read."""
        doc, lines = self.doc, self.lines
        first = next((k for k, ln in enumerate(lines) if ln.kind != BOILER), len(lines))
        line = lines[first] if first < len(lines) else None
        if line is not None:
            self.cur.pos = line.start
        if doc.format == "jsonl" and doc.title and doc.title.strip(_STRIP):
            if (
                line is not None
                and line.kind == TEXT
                and _squash(doc.text[line.start : line.end]) == _squash(doc.title)
            ):
                _title_from_span(self.cur, line.span, doc.text, self.rules)
                return first + 1
            _title_from_string(self.cur, doc.title, self.rules)
            return first
        if line is not None and line.kind == TEXT and line.short and first + 1 < len(lines):
            _title_from_span(self.cur, line.span, doc.text, self.rules)
            return first + 1
        if doc.title:
            _title_from_string(self.cur, doc.title, self.rules)
        return first

    def _add(self, line: Line) -> None:
        """Put a non-marker line into the current article: body, metadata field, or nowhere."""
        cur = self.cur
        if line.kind == TEXT:
            span = line.span
            if (
                cur.title_span is not None
                and not cur.body
                and cur.byline is None
                and line.short
                and self.rules.byline_after_title.match(line.norm)
            ):
                cur.byline = self.doc.text[line.start : line.end]
            else:
                cur.body.append(span)
            cur.extent.append(span)
        elif line.kind in META_KINDS:
            attr = {DATE: "date_raw", SOURCE: "source", BYLINE: "byline"}[line.kind]
            if getattr(cur, attr) is None:
                setattr(cur, attr, line.value)
            cur.extent.append(line.span)

    def _marker_block(self, i: int) -> int:
        """Read the headlines after the marker at ``i``; returns the index of the first line after them."""
        marker, lines = self.lines[i], self.lines
        heads: list[Span] = [marker.inline] if marker.inline is not None else []
        last_head = -1  # line index of the last own-line headline candidate
        j = i + 1
        while j < len(lines) and (lines[j].kind == BOILER or (lines[j].kind == TEXT and lines[j].short)):
            if lines[j].kind == TEXT:
                heads.append(lines[j].span)
                last_head = j
            j += 1
        own = len(heads) - (1 if marker.inline is not None else 0)
        nxt = lines[j] if j < len(lines) else None
        if nxt is None or own == 0:
            self._headlines(heads)
            return j
        if self._opens_article(nxt, own, marker.inline is None):
            self._headlines(heads[:-1])
            self.cur = self._new(heads[-1].start)
            _title_from_span(self.cur, heads[-1], self.doc.text, self.rules)
            return j
        if marker.inline is not None and nxt.kind == TEXT:
            # "للمزيد: عنوان" has spent its payload inline: a short line right before body text is a
            # subheading of the article going on (France 24 pages), so it goes back to the body.
            self._headlines(heads[:-1])
            return last_head
        self._headlines(heads)
        return j

    def _opens_article(self, nxt: Line, own: int, bare: bool) -> bool:
        """After a run of short lines: does the last one title a new article (see module doc)?

        Yes when metadata (a dateline, source or byline) follows it. Before body text, only after a bare
        marker ("إقرأ أيضاً:" alone on its line), for a single headline, and when the body does not open
        with a continuation word ("وقال"): with several headlines the body after them is the article going
        on (BBC pages list three, then continue).
        """
        if nxt.kind in META_KINDS:
            return True
        return bare and nxt.kind == TEXT and own == 1 and not _is_continuation(nxt, self.doc.text, self.rules)

    def _headlines(self, spans: list[Span]) -> None:
        for span in spans:
            head = self._new(span.start, kind="headline")
            _title_from_span(head, span, self.doc.text, self.rules)
            head.parent = self.cur
            self.cur.related.append(head)


@cache
def _date_parser() -> Callable[[str], Any] | None:
    """``marsad.text.dates.parse_date`` when that module is installed; dates are skipped without it."""
    try:
        from marsad.text.dates import parse_date
    except ImportError:
        return None
    return parse_date


@lru_cache(maxsize=8192)
def _parse(raw: str) -> tuple[str | None, str | None]:
    """ISO date and precision of a raw date string (cached: pages repeat the same datelines)."""
    parser = _date_parser()
    match = parser(raw) if parser is not None else None
    if match is None:
        return None, None
    return match.iso(), getattr(match, "precision", None)


def _to_article(draft: _Draft, index: int, document: Document, text: str) -> Article:
    spans = draft.extent or ([draft.title_span] if draft.title_span else [])
    return Article(
        doc_id=document.id,
        id=f"{document.id}#{index}",
        index=index,
        kind=draft.kind,
        title=draft.title,
        title_span=draft.title_span,
        text="\n".join(s.slice(text) for s in draft.body),
        segments=list(draft.body),
        span=Span(min(s.start for s in spans), max(s.end for s in spans)) if spans else None,
        source=draft.source,
        byline=draft.byline,
        outlet=document.outlet or document.site_name,
        breaking=draft.breaking,
    )


def segment(document: Document) -> list[Article]:
    """Split one document into its articles and related headlines, in document order.

    Ids are ``f"{document.id}#{index}"``. Headlines are title-only articles (``kind="headline"``) whose
    ``parent`` is the article that listed them. Only the first article falls back to the document's own
    title, URL and publication date; later articles on a page never inherit them.
    """
    rules = _rules()
    drafts = _Page(document, rules).run()
    first = drafts[0]
    if first.title is None and not first.body and not first.extent:
        drafts = drafts[1:]
    drafts.sort(key=lambda d: d.pos)
    ids = {id(d): f"{document.id}#{k}" for k, d in enumerate(drafts)}
    out: list[Article] = []
    for k, draft in enumerate(drafts):
        art = _to_article(draft, k, document, document.text)
        raw = draft.date_raw
        if raw is None and draft is first and document.published:
            raw = document.published
        if raw is not None:
            art.published, art.published_precision = _parse(raw)
        if draft is first:
            art.url = document.url
        art.related = [ids[id(h)] for h in draft.related if id(h) in ids]
        art.parent = ids.get(id(draft.parent)) if draft.parent is not None else None
        out.append(art)
    return out
