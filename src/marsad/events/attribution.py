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
from marsad.events.units import Cand, Unit, is_bare
from marsad.text.normalize import NormText, normalize_text
from marsad.text.phrases import MAX_PREFIX, PROCLITICS, PhraseMatcher
from marsad.text.tokenize import WORD

_PUNCTUATION = re.compile(r"[,.:;!?()\[\]-]")  # after normalisation, punctuation is ASCII
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
        unit.cues = sentence_cues(unit.text, unit.norm, cands)
    verbs = [c for c in unit.cues if c.kind == "verb"]
    if trigger_start is not None:
        verbs = [c for c in verbs if c.start < trigger_start][-1:]
    according = [c for c in unit.cues if c.kind == "according"]
    chosen = (verbs or according)[:1]
    return chosen[0].source if chosen else None


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str  # original
    norm: NormText
    parties: list[Cand]  # the sentence's linked parties
    media: dict[int, int]  # normalised start -> end of each media phrase ("في بيان")
    cue_starts: frozenset[int]  # normalised starts of every cue


def sentence_cues(text: str, norm: NormText, parties: list[Cand]) -> tuple[Cue, ...]:
    """Every attribution cue of a sentence that names a source, in text order (``norm``: its
    normalised text; ``parties``: its linked parties)."""
    hits = _lexicon().cues.find(norm.text)
    if not hits:
        return ()
    media = {h.start: h.end + len(h.suffix) for h in hits if h.payloads[0] == "media"}
    sentence = _Sentence(text, norm, parties, media, frozenset(h.start for h in hits))
    out = []
    for h in hits:
        kind = h.payloads[0]
        if kind == "media":
            continue
        span = _named_after(sentence, h.end + len(h.suffix), kind)
        if span is None and kind == "verb":
            span = _party_before(text, norm.to_orig(h.start), parties)
        if span is not None:
            out.append(Cue(h.start, "verb" if kind == "verb" else "according", text[span[0] : span[1]]))
    return tuple(out)


def _named_after(sentence: _Sentence, start: int, kind: str) -> tuple[int, int] | None:
    """The source named right after a cue (at normalised offset ``start``), as an original-text span: a
    linked party (with the parties right after it: "وزير الخارجية البريطاني بوريس جونسون"), else words
    opening with a source noun ("مصدر أمني", "بيان صادر عن الرئاسة"); a media phrase right after either
    is kept.

    A reporting verb's source is its subject, so no preposition may govern it: "قال للصحافيين" names
    whom he told. A cue's own "ل" is left out of its source ("وفقا لوكالة" -> "وكالة").
    """
    lexicon, norm = _lexicon(), sentence.norm
    first = WORD.search(norm.text, start)
    while first is not None and first.group() in lexicon.verbs:  # "حسبما ذكرت وكالة": not the source
        first = WORD.search(norm.text, first.end())
    if first is None or _PUNCTUATION.search(norm.text, start, first.start()):
        return None
    word, word_start = first.group(), norm.to_orig(first.start())
    as_written = word in lexicon.source_nouns or any(p.start == word_start for p in sentence.parties)
    glued = "" if as_written else _proclitic(word)  # left out of the source: "لوكاله" -> "وكاله"
    if kind == "verb" and glued.strip("وف"):
        return None
    run = _party_run(sentence, kind == "verb", word_start, word_start + len(glued))
    if run is not None:
        return run[0], _with_media(sentence, run[1])
    if not _is_source_noun(word, lexicon):
        return None
    return _source_words(sentence, first.start() + len(glued))


def _proclitic(word: str) -> str:
    """The longest proclitic chain a normalised word starts with, if what is left is still a word."""
    return word[: max(_proclitic_lengths(word), default=0)]


def _proclitic_lengths(word: str) -> list[int]:
    """Lengths of the proclitic chains ``word`` may start with, each leaving at least two letters."""
    return [k for k in range(1, MAX_PREFIX + 1) if word[:k] in PROCLITICS and len(word) - k > 1]


def _party_run(sentence: _Sentence, subject: bool, *starts: int) -> tuple[int, int] | None:
    """The party starting at one of ``starts`` and the bare ones right after it (only spaces or "و"
    between); a ``subject`` must be bare itself ("للصحافيين" is whom a speaker told)."""
    run = [p for p in sentence.parties if p.start in starts and (is_bare(p) or not subject)][:1]
    if not run:
        return None
    for p in sentence.parties:
        joined = sentence.text[run[-1].end : p.start].strip() in ("", "و")
        if p.start > run[-1].start and is_bare(p) and joined:
            run.append(p)
    return run[0].start, run[-1].end


def _with_media(sentence: _Sentence, orig_end: int) -> int:
    """``orig_end`` moved past a media phrase that starts at the next word ("الكرملين في بيان")."""
    for start, end in sentence.media.items():
        orig_start = sentence.norm.to_orig(start)
        if orig_start >= orig_end and not sentence.text[orig_end:orig_start].strip(" ،,"):
            return sentence.norm.span_to_orig(start, end)[1]
    return orig_end


def _source_words(sentence: _Sentence, start: int) -> tuple[int, int] | None:
    """The original-text span of words naming a source from normalised offset ``start`` on.

    They end before punctuation, a quote (unless it opens right after a source noun and names it), a
    stop word or another cue; a media phrase right after them is kept.
    """
    lexicon, text = _lexicon(), sentence.norm.text
    last = None
    previous, in_quote = "", False
    for n, m in enumerate(WORD.finditer(text, start)):
        word = m.group()
        gap = text[last or start : m.start()]
        if _QUOTES.search(gap):
            if not in_quote and not (last is not None and _is_source_noun(previous, lexicon)):
                break
            in_quote = not in_quote
        if n >= lexicon.max_words or _PUNCTUATION.search(gap) or (last and m.start() in sentence.cue_starts):
            break
        stop = word in lexicon.verbs or not lexicon.stops.isdisjoint(_without_proclitics(word))
        if last is not None and stop and previous not in lexicon.joins:
            break
        last, previous = m.end(), word
    if last is None:
        return None
    if len(_QUOTES.findall(text, start, last)) % 2 and _QUOTES.match(text, last):
        last += 1  # the quote that closes the name: 'صحيفة «الشرق الأوسط»'
    first, end = sentence.norm.span_to_orig(start, last)
    return first, _with_media(sentence, end)


def _is_source_noun(word: str, lexicon: _Lexicon) -> bool:
    return not lexicon.source_nouns.isdisjoint(_without_proclitics(word))


def _without_proclitics(word: str) -> set[str]:
    """The word, and what is left of it after each proclitic chain it may start with ("لوكاله": "وكاله")."""
    return {word} | {word[k:] for k in _proclitic_lengths(word)}


def _party_before(text: str, verb: int, parties: list[Cand]) -> tuple[int, int] | None:
    """The party named right before a reporting verb ("ترامب قال إن"), with the parties joined to it by
    "و" ("بوتين وبزشكيان يؤكدان"), as an original-text span."""
    before = [p for p in parties if p.end <= verb]
    if not before or not is_bare(before[-1]) or text[before[-1].end : verb].strip():
        return None  # "في الأراضي المحتلة، قال فيها ...": no subject stands right before the verb
    first = len(before) - 1
    while first > 0 and text[before[first - 1].end : before[first].start].strip() == "و":
        first -= 1
    return before[first].start, before[-1].end
