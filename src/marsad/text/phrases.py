"""A compiled phrase matcher for Arabic: one Aho-Corasick automaton, clitic-aware word boundaries.

Used for the actor KB and the event trigger lexicons alike. Forms are normalised and put into a single
automaton (pyahocorasick, C); matching is one pass over the normalised text followed by a cheap boundary
check per hit: a hit must start a word or follow a chain of proclitics (و ف ب ل ك س and their
combinations) and must end a word, or, for forms that allow it, end in a pronoun suffix ("إدانته",
"رفضهما"). Forms that start with the article "ال" also get their "لل" spelling (ل + ال), so "للرئيس"
matches "الرئيس". Overlapping hits are resolved leftmost-longest.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable
from operator import itemgetter
from typing import Generic, NamedTuple, TypeVar

import ahocorasick

from marsad.text.normalize import normalize_text

P = TypeVar("P", bound=Hashable)

# The letters a word is made of, as (first, last) ranges: the boundary regexes and the set below agree.
_LETTER_RANGES = (("\u0621", "\u064a"), ("\u0671", "\u06d3"), ("A", "Z"), ("a", "z"))
_LETTERS = "".join(f"{first}-{last}" for first, last in _LETTER_RANGES)
LETTER_SET = frozenset(chr(c) for first, last in _LETTER_RANGES for c in range(ord(first), ord(last) + 1))
_TAIL = re.compile(f"[{_LETTERS}]*")  # the rest of the word after a hit
MAX_PREFIX = 3  # the longest proclitic chain
SEPARATORS = frozenset(" \n\t\r.,;:!?\"'()[]{}-/|«»")  # after normalisation, punctuation is ASCII
_HEAD = re.compile(f"[{_LETTERS}]+$")  # letters glued before a hit (searched in a short window)
PROCLITICS = frozenset(
    {"و", "ف", "ب", "ل", "ك", "س", "وب", "فب", "ول", "فل", "وك", "فك", "وس", "فس", "لل", "ولل", "فلل"}
)
# The letters proclitic chains end in: a hit glued to any other letter is inside a word.
CLITIC_ENDS = frozenset(chain[-1] for chain in PROCLITICS)
PRONOUN_SUFFIXES = frozenset({"ه", "ها", "هما", "هم", "هن", "ي", "ك", "كم", "نا", "ني", "يه", "يها", "يهم"})


class Hit(NamedTuple, Generic[P]):
    """One match (a tuple: tens of thousands are made per document, and tuples are cheapest)."""

    start: int  # offsets into the normalised text
    end: int  # end of the matched form (a pronoun suffix, if any, lies after it)
    key: str
    payloads: tuple[P, ...]
    prefix: str = ""  # proclitics attached before the form
    suffix: str = ""  # pronoun suffix attached after it


_START, _END = itemgetter(0), itemgetter(1)  # Hit.start, Hit.end


class PhraseMatcher(Generic[P]):
    """Build with ``add``; ``compile`` once; then ``find`` over normalised text."""

    def __init__(self, *, allow_suffix: bool = False) -> None:
        self._forms: dict[str, list[P]] = defaultdict(list)
        self._allow_suffix = allow_suffix
        self._automaton: ahocorasick.Automaton | None = None
        self._table: list[tuple[P, ...]] = []

    def add(self, surface: str, payload: P) -> None:
        key = normalize_text(surface).strip()
        if len(key) < 2:
            return
        variants = [key]
        if key.startswith("ال") and len(key) > 3:
            variants.append("ل" + key[1:])
        for variant in variants:
            if payload not in self._forms[variant]:
                self._forms[variant].append(payload)

    def compile(self) -> PhraseMatcher[P]:
        automaton = ahocorasick.Automaton()
        for key, payloads in self._forms.items():
            automaton.add_word(key, (key, len(self._table)))
            self._table.append(tuple(payloads))
        if self._table:
            automaton.make_automaton()
        self._automaton = automaton
        return self

    def __len__(self) -> int:
        return len(self._table)

    def find(self, norm: str) -> list[Hit[P]]:
        """All boundary-respecting hits, leftmost-longest, non-overlapping.

        This runs once per sentence for each lexicon, over every raw hit of the automaton, so the loop
        reads only locals and the ordering sorts by C key functions.
        """
        if self._automaton is None:
            raise RuntimeError("PhraseMatcher.compile() must be called before find()")
        if not self._table:
            return []
        raw: list[Hit[P]] = []
        append = raw.append
        n = len(norm)
        table, allow_suffix = self._table, self._allow_suffix
        separators, letters, clitic_ends = SEPARATORS, LETTER_SET, CLITIC_ENDS
        for end_idx, (key, idx) in self._automaton.iter(norm):
            end = end_idx + 1
            start = end - len(key)
            before = norm[start - 1] if start else " "
            after = norm[end] if end < n else " "
            # Fast path: a form standing between separators needs no clitic analysis.
            if before in separators and after in separators:
                append(Hit(start, end, key, table[idx]))
            # Most other raw hits lie inside a longer word: rejected here without a regex.
            elif (after in letters and not allow_suffix) or (before in letters and before not in clitic_ends):
                continue
            elif (hit := self._check(norm, start, end, key, idx)) is not None:
                append(hit)
        # Leftmost first, then longest: two stable sorts, the second on the primary key.
        raw.sort(key=_END, reverse=True)
        raw.sort(key=_START)
        chosen: list[Hit[P]] = []
        last_end = -1
        for hit in raw:
            if hit.start >= last_end:
                chosen.append(hit)
                last_end = hit.end + len(hit.suffix)
        return chosen

    def _check(self, text: str, start: int, end: int, key: str, idx: int) -> Hit[P] | None:
        suffix = _TAIL.match(text, end).group()  # type: ignore[union-attr]
        if suffix and not (self._allow_suffix and suffix in PRONOUN_SUFFIXES):
            return None
        head = _HEAD.search(text, max(0, start - MAX_PREFIX - 1), start)
        prefix = head.group() if head else ""
        if prefix and prefix not in PROCLITICS:
            return None
        return Hit(start, end, key, self._table[idx], prefix, suffix)
