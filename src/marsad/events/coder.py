"""The rule-based PLOVER coder: sentences, triggers and linked mentions in, events out.

Per sentence, the cascade is:

1. find triggers (compiled lexicon) and markers (negation, future, hypothetical, reported speech,
   initiator) in the normalised sentence;
2. drop triggers under negation or in a hypothetical clause (conditional threats stay THREATEN);
   a future or intended CONSULT becomes AGREE, as the guidelines say;
3. assign parties with frames: a reversed frame ("تلقى اتصالا من X": X acts); a clause of doing after
   an event noun ("زيارة يقوم بها X", "الغارات التي شنها X"); a nisba adjective right after a trigger
   noun ("العقوبات الأمريكية", "مباحثات أردنية سعودية": the adjectives act); subject-verb order, a party
   right before the verb ("إيران تتهم واشنطن", "ترامب الذي يزور"); the speaker of reported speech
   ("وأكد X أن ...", "X و Y يؤكدان"); verb-subject order (the first bare mention after a verb); nominal
   headlines (the nearest bare mention before the trigger); a null subject continues the previous
   actor of the article. Recipients are mentions after the trigger introduced by one of the trigger's
   prepositions, or its direct object, except that a party a reciprocal trigger introduces with مع
   acts beside the subject ("اتفق X مع Y": X and Y agreed, no recipient). "X و Y" gives compound actors;
   group words ("الزعيمان") stand for the parties they refer to;
4. keep one event per (type, actor codes, recipient codes) per article, with every evidence span.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from marsad.events import ontology
from marsad.events.attribution import attribution
from marsad.events.context import contexts_for, location_for
from marsad.events.lexicon import REFERENT_CHECK, Marker, Trigger, markers, trigger_hits
from marsad.events.units import (
    RECIPIENT_PREPS,
    Cand,
    Frame,
    Unit,
    candidates,
    is_bare,
    outside_names,
    party_key,
    units,
)
from marsad.records import Article, Event, Evidence, Mention, Party, Span
from marsad.text.dates import DateMatch, find_dates
from marsad.text.normalize import NormText, normalize_text
from marsad.text.phrases import Hit

ACTOR_WINDOW = 60  # characters after a reporting verb or event noun in which its agent is looked for
NEGATION_WINDOW = 12  # characters before a trigger in which a negation particle negates it
HISTORICAL_DAYS = 30
# "في" is adverbial (is_bare says no), yet after a verb the place it names is often the target: "شنت
# غارات في سوريا" is an assault on Syria. Refusing it cost the rules 9 true events on the training set.
TARGET_PLACE_PREPS = frozenset({"في"})
OBJECT_PREPS = RECIPIENT_PREPS | TARGET_PLACE_PREPS  # every trigger's recipients may follow these


@dataclass(slots=True, frozen=True)
class Telling:
    """The sentence an event was first told in: where its contexts, attribution and place are read.

    They are filled in by ``describe`` only for events that are output. The model coder pools about
    five times more candidate events than it keeps, so reading these for every candidate cost it ~4%.
    """

    unit: Unit
    cands: list[Cand]
    trigger_start: int | None  # normalised offset of the event's trigger; None: read from the sentence
    title_norm: str  # the article's title, normalised: its contexts are every event's

    def describe(self, event: Event) -> None:
        event.context = contexts_for(self.unit.norm.text, self.title_norm)
        event.attribution = attribution(self.unit, self.cands, self.trigger_start)
        event.location = location_for(self.unit.text, self.unit.norm)


Told = tuple[Event, Telling]


def described(told: list[Told]) -> list[Event]:
    """The events, each with the contexts, attribution and place of the sentence it was told in."""
    for event, telling in told:
        telling.describe(event)
    return [event for event, _ in told]


@dataclass(slots=True)
class _State:
    title_norm: str = ""  # the article's title, normalised: its contexts are every event's
    last_actors: list[Party] = field(default_factory=list)
    last_recipients: list[Party] = field(default_factory=list)  # for a dual verb's null subject
    events: dict[tuple[str, frozenset[str], frozenset[str]], Told] = field(default_factory=dict)


def _marks_before(marks: list[Hit[Marker]], pos: int, window: int, kinds: set[str]) -> bool:
    return any(h.end <= pos and pos - h.end <= window and _is_kind(h, kinds) for h in marks)


def _is_kind(mark: Hit[Marker], kinds: set[str]) -> bool:
    """Whether any reading of a marker is of these kinds ("أكدا" reports speech and is a dual verb)."""
    return any(reading.kind in kinds for reading in mark.payloads)


def _is_negated(unit: Unit, hit: Hit[Trigger], marks: list[Hit[Marker]]) -> bool:
    return _marks_before(marks, hit.start, NEGATION_WINDOW, {"negation"})


def _is_hypothetical(marks: list[Hit[Marker]], pos: int) -> bool:
    return any(h.end <= pos and h.payloads[0].kind in ("hypothetical", "conditional") for h in marks)


def _is_future(unit: Unit, hit: Hit[Trigger], marks: list[Hit[Marker]]) -> bool:
    if hit.prefix.endswith("س") and hit.payloads[0].pos == "verb":
        return True
    return _marks_before(marks, hit.start, 25, {"future", "intent"})


def _speaker(unit: Unit, marks: list[Hit[Marker]], cands: list[Cand], pos: int) -> Cand | None:
    """The subject of the last reporting verb before ``pos`` ("وأكد الرئيس ... أن")."""
    speech = [h for h in marks if h.end <= pos and h.payloads[0].kind in ("speech", "reported_speech")]
    if not speech:
        return None
    s_end = unit.norm.to_orig(speech[-1].end)
    after = [c for c in cands if s_end <= c.start < pos and c.start - s_end <= ACTOR_WINDOW]
    bare = [c for c in after if is_bare(c)]
    if bare:
        return bare[0]
    return _last_subject_before(cands, s_end, unit.text)  # "X و Y يؤكدان"


def _last_subject_before(cands: list[Cand], pos: int, text: str) -> Cand | None:
    """The last mention ending before ``pos`` that no preposition governs, taken with the mentions joined
    to it by "و" (a compound subject before its verb: "بوتين وبزشكيان يؤكدان").

    Not even an adverbial one: "في سوريا" is where, never who (``is_bare``). Subject slots throughout
    the frames read the same test; on the training set it made 42 more rule events right and 130 fewer
    wrong than refusing only the recipient prepositions.
    """
    bare = [c for c in cands if c.end <= pos and is_bare(c)]
    return _head_of_compound(cands, bare[-1], text) if bare else None


Roles = tuple[list[Party], list[Party], Party | None]  # actors, recipients, initiator


def _assign(
    unit: Unit, hit: Hit[Trigger], trig: Trigger, cands: list[Cand], marks: list[Hit[Marker]], state: _State
) -> Roles:
    """The trigger's parties; with no actor in the sentence, the last actor named before (null subject)."""
    if unit.frames is None:
        unit.frames = {}
    key = (hit.start, trig)
    if key not in unit.frames:
        unit.frames[key] = _frame(unit, hit, trig, cands, marks)
    actors, recipients, initiator, co_actors = unit.frames[key]
    if actors is not None:
        return list(actors), list(recipients), initiator
    carried = list(state.last_actors)
    if _is_dual(marks, hit):
        carried = _joined(carried, state.last_recipients)
    if carried:  # "وتم الاتفاق مع الأردن": the party named with مع agreed with the one carried
        carried = _joined(carried, co_actors)
    return carried, _not_acting(recipients, carried), None


