"""Sentence splitting that knows Arabic punctuation, newlines, quotes and abbreviations.

A sentence ends at a newline, or at ``. ! ? ؟ …`` (optionally followed by closing quotes or
brackets) followed by white space; not after a one- or two-letter abbreviation ("د." for doctor,
"م." for engineer/AD, "أ." for professor, "ص.ب"), nor inside a number ("3.5"). Sentences keep their
spans into the original text; leading and trailing white space is excluded from the span.
"""

from __future__ import annotations

import re

from marsad.records import Span

# An end mark, optional closers, then white space or end of text.
_BOUNDARY = re.compile(r"(?:[.!?؟…]+[\"'»”)\]]*)(?=\s|$)|\n+")
# Abbreviations: a short token right before the period (Arabic or Latin initials, titles).
_ABBREV = re.compile(r"(?:^|[\s(.])(?:[\u0621-\u064A]|[A-Za-z]{1,3}|هـ|ص\.ب|\d)$")
_SPACE = " \t\r\n\u00a0\u200f\u200e"


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Spans of the sentences of ``text``; ``offset`` is added to every span."""
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group()[0] == "." and _ABBREV.search(text, max(0, m.start() - 6), m.start()):
            continue
        _append(spans, text, start, m.end(), offset)
        start = m.end()
    _append(spans, text, start, len(text), offset)
    return spans


# A "sentence" longer than this is a page without punctuation; it is cut at white space so that the
# per-sentence work of later stages (triggers x markers, candidates) stays bounded.
MAX_SENTENCE_CHARS = 1_500


def _append(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        spans.append(Span(start + offset, cut + offset))
        start = cut
        while start < end and text[start] in _SPACE:
            start += 1
    if end > start:
        spans.append(Span(start + offset, end + offset))
