"""Sentence units and party candidates: what both the rule coder and the learned models look at.

A unit is a sentence (or the title) with its normalised text and document offset; a candidate is a
linked mention inside it, expanded to the parties it stands for (a group word such as "الزعيمان" stands
for the two parties named before it), with the preposition that governs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from marsad.records import Article, Mention, Party
from marsad.segment import place_dateline_end
from marsad.text.normalize import NormText, normalize_shared, normalize_text
from marsad.text.sentences import split_sentences
from marsad.text.tokenize import attached_letters, without_conjunction

if TYPE_CHECKING:
    from marsad.events.attribution import Cue
    from marsad.events.lexicon import Trigger
    from marsad.text.phrases import Hit

# A trigger's frame as the rule coder reads it: actors (None when no party of the sentence acts), recipients,
# initiator, and the parties that act with whoever is carried as actor when the sentence names none
# (a trigger's ``joint_preps``: "وتم الاتفاق مع الأردن").
Frame = tuple[list[Party] | None, list[Party], Party | None, list[Party]]

RECIPIENT_PREPS = frozenset({"مع", "الي", "علي", "ضد", "ل", "ب", "بين", "تجاه", "عن", "لدي", "من"})
# Prepositions that put a mention in an adverbial (place, time, topic), not in a party's slot.
ADVERBIAL_PREPS = frozenset(
    {
        "في", "حول", "بشان", "خلال", "عند", "منذ", "عبر", "داخل", "خارج", "امام", "بعد", "قبل", "حتي",
        "وسط", "ك",
    }
)
GOVERNING_WORDS = RECIPIENT_PREPS | ADVERBIAL_PREPS
PARTY_KINDS = frozenset(
    {
        "person",
        "role",
        "state",
        "capital",
        "seat",
        "org",
        "institution",
        "generic",
        "demonym",
        "place",
        "counterpart",
        "self",  # "بلاده", "المملكة": the annotators code them as parties (25 times in train.jsonl)
    }
)


@dataclass(slots=True)
class Unit:
    """A sentence of the article with what the coder needs to know about it."""

    text: str
    start: int  # document offset
    norm: NormText
    is_title: bool
    lead: int = 0  # length of a place dateline opening the story ("دبي، الإمارات (CNN)-- "): no parties
    # The sentence's attribution cues (``marsad.events.attribution``), found once: both coders ask for them
    # once per event, and a sentence often holds several events.
    cues: tuple[Cue, ...] | None = None
    # The rule frames' reading of each (trigger hit start, trigger reading), worked out once
    # (``marsad.events.coder._frame``).
    frames: dict[tuple[int, Trigger], Frame] | None = None


@dataclass(slots=True)
class Cand:
    """A party candidate inside a sentence: sentence-relative span plus the preposition before it."""

    start: int
    end: int
    prep: str
    parties: list[Party]
    mention: Mention


def party_key(party: Party) -> str:
    return party.code or party.sector or "UNK"


def units(article: Article) -> list[Unit]:
    units: list[Unit] = []
    if article.title and article.title_span is not None:
        units.append(Unit(article.title, article.title_span.start, normalize_shared(article.title), True))
    body = normalize_shared(article.text)  # the linker's: each sentence's normalisation is a slice of it
    for n, span in enumerate(split_sentences(article.text)):
        text = article.text[span.start : span.end]
        lead = place_dateline_end(text) if n == 0 else 0
        units.append(Unit(text, article.to_doc(span.start), body.slice(span.start, span.end), False, lead))
    return units


def to_party(m: Mention) -> Party:
    return Party(code=m.code, sector=m.sector, name=m.name, kb_id=m.kb_id, text=m.text, span=m.span)


def expand(m: Mention, mentions: list[Mention]) -> list[Party]:
    if m.kind == "group" and m.refers_to:
        return [to_party(mentions[i]) for i in m.refers_to if mentions[i].code or mentions[i].sector]
    if m.kind in PARTY_KINDS and (m.code or m.sector):
        return [to_party(m)]
    return []


# "عبر" is the preposition "via" ("عبر الهاتف") and the verb "expressed": "وعبر الرئيس هادي عن ارتياحه"
# (153 times in the corpus with "عن" within three words, nearly all the verb). Before a mention that "عن"
# soon follows, it is the verb, and the mention its subject.
_EXPRESSED_ABOUT = re.compile(r"\s+(?:\S+\s+){0,2}?عن\s")


def prep_before(text: str, start: int, end: int) -> str:
    """The preposition governing the mention at ``start:end``: an attached clitic (ب ل) or the word
    just before it."""
    if text.startswith("لل", start):  # "للحكومة": the clitic ل fused with the article, inside the mention
        return "ل"
    glued = attached_letters(text, start)[1]
    clitic = normalize_text(glued).lstrip("وف") if glued else ""
    if clitic:
        return clitic[:1]
    before = normalize_text(text[max(0, start - 12) : start]).split()
    word = without_conjunction(before[-1], GOVERNING_WORDS) if before else ""
    return "" if word == "عبر" and _EXPRESSED_ABOUT.match(text, end) else word


def is_bare(cand: Cand) -> bool:
    """No preposition governs the mention: a subject or a direct object ("اتهمت إيران الولايات المتحدة").

    ``prep`` holds the word before the mention when no clitic is attached, so "bare" is "that word is
    not a preposition", not "``prep`` is empty".
    """
    return cand.prep not in GOVERNING_WORDS


def candidates(unit: Unit, mentions: list[Mention]) -> list[Cand]:
    end = unit.start + len(unit.text)
    out: list[Cand] = []
    for m in mentions:
        if unit.start + unit.lead <= m.span.start < end:
            parties = expand(m, mentions)
            if parties:
                rel, rel_end = m.span.start - unit.start, m.span.end - unit.start
                out.append(Cand(rel, rel_end, prep_before(unit.text, rel, rel_end), parties, m))
    return out


# Mentions that name someone or somewhere. A trigger inside one is a piece of the name, not an event:
# "منظمة حظر الأسلحة الكيميائية", "وزارة" (which also reads و + زار + ه, "and he visited him"), "شرطة"
# (شرط + ه), "منظمة العفو الدولية", "بطرس حرب". On train, 303 trigger readings lie inside such names, and
# the sentence holds a gold event of their type for 30 of them. Group words stay triggers ("المحتجين").
NAME_KINDS = frozenset({"person", "org", "institution", "role", "state", "capital", "place", "seat"})


def outside_names(unit: Unit, hits: list[Hit[Trigger]], cands: list[Cand]) -> list[Hit[Trigger]]:
    """The trigger hits of a sentence that are not part of a name it mentions."""
    names = [(c.start, c.end) for c in cands if c.mention.kind in NAME_KINDS]
    if not names:
        return hits
    to_orig = unit.norm.to_orig
    spans = [(h, to_orig(h.start), to_orig(h.end)) for h in hits]  # mapped once, not once per name
    return [h for h, start, end in spans if not any(s <= start and end <= e for s, e in names)]