def _joined(parties: list[Party], more: list[Party]) -> list[Party]:
    """``parties`` and then those of ``more`` not among them, in order."""
    return parties + [p for p in more if p not in parties]


def _is_dual(marks: list[Hit[Marker]], hit: Hit[Trigger]) -> bool:
    """A dual verb is the trigger or stands right before it ("واتفقا على", "وأكدا دعمهما")."""
    dual = {"dual"}
    at_trigger = any(m.start == hit.start and _is_kind(m, dual) for m in marks)
    return at_trigger or _marks_before(marks, hit.start, 1, dual)


def _not_acting(recipients: list[Party], actors: list[Party]) -> list[Party]:
    """The same party cannot receive its own action, but the same country can (domestic events)."""
    actor_ids = {(p.code, p.sector, p.kb_id) for p in actors}
    return [p for p in recipients if (p.code, p.sector, p.kb_id) not in actor_ids]


def _frame(
    unit: Unit, hit: Hit[Trigger], trig: Trigger, cands: list[Cand], marks: list[Hit[Marker]]
) -> Frame:
    """What the sentence's frames say of a trigger's parties, whatever came before: None for the actors
    when no party of the sentence acts (``_assign`` then carries the last actor, with the co-actors).

    Kept on the unit: the learned models read the frames of every trigger reading and the rule coder
    then codes the strongest one, so each would otherwise be worked out twice.
    """
    t_start, t_end = unit.norm.span_to_orig(hit.start, hit.end + len(hit.suffix))
    before = [c for c in cands if c.end <= t_start]
    after = [c for c in cands if c.start >= t_end]
    actor_cand: Cand | None = None
    initiator: Party | None = None
    if trig.direction == "reverse" or _receives(marks, hit):
        return (*_reverse(unit, trig, before, after, cands), [])
    init = _initiator(unit, marks, cands)
    if init is not None:
        initiator = init.parties[0]
        others = [
            p for c in cands if c is not init for p in c.parties if party_key(p) != party_key(initiator)
        ]
        return init.parties, others, initiator, []
    if trig.pos != "verb":
        actor_cand = _carried_out_by(unit.text, t_end, after)
    if actor_cand is None and trig.pos == "noun":
        actor_cand = _nisba_agent(unit.text, t_end, after) or _genitive_agent(unit.text, t_end, after, trig)
    if actor_cand is None and trig.pos != "noun":
        actor_cand = _subject_before(unit.text, cands, before, t_start)
    if actor_cand is None:
        actor_cand = _speaker(unit, marks, cands, t_start)
    if actor_cand is None and trig.pos != "noun":
        actor_cand = _subject_after(unit.text, after, t_end)
    if actor_cand is None:
        actor_cand = _last_subject_before(cands, t_start, unit.text)
    used = {id(actor_cand)} if actor_cand else set()
    other = _recipient(after, trig, actor_cand, used)
    others = _compound(cands, other, unit.text) if other is not None else []
    joint = other is not None and other.prep in trig.joint_preps
    if actor_cand is None:
        return (None, [], initiator, others) if joint else (None, others, initiator, [])
    actors = _compound(cands, actor_cand, unit.text)
    if joint:
        return _joined(actors, others), [], initiator, []
    return actors, _not_acting(others, actors), initiator, []


