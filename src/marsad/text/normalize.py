"""Arabic normalisation for matching, with a map back to original offsets.

Two steps, both C-speed:

1. ``fold``: a one-to-one character map (``str.translate``) that keeps the length: alef forms -> ا,
   alef maqsura -> ي, ta marbuta -> ه, hamza seats -> their base letter, Arabic-Indic and Persian digits
   -> ASCII, Arabic punctuation and typographic quotes -> ASCII, the underscore of hashtags -> space.
2. ``strip``: deletes characters that never matter for matching (diacritics incl. tanween, tatweel,
   zero-width and bidi controls, the hash of hashtags: "#البيت_الأبيض" matches "البيت الأبيض").
   Deletions are found with one regex pass; the map back to original offsets is a short list of
   breakpoints, searched with ``bisect``.

The character tables live in ``data/charmap.json`` so a linguist can review them.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

_TRAILING_MARKS = re.compile("[\u064B-\u065F\u0670\u0640]*")


@cache
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    raw = json.loads(resources.files("marsad.text").joinpath("data/charmap.json").read_text("utf-8"))
    fold_map: dict[int, str] = {}
    for group in raw["fold"].values():
        for src, dst in group.items():
            if len(src) != 1 or len(dst) != 1:
                raise ValueError(f"fold map entries must be single characters: {src!r} -> {dst!r}")
            fold_map[ord(src)] = dst
    # Identity entries for the Arabic block and ASCII make str.translate hit its table for every
    # character of a news text instead of falling back per character (measured ~1.6x faster).
    for code in (*range(0x20, 0x7F), *range(0x0600, 0x0700)):
        fold_map.setdefault(code, chr(code))
    removable = "".join(ch for group in raw["remove"].values() for ch in group)
    return fold_map, re.compile("[" + re.escape(removable) + "]+")


def fold(text: str) -> str:
    """Length-preserving character folding (see module doc)."""
    return text.translate(_tables()[0])


@dataclass(slots=True, frozen=True)
class NormText:
    """Normalised text plus the breakpoints that map its offsets back to the original.

    ``breaks`` holds ``(norm_offset, shift)`` pairs sorted by ``norm_offset``: from that normalised
    offset on, original offset = normalised offset + shift.
    """

    text: str
    breaks: tuple[tuple[int, int], ...] = ()
    original: str = ""

    def to_orig(self, offset: int) -> int:
        if not self.breaks:
            return offset
        i = bisect_right(self.breaks, (offset, float("inf"))) - 1
        return offset if i < 0 else offset + self.breaks[i][1]

    def span_to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised half-open span back; the end keeps the marks (harakat) on its last letter."""
        if end <= start:
            o = self.to_orig(start)
            return o, o
        orig_end = self.to_orig(end - 1) + 1
        if self.breaks:
            m = _TRAILING_MARKS.match(self.original, orig_end)
            orig_end = m.end() if m else orig_end
        return self.to_orig(start), orig_end

    def slice(self, start: int, end: int) -> NormText:
        """``normalize(original[start:end])``, cut from this one instead of folding and stripping again.

        Why: the linker normalises an article's body whole and the event coder needs each sentence's
        normalisation; both steps are character by character, so a sentence's is a piece of the body's.
        The removed runs (``breaks``) are clipped to the slice and renumbered as ``normalize`` numbers them.
        """
        if not self.breaks:
            return NormText(self.text[start:end])
        breaks: list[tuple[int, int]] = []
        removed = shift = 0  # chars removed inside the slice; before the slice
        previous = 0  # the cumulative shift before the current run
        for n_off, total in self.breaks:
            run_start, run_end = n_off + previous, n_off + total  # the run in original offsets
            previous = total
            if run_end <= start:
                shift = total
                continue
            if run_start >= end:
                break
            shift += max(0, start - run_start)
            clipped = min(run_end, end) - max(run_start, start)
            if clipped > 0:
                removed += clipped
                breaks.append((min(run_end, end) - start - removed, removed))
        n_start = start - shift
        text = self.text[n_start : n_start + (end - start) - removed]
        return NormText(text, tuple(breaks), self.original[start:end]) if breaks else NormText(text)


def normalize(text: str) -> NormText:
    """Fold and strip ``text``; keep the map back to original offsets."""
    fold_map, removable = _tables()
    folded = text.translate(fold_map)
    if removable.search(folded) is None:
        return NormText(folded)
    pieces: list[str] = []
    breaks: list[tuple[int, int]] = []
    last = 0
    removed = 0
    for m in removable.finditer(folded):
        pieces.append(folded[last : m.start()])
        removed += m.end() - m.start()
        breaks.append((m.start() - removed + (m.end() - m.start()), removed))
        last = m.end()
    pieces.append(folded[last:])
    return NormText("".join(pieces), tuple(breaks), text)


@lru_cache(maxsize=8)
def normalize_shared(text: str) -> NormText:
    """``normalize``, remembered for the last few texts: an article's title and body are normalised by
    the linker and again, sentence by sentence (``NormText.slice``), by the event coder."""
    return normalize(text)


def normalize_text(text: str) -> str:
    """Normalised string only, for keys and lexicon entries (no offsets needed)."""
    fold_map, removable = _tables()
    return removable.sub("", text.translate(fold_map))
