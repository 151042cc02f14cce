"""Features an Arabic linguist would recognise, for the type model and the role model.

Type model (one sentence): clitic-stripped stems and their bigrams, trigger-lexicon hits by type and by
form class (verb, noun with or without the article), negation, future, hypothetical and reported-speech
markers, title vs body, the kinds of actors present.

Role model (one candidate party key for one event type in one sentence): where the party stands
relative to the type's trigger (before/after, distance), the preposition or clitic that governs it
(مع، من، إلى، على، ضد، ل، ب), whether it follows a reporting verb or sits inside "قال ... إن", whether it
is an adjective after a noun ("القصف الإسرائيلي"), its kind and sector, whether it comes from an earlier
sentence (null subject) and the words around it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from marsad.events.coder import Dating, rule_roles
from marsad.events.lexicon import REFERENT_CHECK, Marker, Trigger, markers, trigger_hits
from marsad.events.units import Cand, Unit, outside_names, party_key
from marsad.records import Party
from marsad.text.phrases import Hit
from marsad.text.tokenize import split_clitics, word_before, words

SPEECH_KINDS = frozenset({"speech", "reported_speech"})
LEAD_SENTENCES = 2  # the sentences after the title that make an article's lead


@dataclass(slots=True)
class UnitView:
    """Everything the models need about one sentence, computed once."""

    unit: Unit
    trig_hits: list[Hit[Trigger]]
    marks: list[Hit[Marker]]
    cands: list[Cand]
    context: list[Party] = field(default_factory=list)  # parties carried from earlier sentences
    dating: Dating = field(default_factory=Dating)  # what the article's dates are read against
    rules: dict[str, tuple[set[str], set[str], bool]] = field(
        default_factory=dict
    )  # rule frames' roles by type
    topic: list[str] = field(default_factory=list)  # the article's most named party keys, most first
    cached_type_features: list[str] | None = None  # computed once: the type model and the filter use it
    position: int = 0  # the sentence's index in its article (0: the title, 1: usually the lead)

    @classmethod
    def build(cls, unit: Unit, cands: list[Cand], context: list[Party], position: int = 0) -> UnitView:
        trig_hits = outside_names(unit, trigger_hits(unit.norm.text), cands)
        marks = markers().find(unit.norm.text)
        rules = rule_roles(unit, trig_hits, marks, cands) if trig_hits and cands else {}
        return cls(unit, trig_hits, marks, cands, context, rules=rules, position=position)

    def triggers(self, etype: str) -> list[tuple[int, str]]:
        """(original-text offset, lemma) of every reading of a trigger of ``etype``, in text order."""
        to_orig = self.unit.norm.to_orig
        return [(to_orig(h.start), t.lemma) for h in self.trig_hits for t in h.payloads if t.type == etype]

    def keys(self) -> dict[str, list[Cand]]:
        """Candidate party keys in order of first mention, with their mentions."""
        grouped: dict[str, list[Cand]] = defaultdict(list)
        for c in self.cands:
            for p in c.parties:
                grouped[party_key(p)].append(c)
        return grouped


def _bucket(n: int, edges: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 13, 20, 40)) -> str:
    return str(next((e for e in edges if n <= e), "big"))


def type_features(view: UnitView) -> list[str]:
    if view.cached_type_features is None:
        view.cached_type_features = _type_features(view)
    return view.cached_type_features


def _type_features(view: UnitView) -> list[str]:
    norm = view.unit.norm.text
    stems = [split_clitics(w)[1] for w in words(norm)]
    feats = [f"w={s}" for s in stems]
    feats += [f"b={a}_{b}" for a, b in pairwise(stems)]
    referent_check = REFERENT_CHECK.get()
    for h in view.trig_hits:
        for t in h.payloads:
            article = "def" if h.prefix.endswith("ال") or h.key.startswith("ال") else "bare"
            feats += [f"trig={t.type}", f"trig={t.type}/{t.pos}/{article}", f"lemma={t.type}/{t.lemma}"]
            if t.anaphoric and referent_check:
                feats.append(f"anaphoric={t.type}")
            if h.prefix.endswith("س"):
                feats.append(f"trig_fut={t.type}")
    feats += [f"mark={h.payloads[0].kind}" for h in view.marks]
    feats += _trigger_party_features(view)
    feats.append("title" if view.unit.is_title else "body")
    feats.append(f"position={_bucket(view.position, (0, 1, 2, 3, 5, 8, 12))}")  # the lead reports the news
    # A trigger in the title or lead reports the news; deep in the body it is more often background.
    where = "title" if view.unit.is_title else "lead" if view.position <= LEAD_SENTENCES else "body"
    feats += sorted({f"trig_where={t.type}/{where}" for h in view.trig_hits for t in h.payloads})
    feats += [f"kind={c.mention.kind}" for c in view.cands]
    feats.append(f"ncand={_bucket(len(view.keys()))}")
    return feats


PARTY_NEAR = 40  # characters between a trigger and a party that still make the party its likely argument


def _trigger_party_features(view: UnitView) -> list[str]:
    """Whether each trigger type has a linked party near it: an event needs someone who does it."""
    to_orig = view.unit.norm.to_orig
    feats = set()
    for h in view.trig_hits:
        start, end = to_orig(h.start), to_orig(h.end)
        near = any(c.end >= start - PARTY_NEAR and c.start <= end + PARTY_NEAR for c in view.cands)
        feats.update(f"trig_party={t.type}/{near}" for t in h.payloads)
    return sorted(feats)


def _word_before(text: str, pos: int) -> str:
    before = word_before(text, pos)
    return split_clitics(before)[1] if before else "^"


def _word_after(text: str, pos: int) -> str:
    after = text[pos : pos + 25].split()
    return split_clitics(after[0])[1] if after else "$"


def role_features(view: UnitView, etype: str, key: str, cands: list[Cand], from_context: bool) -> list[str]:
    """Features for one party key as a participant of an ``etype`` event in this sentence."""
    t = etype
    feats = _rule_features(view, etype, key)
    if key in view.topic:
        feats += [f"topic{view.topic.index(key)}/t={t}", f"topic{view.topic.index(key)}"]
    if from_context:
        return [*feats, f"t={t}", "ctx", f"ctx/t={t}", f"ctx/key_is_code={key.isupper() and len(key) == 3}"]
    first = cands[0]
    unit = view.unit
    norm_text = unit.norm.text
    trig = view.triggers(etype)
    feats += [
        f"t={t}",
        f"kind/t={first.mention.kind}/{t}",
        f"sector/t={first.mention.sector}/{t}",
        f"prep/t={first.prep}/{t}",
        f"prep={first.prep}",
        f"kind={first.mention.kind}",
        f"n/t={_bucket(len(cands))}/{t}",
        f"rank/t={_bucket(view.cands.index(first))}/{t}",
        f"title/t={unit.is_title}/{t}",
        f"keytype={'code' if key.isupper() and len(key) == 3 else 'sector'}",
    ]
    if trig:
        nearest, lemma = min(trig, key=lambda trigger: abs(trigger[0] - first.start))
        side = "before" if first.end <= nearest else "after"
        gap = len(unit.text[min(first.end, nearest) : max(first.start, nearest)].split())
        feats += [f"lemma/side/prep={lemma}/{side}/{first.prep}", f"lemma/side={lemma}/{side}"]
        # Whether this verb takes a person, a state or an organisation on this side ("اعتقل" a person).
        feats.append(f"lemma/side/kind={lemma}/{side}/{first.mention.kind}")
        feats += [
            f"side/t={side}/{t}",
            f"side/prep/t={side}/{first.prep}/{t}",
            f"gap/t={_bucket(gap)}/{t}",
            f"side/kind={side}/{first.mention.kind}",
            f"side/gap={side}/{_bucket(gap)}",
        ]
    else:
        feats.append(f"notrig/t={t}")
    feats += _speech_features(view, first, t)
    orig_norm_before = _word_before(norm_text, _to_norm(unit, first.start))
    feats += [
        f"wb/t={orig_norm_before}/{t}",
        f"wb={orig_norm_before}",
        f"wa={_word_after(norm_text, _to_norm(unit, first.end))}",
    ]
    # Nothing stands before the mention (``prep`` is empty): it opens its sentence, headline style
    # ("الإيرانيون يتظاهرون", "بوتين يؤكد"). Reading "bare" (``is_bare``) here instead, any mention no
    # preposition governs, lost out of fold: CV strict -0.0017, dev -0.0054 over twelve fold seeds.
    if first.mention.kind == "demonym" and not first.prep:
        feats.append(f"demonym_opens_sentence/t={t}")
    if len(first.parties) > 1:
        feats.append(f"group/t={t}")
    if view.cands and view.cands[0] is first and not first.prep:
        feats.append(f"opens_sentence/t={t}")
    return feats + _aggregate(cands, t)


def _rule_features(view: UnitView, etype: str, key: str) -> list[str]:
    """What the rule frames made of this key: actor, recipient, or left out, for this type or any."""
    feats = []
    if etype in view.rules:
        actors, recipients, _ = view.rules[etype]
        role = "actor" if key in actors else "recipient" if key in recipients else "none"
        feats += [f"rule={role}", f"rule/t={role}/{etype}"]
    else:
        feats.append("rule=notype")
    if any(key in a for a, _, _ in view.rules.values()):
        feats.append("rule_any=actor")
    if any(key in r for _, r, _ in view.rules.values()):
        feats.append("rule_any=recipient")
    return feats


def _aggregate(cands: list[Cand], t: str) -> list[str]:
    """Facts over every mention of the key in the sentence, not only the first."""
    feats = [f"anyprep/t={c.prep}/{t}" for c in cands]
    if any(not c.prep for c in cands):
        feats.append(f"some_bare/t={t}")
    return feats


def _to_norm(unit: Unit, orig: int) -> int:
    """Approximate normalised offset for an original offset (exact when nothing was deleted)."""
    if not unit.norm.breaks:
        return orig
    shift = 0
    for norm_pos, s in unit.norm.breaks:
        if norm_pos + s <= orig:
            shift = s
    return max(0, orig - shift)


def _speech_features(view: UnitView, cand: Cand, t: str) -> list[str]:
    feats = []
    for h in view.marks:
        kind = h.payloads[0].kind
        if kind not in SPEECH_KINDS:
            continue
        s_end = view.unit.norm.to_orig(h.end)
        s_start = view.unit.norm.to_orig(h.start)
        if 0 <= cand.start - s_end <= 40:
            feats.append(f"after_speech/t={t}")
        elif cand.end <= s_start and s_start - cand.end <= 40:
            feats.append(f"before_speech/t={t}")
        elif cand.start > s_end + 40:
            feats.append(f"in_report/t={t}")
    return feats