# What may stand between a subject and the verb right after it: nothing ("إيران تتهم واشنطن"), a relative
# pronoun ("ترامب الذي يزور السعودية") or "قد" ("وكانت إيران قد اتهمت").
RELATIVE_PRONOUNS = frozenset({"الذي", "التي", "اللذان", "اللتان", "الذين", "اللذين", "اللتين"})
SUBJECT_LINKS = frozenset({"", "قد", "لقد"}) | RELATIVE_PRONOUNS


def _between(text: str, start: int, end: int) -> str:
    """The words between a party and a trigger, normalised, without the spaces and commas around them.

    The frames judge a party by what stands between it and the trigger: nothing, a relative pronoun,
    a clause of doing ("يقوم بها").
    """
    return normalize_text(text[start:end]).strip(" ,،")


def _subject_before(text: str, cands: list[Cand], before: list[Cand], t_start: int) -> Cand | None:
    """Subject-verb order, as in headlines: a party right before the verb is its subject, and the party
    after it is the object ("بوتين يزور تركيا", "إيران تتهم الولايات المتحدة"), not the other way round."""
    if not before or not is_bare(before[-1]):
        return None
    if _between(text, before[-1].end, t_start) not in SUBJECT_LINKS:
        return None
    antecedent = _relative_antecedent(text, before)
    return _head_of_compound(cands, antecedent or before[-1], text)


