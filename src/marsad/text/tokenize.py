"""Clitic-aware tokens over normalised Arabic text.

Arabic news attaches conjunctions, prepositions and the article to the next word ("وبوتين", "لنظيره",
"بالرئيس") and pronouns to the end ("رفضهما"). Later stages match names and triggers against stems, so a
token carries its light segmentation: ``prefix + stem + suffix``. The segmentation is deliberately light
(no lexicon): a prefix or suffix is split only when the stem left over is long enough to be a word, and
matchers that know the lexicon (the actor and trigger automata) re-check boundaries themselves.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from marsad.text.normalize import NormText, normalize

WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+|[A-Za-z]+|\d+(?:[.,]\d+)*")

# Proclitic chains, longest first: conjunction (و ف), preposition (ب ل ك), future (س), article (ال).
PREFIXES: tuple[str, ...] = (
    "وبال",
    "فبال",
    "وكال",
    "فكال",
    "وال",
    "فال",
    "بال",
    "كال",
    "ولل",
    "فلل",
    "لل",
    "ال",
    "وب",
    "فب",
    "ول",
    "فل",
    "وك",
    "فك",
    "وس",
    "فس",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
)
CONJUNCTIONS = ("و", "ف")
# Pronoun enclitics, longest first.
SUFFIXES: tuple[str, ...] = ("هما", "كما", "هم", "هن", "كم", "كن", "نا", "ها", "ه", "ك", "ي")
MIN_STEM = 3


@dataclass(slots=True, frozen=True)
class Token:
    start: int  # offsets into the ORIGINAL text
    end: int
    norm: str  # normalised surface form
    prefix: str
    stem: str
    suffix: str


@lru_cache(maxsize=262_144)
def split_clitics(word: str) -> tuple[str, str, str]:
    """Split a normalised word into (prefix, stem, suffix), keeping at least ``MIN_STEM`` letters."""
    prefix = next((p for p in PREFIXES if word.startswith(p) and len(word) - len(p) >= MIN_STEM), "")
    rest = word[len(prefix) :]
    if prefix == "لل" or prefix.endswith("لل"):
        prefix = prefix[:-2] + "لال"  # ل + ال is written لل: record both clitics
    suffix = next((s for s in SUFFIXES if rest.endswith(s) and len(rest) - len(s) >= MIN_STEM), "")
    stem = rest[: len(rest) - len(suffix)] if suffix else rest
    return prefix, stem, suffix


def without_conjunction(word: str, function_words: Collection[str]) -> str:
    """The word without one leading conjunction (و ف), unless the word itself is a function word.

    Why not ``lstrip("وف")``: that eats the first letter of "في" and "وسط" as well, so "في" becomes "ي"
    and no rule asking for "في" ever fires. "وفي" and "فمن" lose their conjunction; "في" stays "في".
    """
    if word in function_words or word[:1] not in CONJUNCTIONS:
        return word
    return word[1:]


def word_before(text: str, pos: int, window: int = 25) -> str:
    """The last whitespace-separated word ending by ``pos`` within ``window`` characters, or "".

    What governs a mention is read from the word before it: a preposition ("في"), a noun it completes
    ("حل الدولتين"), the head of a construct. The frames, the linker and the role features share this.
    """
    before = text[max(0, pos - window) : pos].split()
    return before[-1] if before else ""


def attached_letters(text: str, start: int) -> tuple[int, str]:
    """Where the word holding ``start`` begins, and the letters glued before ``start`` in it.

    A name found inside a word ("والرياض", "بدمشق") carries its clitics there; the callers read them,
    and the word before, to tell what governs the name.
    """
    word_start = start
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    return word_start, text[word_start:start]


def tokenize(text: str, norm: NormText | None = None) -> list[Token]:
    """Tokens of ``text`` with spans into it; pass ``norm`` when it is already computed."""
    norm = norm or normalize(text)
    out: list[Token] = []
    for m in WORD.finditer(norm.text):
        start, end = norm.span_to_orig(m.start(), m.end())
        prefix, stem, suffix = split_clitics(m.group())
        out.append(Token(start, end, m.group(), prefix, stem, suffix))
    return out


def words(normalised: str) -> list[str]:
    """Plain normalised word strings, for features and n-grams."""
    return WORD.findall(normalised)
