"""Attribution: the source a reported event is attributed to, verbatim ("الكرملين في بيان").

Arabic news tells most events through someone: "وقال الكرملين في بيان إن ...", "أفاد بيان صادر عن
الرئاسة بأن ...", "بحسب وكالة الأنباء الرسمية". Analysts weigh an event by who reports it, so each
event keeps the words that name its source, cut from the original text. Two cues name one (their forms
are data, ``data/attribution.yaml``):

- a reporting verb attributes the events told after it in its sentence: its source is the words right
  after it ("قال وزير الخارجية الروسي"), else the party named right before it ("ترامب قال إن");
- an "according to" phrase ("بحسب", "وفقا ل", "نقلا عن") attributes every event of its sentence.

A source runs up to the first comma or full stop, complementiser, reporting verb or a few words; a
phrase saying how the source spoke ("في بيان", "في مؤتمر صحفي") is kept with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from marsad.events.lexicon import data_file
from marsad.events.units import Cand, Unit
from marsad.text.normalize import NormText, normalize_text
from marsad.text.phrases import MAX_PREFIX, PROCLITICS, PhraseMatcher
from marsad.text.tokenize import WORD

_PUNCTUATION = re.compile(r"[,.:;!?()\[\]]")  # after normalisation, punctuation is ASCII
_QUOTES = re.compile(r"[\"«»]")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    cues: PhraseMatcher[str]  # payload: "according" | "according_lam" | "verb" | "media"
    verbs: frozenset[str]
    stops: frozenset[str]
    joins: frozenset[str]
    source_nouns: frozenset[str]
    max_words: int


@cache
def _lexicon() -> _Lexicon:
    raw: dict[str, Any] = data_file("attribution.yaml") or {}
    cues: PhraseMatcher[str] = PhraseMatcher(allow_suffix=True)
    sections = {
        "according": "according_to",
        "according_lam": "according_to_with_lam",
        "verb": "reporting_verbs",
        "media": "media",
    }
    for kind, section in sections.items():
        for form in raw.get(section) or []:
            cues.add(str(form), kind)

    def normalised(section: str) -> frozenset[str]:
        return frozenset(normalize_text(str(w)) for w in raw.get(section) or [])

    return _Lexicon(
        cues.compile(),
        normalised("reporting_verbs"),
        normalised("stops"),
        normalised("joins"),
        normalised("source_nouns"),
        int(raw.get("max_words", 8)),
    )


@dataclass(frozen=True, slots=True)
class Cue:
    """One attribution in a sentence: where its cue starts (normalised offset) and its source's words."""

    start: int
    kind: str  # "according" or "verb"
    source: str  # verbatim from the original sentence


def attribution(unit: Unit, cands: list[Cand], trigger_start: int | None) -> str | None:
    """The source an event of ``unit`` whose trigger starts at ``trigger_start`` (normalised offset) is
    attributed to: the last reporting verb before the trigger, else an "according to" phrase anywhere in
    the sentence. Without a trigger position (an event read from the whole sentence) the first
    reporting verb counts.
    """
    if unit.cues is None:
        unit.cues = sentence_cues(unit.text, unit.norm, [(c.start, c.end) for c in cands])
    cues = unit.cues
    verbs = [c for c in cues if c.kind == "verb"]
    if trigger_start is not None:
        verbs = [c for c in verbs if c.start < trigger_start][-1:]
    according = [c for c in cues if c.kind == "according"]
    chosen = (verbs or according)[:1]
    return chosen[0].source if chosen else None