def _relative_antecedent(text: str, before: list[Cand]) -> Cand | None:
    """The party a relative clause hangs on, when the party right before the verb is that clause's object:
    in "ترامب الذي يزور السعودية التقى الملك" Trump meets the king, Saudi Arabia is what he visits (a relative
    pronoun and one verb stand between the two parties)."""
    if len(before) < 2 or not is_bare(before[-2]):
        return None
    clause = _between(text, before[-2].end, before[-1].start).split()
    return before[-2] if len(clause) == 2 and clause[0] in RELATIVE_PRONOUNS else None


def _subject_after(text: str, after: list[Cand], t_end: int) -> Cand | None:
    """Verb-subject order: the party right after the verb is its subject ("أدان الأردن الهجوم").

    Only right after it. A party behind another word belongs to that word ("رفض قرار واشنطن": Washington
    made the decision, it does not reject it), and the frames tried next (the last subject before the
    verb, the actors of the sentence before) read it better: on the training set, 26 more events right
    and 76 fewer wrong than taking the first party within ``ACTOR_WINDOW``.
    """
    if not after or not is_bare(after[0]):
        return None
    gap = _between(text, t_end, after[0].start).split()
    if not gap or (len(gap) == 1 and after[0].mention.kind == "demonym"):  # "قصفت الطائرات الإسرائيلية"
        return after[0]
    return None


# "زيارة يقوم بها X", "الغارات التي شنها X", "الهجوم الذي نفذته X": a verb of doing, with a pronoun for the
# event noun, between the noun and its agent.
_CARRIED_OUT_BY = re.compile(
    r"^(?:\S+\s+){0,2}?(?:(?:الذي|التي|اللذين|اللتين)\s+)?"
    r"(?:(?:قام|قامت|يقوم|تقوم|سيقوم|ستقوم)\s+(?:بها|به|بهما|بهم)"
    r"|(?:اجرا|اجرت|يجري|تجري|شن|شنت|يشن|تشن|نفذ|نفذت|ينفذ|تنفذ|ارتكب|ارتكبت|يرتكب|ترتكب)(?:ها|ه|هما|هم))$"
)


def _carried_out_by(text: str, t_end: int, after: list[Cand]) -> Cand | None:
    """The agent a clause of doing introduces after an event noun: "زيارة يقوم بها أوباما إلى كينيا"."""
    if not after or after[0].start - t_end > ACTOR_WINDOW:
        return None
    return after[0] if _CARRIED_OUT_BY.match(_between(text, t_end, after[0].start)) else None


PEOPLE_PLURALS = ("يين", "يون")  # "الفلسطينيين", "السوريون": a demonym as a noun for people


def _nisba_agent(text: str, t_end: int, after: list[Cand]) -> Cand | None:
    """A nisba adjective right after a trigger noun names its agent: "العقوبات الأمريكية", "مباحثات
    أردنية سعودية" (one other adjective may come between: "عقوبات اقتصادية أمريكية").

    It outranks the sentence's subject: in "انتقد الأردن الدعم الإيراني" Iran supports, Jordan criticises.
    """
    first = after[0] if after else None
    if first is None or not is_bare(first) or first.mention.kind != "demonym":
        return None
    if normalize_text(first.mention.text).endswith(PEOPLE_PLURALS):
        return None  # "لتهجير الفلسطينيين": people, the object of another noun, not an adjective
    return first if len(text[t_end : first.start].split()) <= 1 else None


GENITIVE_AGENT_KINDS = frozenset({"person", "role", "state", "capital", "seat", "org", "institution"})


def _genitive_agent(text: str, t_end: int, after: list[Cand], trig: Trigger) -> Cand | None:
    """A party right after a verbal noun, itself followed by the noun's recipient, is its agent: "أكد
    له دعم باريس للبنان", "دعم روسيا للأسد" (the genitive names the doer, إضافة المصدر إلى فاعله).
    Without the recipient after it the genitive may be the object ("دعم سوريا"), so it is left to the
    other frames. Only the noun's own recipient prepositions count: any recipient's slot ("إدانة مصر
    لإسرائيل", where "إدانة" lists none) made 12 more rule events right on train and 3 more wrong, but
    lost with the models over twelve fold seeds (CV -0.0011, dev -0.0052).
    """
    if len(after) < 2 or text[t_end : after[0].start].strip():
        return None
    first, second = after[0], after[1]
    if not is_bare(first) or first.mention.kind not in GENITIVE_AGENT_KINDS:
        return None
    return first if second.prep in trig.recipient_preps else None


def rule_roles(
    unit: Unit, hits: list[Hit[Trigger]], marks: list[Hit[Marker]], cands: list[Cand]
) -> dict[str, tuple[set[str], set[str], bool]]:
    """Per event type, the party keys the rule frames make actors and recipients in this sentence.

    The learned role model takes these as features: the rules' reading of the frame, which the model
    can trust or overrule by what it learned. The flag says the direction is explicit (an initiator
    marker, a receiving verb, a host receiving a visitor), not just word order.
    """
    out: dict[str, tuple[set[str], set[str], bool]] = {}
    state = _State()
    for hit in hits:
        if _is_negated(unit, hit, marks):
            continue
        for trig in hit.payloads:
            actors, recipients, initiator = _assign(unit, hit, trig, cands, marks, state)
            a, r, strong = out.get(trig.type, (set(), set(), False))
            a.update(party_key(p) for p in actors)
            r.update(party_key(p) for p in recipients)
            out[trig.type] = (a, r, strong or initiator is not None)
    return out


def joined_by_and(text: str, left: Cand, right: Cand) -> bool:
    """ "X و Y", or two nisba adjectives side by side ("مباحثات أردنية سعودية", "السعودية-المصرية")."""
    gap = text[left.end : right.start].strip(" ,،")
    if gap in ("", "-") and left.mention.kind == right.mention.kind == "demonym":
        return True
    return gap == "و" or (gap == "" and text[right.start : right.start + 1] == "و")


def _compound(cands: list[Cand], first: Cand, text: str) -> list[Party]:
    """``first`` plus mentions joined to it by "و" ("بوتين وبزشكيان", "الرئيس والملك")."""
    parties = list(first.parties)
    prev = first
    for nxt in cands[cands.index(first) + 1 :]:
        if not joined_by_and(text, prev, nxt):
            break
        parties += nxt.parties
        prev = nxt
    return parties


def _head_of_compound(cands: list[Cand], last: Cand, text: str) -> Cand:
    """Walk back over "X و Y" so that a compound subject before the verb is taken whole."""
    head = last
    for prev in reversed(cands[: cands.index(last)]):
        if not joined_by_and(text, prev, head):
            break
        head = prev
    return head


def _recipient(after: list[Cand], trig: Trigger, actor: Cand | None, used: set[int]) -> Cand | None:
    """The first party after the trigger (and its actor) that its prepositions or a bare object allow."""
    preps = OBJECT_PREPS.union(trig.recipient_preps, trig.joint_preps)
    start_from = actor.end if actor is not None and actor in after else -1
    for c in after:
        if id(c) in used or c.start < start_from:
            continue
        if c.prep in preps or is_bare(c) or trig.pos != "verb":
            return c
    return None


def _reverse(
    unit: Unit, trig: Trigger, before: list[Cand], after: list[Cand], cands: list[Cand]
) -> tuple[list[Party], list[Party], Party | None]:
    """Reversed frames: "تلقى X اتصالا من Y" and "استقبل X Y" / "X يستقبل Y" make Y the actor."""
    bare_before = [c for c in before if is_bare(c)]
    bare_after = [c for c in after if is_bare(c)]
    actor = next((c for c in after if c.prep in (trig.actor_preps or ("من",))), None)
    if bare_before:
        recipient = bare_before[-1]
        actor = actor or (bare_after[0] if bare_after else None)
    else:
        recipient = bare_after[0] if bare_after else None
        actor = actor or (bare_after[1] if len(bare_after) > 1 else None)
    if actor is None or actor is recipient:
        return [], [], None
    actors = _compound(cands, actor, unit.text)
    return actors, list(recipient.parties) if recipient else [], actors[0]


def _receives(marks: list[Hit[Marker]], hit: Hit[Trigger]) -> bool:
    """A receiving verb ("تلقى") before the trigger reverses its frame."""
    return any(m.payloads[0].kind == "receive" and m.end <= hit.start for m in marks)