def sentence_cues(text: str, norm: NormText, cand_spans: list[tuple[int, int]]) -> tuple[Cue, ...]:
    """Every attribution cue of a sentence that names a source, in text order (``norm``: its
    normalised text; ``cand_spans``: its linked parties)."""
    lexicon = _lexicon()
    hits = lexicon.cues.find(norm.text)
    if not hits:
        return ()
    media = {h.start: h.end + len(h.suffix) for h in hits if h.payloads[0] == "media"}
    cue_starts = frozenset(h.start for h in hits)
    out = []
    for h in hits:
        kind = h.payloads[0]
        if kind == "media":
            continue
        span = _source_after(norm, h.end + len(h.suffix), media, cue_starts, kind == "according_lam")
        if span is not None and not _names_a_source(text, span[0], cand_spans, lexicon):
            span = None  # "أكدا دعمهما", "بحسب الاتفاق": what follows is no source
        if span is None and kind == "verb":
            span = _party_before(text, norm.to_orig(h.start), cand_spans)
        if span is not None:
            out.append(Cue(h.start, "verb" if kind == "verb" else "according", text[span[0] : span[1]]))
    return tuple(out)


def _source_after(
    norm: NormText, start: int, media: dict[int, int], cue_starts: frozenset[int], glued_lam: bool = False
) -> tuple[int, int] | None:
    """The original-text span of the source named from normalised offset ``start`` on, if any.

    It ends before punctuation, a quote (unless it opens right after a source noun and names it), a
    stop word or another cue; a media phrase right after it is kept. ``glued_lam``: the cue governs its
    source with a "ل" written on the source's first word; it is left out ("لوكالة" -> "وكالة"), except
    before the article, where the pair is spelled "لل" and cutting it would misspell the word.
    """
    lexicon = _lexicon()
    text = norm.text
    first = last = None
    previous, in_quote = "", False
    for n, m in enumerate(WORD.finditer(text, start)):
        word = m.group()
        if first is None and word in lexicon.verbs:
            continue  # "حسبما ذكرت وكالة ...": the verb after the cue is not the source
        gap = text[last or start : m.start()]
        if _QUOTES.search(gap):
            if not in_quote and not (first is not None and _is_source_noun(previous, lexicon)):
                break
            in_quote = not in_quote
        if n >= lexicon.max_words or _PUNCTUATION.search(gap) or m.start() in cue_starts:
            break
        stop = word in lexicon.verbs or not lexicon.stops.isdisjoint(_without_proclitics(word))
        if stop and previous not in lexicon.joins:
            break
        if first is None:
            first = m.start() + (glued_lam and word.startswith("ل") and not word.startswith("لل"))
        last, previous = m.end(), word
    if first is None or last is None:
        return None
    if len(_QUOTES.findall(text, first, last)) % 2 and _QUOTES.match(text, last):
        last += 1  # the quote that closes the name: 'صحيفة «الشرق الأوسط»'

    return norm.span_to_orig(first, media.get(_next_word_start(text, last), last))


def _names_a_source(text: str, start: int, cand_spans: list[tuple[int, int]], lexicon: _Lexicon) -> bool:
    """Whether the words at ``start`` can be a reporting verb's subject: a linked party or a source noun."""
    if any(s == start for s, _ in cand_spans):
        return True
    first = WORD.search(normalize_text(text[start : start + 30]))
    return first is not None and _is_source_noun(first.group(), lexicon)


def _is_source_noun(word: str, lexicon: _Lexicon) -> bool:
    return not lexicon.source_nouns.isdisjoint(_without_proclitics(word))


def _without_proclitics(word: str) -> set[str]:
    """The word, and what is left of it after each proclitic chain it may start with ("لوكاله": "وكاله")."""
    return {word} | {
        word[k:] for k in range(1, MAX_PREFIX + 1) if word[:k] in PROCLITICS and len(word) - k > 1
    }


def _next_word_start(norm: str, pos: int) -> int:
    m = WORD.search(norm, pos)
    return m.start() if m and not _PUNCTUATION.search(norm[pos : m.start()]) else -1


def _party_before(text: str, verb: int, cand_spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The party named right before a reporting verb ("ترامب قال إن"), with the parties joined to it by
    "و" ("بوتين وبزشكيان يؤكدان"), as an original-text span."""
    before = [(s, e) for s, e in cand_spans if e <= verb]
    if not before or text[before[-1][1] : verb].strip(" ،,"):
        return None
    first = len(before) - 1
    while first > 0 and text[before[first - 1][1] : before[first][0]].strip() == "و":
        first -= 1
    return before[first][0], before[-1][1]