def _initiator(unit: Unit, marks: list[Hit[Marker]], cands: list[Cand]) -> Cand | None:
    for h in marks:
        if h.payloads[0].kind == "initiator":
            pos = unit.norm.to_orig(h.end)
            nxt = next((c for c in cands if c.start >= pos and c.start - pos <= 20), None)
            if nxt is not None:
                return nxt
    return None


@dataclass(eq=False)
class Dating:
    """What an article's event dates are read against.

    ``published`` resolves relative dates ("أمس", "الإثنين") and dates current events. ``reference`` is
    the day background is measured from: the publication date, else the latest date the article names
    itself. Without it no event of an undated article could be background, yet "وفي مارس 2015 عين حفتر"
    in an article that goes on to 2018 plainly is. On train, 57 of the 480 documents have no date in
    their metadata or text; the latest named date flags 5 of their 38 gold background events and none of
    their 375 current ones. A relative date is never resolved against a guess. The article is scanned for
    its dates only when a dated event asks.
    """

    published: dt.date | None = None
    article_units: Sequence[Unit] = ()

    @classmethod
    def of(cls, article: Article, article_units: Sequence[Unit]) -> Dating:
        """The dating of ``article``, whose sentences are ``article_units``."""
        return cls(_published_day(article.published), article_units)

    @cached_property
    def reference(self) -> dt.date | None:
        if self.published is not None:
            return self.published
        ends = [_period_end(m) for u in self.article_units for m in find_dates(u.text, None, u.norm)]
        return max(ends, default=None)


def event_date(unit: Unit, dating: Dating) -> tuple[str | None, str | None, bool]:
    return _event_date(unit.text, dating, unit.norm)


def _event_date(
    text: str, dating: Dating, norm: NormText | None = None
) -> tuple[str | None, str | None, bool]:
    iso, precision, period_end = _first_date(text, dating.published, norm)
    if period_end is None:
        return iso, precision, False
    reference = dating.reference
    return iso, precision, reference is not None and (reference - period_end).days > HISTORICAL_DAYS


# Keyed by the sentence and the publication day only, never by the article's Dating: a cache entry must
# not keep a whole article's sentences alive in a long stream.
@lru_cache(maxsize=4096)
def _first_date(
    text: str, published: dt.date | None, norm: NormText | None = None
) -> tuple[str | None, str | None, dt.date | None]:
    """The sentence's own date (ISO, precision, the last day it covers), else publication (no end)."""
    matches = [m for m in find_dates(text, published, norm) if not _attached(text, m)]
    if matches:
        return matches[0].iso(), matches[0].precision, _period_end(matches[0])
    if published is not None:
        return published.isoformat(), "day", None
    return None, None, None


# A date inside a relative clause or after "since" dates something else: "الاتفاق الذي أبرمته عام 2016",
# "اتفاقا يعود للعام 2016", "يقبع في السجن منذ 2011" say nothing of when the sentence's event happened.
_ATTACHED = re.compile(r"(?:^|\s)(?:ال[تذ]ي|الذين|اللذين|اللتين|منذ|يعود|تعود|يرجع|ترجع)(?:\s+\S+){0,3}\s*$")


def _attached(text: str, m: DateMatch) -> bool:
    return bool(_ATTACHED.search(normalize_text(text[max(0, m.start - 40) : m.start])))


def _period_end(m: DateMatch) -> dt.date:
    """The last day a date expression covers: "2015" runs to 31 December, "April 2018" to the 30th.

    An event is historical only when the whole period lies clearly before publication: "في عام 2015"
    in a July 2015 article may be last week.
    """
    if m.precision == "year":
        return dt.date(m.value.year, 12, 31)
    if m.precision == "month":
        following = dt.date(m.value.year + m.value.month // 12, m.value.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return m.value


def merge_date(event: Event, date: str | None, precision: str | None, historical: bool) -> None:
    """A current sentence beats a background one: an event told both ways takes the current date.

    "وفي 2007، قضت محكمة سورية على زمار بالسجن" and, later, the same court sentencing him again this week
    are one (type, actors, recipients) event; it is historical only when every sentence of it is.
    """
    if event.historical and not historical:
        event.date, event.date_precision, event.historical = date, precision, historical


def code(article: Article, mentions: list[Mention] | None = None) -> list[Event]:
    """Code every event of ``article`` (uses ``article.mentions`` unless ``mentions`` is given)."""
    mentions = article.mentions if mentions is None else mentions
    analysed = []
    article_units = units(article)
    for unit in article_units:
        hits = trigger_hits(unit.norm.text)
        if hits:
            cands = candidates(unit, mentions)
            hits = outside_names(unit, hits, cands)
        if hits:
            analysed.append((unit, hits, markers().find(unit.norm.text), cands))
    return code_analysed(article, analysed, Dating.of(article, article_units))


Analysed = tuple[Unit, list[Hit[Trigger]], list[Hit[Marker]], list[Cand]]


def code_analysed(article: Article, analysed: list[Analysed], dating: Dating | None = None) -> list[Event]:
    """Code sentences already analysed (triggers, markers, candidates), e.g. by the model's views."""
    return described(code_told(article, analysed, dating))


def code_told(article: Article, analysed: list[Analysed], dating: Dating | None = None) -> list[Told]:
    """``code_analysed`` with each event's telling, its contexts, attribution and place not yet read."""
    dating = dating if dating is not None else Dating.of(article, units(article))
    state = _State(normalize_text(article.title or ""))
    for unit, hits, marks, cands in analysed:
        _code_unit(unit, hits, marks, cands, dating, state)
    told = list(state.events.values())
    for n, (event, _) in enumerate(told):
        event.id = f"{article.id}/e{n}"
    return told


def _published_day(published: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _code_unit(
    unit: Unit,
    hits: list[Hit[Trigger]],
    marks: list[Hit[Marker]],
    cands: list[Cand],
    dating: Dating,
    state: _State,
) -> None:
    referent_check = REFERENT_CHECK.get()
    for hit in hits:
        trig = max(hit.payloads, key=lambda t: t.weight)
        if trig.anaphoric and referent_check and any(key[0] == trig.type for key in state.events):
            continue  # "الاتفاق" after an agreement was reported refers back to it: no new event
        if _is_negated(unit, hit, marks):
            continue
        if trig.type != "THREATEN" and _is_hypothetical(marks, hit.start):
            continue
        etype = "AGREE" if trig.type == "CONSULT" and _is_future(unit, hit, marks) else trig.type
        actors, recipients, initiator = _assign(unit, hit, trig, cands, marks, state)
        if not actors:
            continue
        state.last_actors = actors
        state.last_recipients = recipients
        _add_event(state, unit, hit, etype, trig, (actors, recipients, initiator), cands, dating)


def _add_event(
    state: _State,
    unit: Unit,
    hit: Hit[Trigger],
    etype: str,
    trig: Trigger,
    roles: Roles,
    cands: list[Cand],
    dating: Dating,
) -> None:
    actors, recipients, initiator = roles
    key = (etype, frozenset(map(party_key, actors)), frozenset(map(party_key, recipients)))
    evidence = Evidence(unit.text, unit.start, unit.start + len(unit.text))
    if key in state.events:
        event = state.events[key][0]
        if all(e.start != evidence.start for e in event.evidence):
            event.evidence.append(evidence)
            merge_date(event, *event_date(unit, dating))
        return
    mode = trig.mode if etype == trig.type and ontology.is_valid(etype, trig.mode) else None
    cameo = ontology.cameo(etype, mode)
    date, precision, historical = event_date(unit, dating)
    event = Event(
        id="",
        type=etype,
        mode=mode,
        cameo=cameo,
        goldstein=ontology.goldstein(cameo),
        quad=ontology.quad(etype),
        actors=_dedup(actors),
        recipients=_dedup(recipients),
        initiator=initiator,
        date=date,
        date_precision=precision,
        historical=historical,
        evidence=[evidence],
        confidence=round(trig.weight * (0.9 if not unit.is_title else 0.8), 3),
    )
    state.events[key] = (event, Telling(unit, cands, hit.start, state.title_norm))


def _dedup(parties: list[Party]) -> list[Party]:
    seen: set[tuple[str | None, str | None, str | None]] = set()
    out = []
    for p in parties:
        k = (p.code, p.sector, p.kb_id)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


__all__ = ["Span", "code", "party_key"]
