"""Decoding with the learned models: sentence types, then parties per type, then the guidelines.

For each sentence: the type model gives a probability per PLOVER type; a type is proposed when its
probability passes the type threshold, or a lower one when the rule lexicon has a trigger of that type
in the sentence (rule proposal + model agreement). Types whose every trigger is negated, or that sit in a
hypothetical clause, are dropped as in the rule coder. For each proposed type, the role model scores
every candidate party key (mentions in the sentence, group words expanded, and the parties carried from
the previous sentence). The reading reranker (``marsad.models.rerank``) then chooses who acts and who
receives as a whole among the most probable joint readings; without one, keys over the actor threshold
act and keys over the recipient threshold receive. One event per (type, actor keys, recipient keys) per
article, keeping every evidence span; the mode is the one of the sentence's strongest trigger of the type.
Thresholds are chosen by cross-validation on the training set (``marsad.models.train``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from marsad.evaluate import UNDIRECTED
from marsad.events import ontology
from marsad.events.coder import Telling, Told, described, event_date, merge_date
from marsad.events.units import party_key
from marsad.models.features import UnitView, role_features, type_features
from marsad.models.linear import LinearModel
from marsad.models.trees import TreeEnsemble
from marsad.records import Event, Evidence, Party

# "both": the same party key acts and receives, as in domestic events (Iranian police arrest Iranian
# protesters: IRN -> IRN), a fifth of the annotated events.
ROLE_LABELS = ("none", "actor", "recipient", "both")


@dataclass(slots=True)
class Thresholds:
    type: float = 0.5
    type_with_trigger: float = 0.3
    actor: float = 0.5
    actor_floor: float = 0.3  # the best candidate still acts when over this, if no one passes ``actor``
    recipient: float = 0.5
    recipient_floor: float = 0.5  # the best non-actor still receives when over this, if no one passes
    both: float = 0.3  # a key also receives when its "both" probability passes this
    keep: float = 0.5  # the event filter keeps pooled events scored at least this
    restore_type: float = 1.0  # a type the filter dropped whole comes back with its likeliest model event
    # when the reported-types model gives the type at least this (over 1: never)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True)
class Models:
    types: LinearModel
    roles: LinearModel
    thresholds: Thresholds = field(default_factory=Thresholds)
    meta: dict[str, Any] = field(default_factory=dict)
    events: TreeEnsemble | None = None  # the event filter over pooled rule and model events
    readings: LinearModel | None = None  # the reading reranker (``marsad.models.rerank``)
    priors: LinearModel | None = None  # how often events of a kind are right (``filter.traits``)
    reported: TreeEnsemble | None = None  # whether an article reports a type (``filter.type_rows``)
    rivals: TreeEnsemble | None = None  # the filter's second round (``filter.rival_rows``)


@dataclass(slots=True)
class Proposal:
    """A scored (type, roles) proposal for one sentence, before thresholds on roles are applied."""

    view_index: int
    type: str
    p_type: float
    has_trigger: bool
    keys: list[str]
    parties: dict[str, Party]
    p_roles: np.ndarray  # (n_keys, 4): none, actor, recipient, both
    conjuncts: dict[str, frozenset[str]] = field(default_factory=dict)  # keys joined by "و" in the sentence
    lemmas: tuple[str, ...] = ()  # lemmas of the sentence's triggers of this type


def key_parties(view: UnitView) -> tuple[list[str], dict[str, Party], set[str]]:
    """Candidate keys in order, a representative party per key, and which keys come from context."""
    parties: dict[str, Party] = {}
    for c in view.cands:
        for p in c.parties:
            parties.setdefault(party_key(p), p)
    from_context = set()
    for p in view.context:
        k = party_key(p)
        if k not in parties:
            parties[k] = p
            from_context.add(k)
    return list(parties), parties, from_context


def _blocked(view: UnitView, etype: str) -> bool:
    """True when every trigger of ``etype`` in the sentence is negated or hypothetical."""
    hits = [h for h in view.trig_hits if any(t.type == etype for t in h.payloads)]
    if not hits:
        return False
    neg = [m for m in view.marks if m.payloads[0].kind == "negation"]
    hyp = [m for m in view.marks if m.payloads[0].kind in ("hypothetical", "conditional")]

    def blocked(h: Any) -> bool:
        negated = any(m.end <= h.start and h.start - m.end <= 12 for m in neg)
        hypothetical = etype != "THREATEN" and any(m.end <= h.start for m in hyp)
        return negated or hypothetical

    return all(blocked(h) for h in hits)


def propose(
    views: list[UnitView],
    models: Models,
    min_p: float,
    type_scores: np.ndarray | None = None,
    th: Thresholds | None = None,
) -> list[Proposal]:
    """Score types for every sentence and roles for every type over ``min_p``.

    ``type_scores`` (one row per view, from ``sentence_type_scores``) when the caller already has them;
    with ``th``, only types the type thresholds accept are proposed (training wants them all). The roles
    of every proposal of the article are scored in one batch.
    """
    pending: list[tuple[Proposal, int]] = []
    rows: list[list[str]] = []
    no_roles = np.empty((0, len(ROLE_LABELS)))  # filled below, once the whole article is scored
    labels = models.types.labels
    if type_scores is None:
        type_scores = sentence_type_scores(views, models)
    for i, view in enumerate(views):
        p_types = type_scores[i]
        over = np.flatnonzero(p_types >= min_p)
        if not len(over):
            continue
        keys, parties, ctx = key_parties(view)
        if not keys:
            continue
        trig_types = {t.type for h in view.trig_hits for t in h.payloads}
        grouped, conj = view.keys(), conjuncts(view)
        for j in over:
            etype, p_type = labels[j], float(p_types[j])
            if th is not None and not passes(p_type, etype in trig_types, th):
                continue
            if _blocked(view, etype):
                continue
            rows += [role_features(view, etype, k, grouped.get(k, []), k in ctx) for k in keys]
            lemmas = tuple(sorted({lemma for _, lemma in view.triggers(etype)}))
            proposal = Proposal(i, etype, p_type, etype in trig_types, keys, parties, no_roles, conj, lemmas)
            pending.append((proposal, len(keys)))
    scores = models.roles.scores_batch(rows) if rows else np.empty((0, len(ROLE_LABELS)))
    start = 0
    for proposal, n in pending:
        proposal.p_roles = scores[start : start + n]
        start += n
    return [proposal for proposal, _ in pending]


def sentence_type_scores(views: list[UnitView], models: Models) -> np.ndarray:
    """The type model's probabilities for every sentence of an article, in one batch."""
    if not views:
        return np.zeros((0, len(models.types.labels)))
    return models.types.scores_batch([type_features(v) for v in views])


def choose_roles(p: Proposal, th: Thresholds) -> tuple[list[str], list[str]]:
    """Actors and recipients from role probabilities; a key may be both (domestic events)."""
    cols = {label: i for i, label in enumerate(ROLE_LABELS)}
    both = p.p_roles[:, cols["both"]] if p.p_roles.shape[1] > cols["both"] else np.zeros(len(p.keys))
    acts = p.p_roles[:, cols["actor"]] + both
    recs = p.p_roles[:, cols["recipient"]] + both
    actors = [k for k, a in zip(p.keys, acts, strict=True) if a >= th.actor]
    if not actors:
        best = int(np.argmax(acts))
        if acts[best] >= th.actor_floor:
            actors = [p.keys[best]]
    recipients = [
        k
        for i, k in enumerate(p.keys)
        if recs[i] >= th.recipient
        and (k not in actors or both[i] >= th.both)
        and (k in actors or recs[i] > acts[i])
    ]
    if not recipients and p.type not in UNDIRECTED:
        others = [i for i, k in enumerate(p.keys) if k not in actors or both[i] >= th.both]
        if others:
            best = max(others, key=lambda i: recs[i])
            if recs[best] >= th.recipient_floor:
                recipients = [p.keys[best]]
    actors += [k for a in list(actors) for k in sorted(p.conjuncts.get(a, ())) if k not in actors]
    if p.type in UNDIRECTED:
        actors, recipients = actors + [k for k in recipients if k not in actors], []
    return actors, recipients


def conjuncts(view: UnitView) -> dict[str, frozenset[str]]:
    """Party keys joined by "و" ("بوتين وبزشكيان يؤكدان"): a compound subject acts together."""
    from marsad.events.coder import joined_by_and

    groups: dict[str, set[str]] = {}
    for left, right in zip(view.cands, view.cands[1:], strict=False):
        if not joined_by_and(view.unit.text, left, right):
            continue
        for a in left.parties:
            for b in right.parties:
                ka, kb = party_key(a), party_key(b)
                if ka != kb:
                    groups.setdefault(ka, set()).add(kb)
                    groups.setdefault(kb, set()).add(ka)
    return {k: frozenset(v) for k, v in groups.items()}


def passes(p_type: float, has_trigger: bool, th: Thresholds) -> bool:
    """The type thresholds: lower when the rule lexicon has a trigger of the type in the sentence."""
    return p_type >= (th.type_with_trigger if has_trigger else th.type)


def accept(p: Proposal, th: Thresholds) -> bool:
    return passes(p.p_type, p.has_trigger, th)


@dataclass(slots=True)
class Choice:
    """One reading of one proposal, as the decoder turns it into an event."""

    proposal: Proposal
    actors: list[str]
    recipients: list[str]
    rank: int = 0  # 0 for the proposal's best reading
    score: float | None = None  # the reranker's probability that the reading is right, if there is one

    @property
    def key(self) -> tuple[str, frozenset[str], frozenset[str]]:
        return self.proposal.type, frozenset(self.actors), frozenset(self.recipients)


def decode(
    views: list[UnitView],
    proposals: list[Proposal],
    th: Thresholds,
    article_id: str,
    reranker: LinearModel | None = None,
) -> list[Event]:
    accepted = [p for p in proposals if accept(p, th)]
    return events_from(views, assign_roles(views, accepted, th, reranker), article_id)


def events_from(views: list[UnitView], choices: list[Choice], article_id: str) -> list[Event]:
    """One event per (type, actor keys, recipient keys), keeping every sentence as evidence."""
    return described(told_from(views, choices, article_id))


def told_from(views: list[UnitView], choices: list[Choice], article_id: str) -> list[Told]:
    """``events_from`` with each event's telling, its contexts, attribution and place not yet read."""
    events: dict[tuple[str, frozenset[str], frozenset[str]], Told] = {}
    title = next((v.unit.norm.text for v in views if v.unit.is_title), "")
    for c in choices:
        p, actors, recipients, key = c.proposal, c.actors, c.recipients, c.key
        if not actors:
            continue
        view = views[p.view_index]
        directed = _direction(view, p.type, actors) if p.type in UNDIRECTED else None
        unit = view.unit
        evidence = Evidence(unit.text, unit.start, unit.start + len(unit.text))
        if key in events:
            event = events[key][0]
            if all(e.start != evidence.start for e in event.evidence):
                event.evidence.append(evidence)
                merge_date(event, *event_date(unit, view.dating))
            if directed and not event.recipients:
                _set_direction(event, p, *directed)
            continue
        events[key] = _told(p, view, actors, recipients, evidence, title)
        if directed:
            _set_direction(events[key][0], p, *directed)
    out = list(events.values())
    for n, (event, _) in enumerate(out):
        event.id = f"{article_id}/e{n}"
    return out


def assign_roles(
    views: list[UnitView],
    proposals: list[Proposal],
    th: Thresholds,
    reranker: LinearModel | None,
    n_best: int | None = 1,
) -> list[Choice]:
    """Readings per proposal: the reranker's ``n_best`` best (all when None), else the threshold reading."""
    if reranker is None:
        return [Choice(p, *choose_roles(p, th)) for p in proposals]
    from marsad.models.rerank import candidate_readings, in_key_order, ranked, rule_reading

    options = [candidate_readings(p, th, rule_reading(views[p.view_index].rules, p.type)) for p in proposals]
    return [
        Choice(p, *in_key_order(p, reading), rank, score)
        for p, scored in zip(proposals, ranked(options, reranker), strict=True)
        for rank, (reading, score) in enumerate(scored[:n_best])
    ]


def _direction(view: UnitView, etype: str, participants: list[str]) -> tuple[list[str], list[str]] | None:
    """For CONSULT/COOPERATE: the rule frames' direction (caller, visitor, initiator) when they give one.

    Scoring ignores direction for these types, but users read it: "بمبادرة من الجانب الإيراني" or
    "تلقى X اتصالا من Y" say who called whom.
    """
    if etype not in view.rules:
        return None
    actors, recipients, explicit = view.rules[etype]
    if not explicit:
        return None
    members = set(participants)
    a, r = [k for k in participants if k in actors], [k for k in participants if k in recipients]
    if a and r and set(a) | set(r) == members and not set(a) & set(r):
        return a, r
    return None


def _set_direction(event: Event, p: Proposal, actors: list[str], recipients: list[str]) -> None:
    event.actors = [p.parties[k] for k in actors]
    event.recipients = [p.parties[k] for k in recipients]
    event.initiator = event.actors[0]


def _told(
    p: Proposal, view: UnitView, actors: list[str], recipients: list[str], evidence: Evidence, title: str
) -> Told:
    """A new event of proposal ``p`` read in ``view``; ``title`` is the article's normalised title."""
    date, precision, historical = event_date(view.unit, view.dating)
    mode = trigger_mode(view, p.type)
    cameo = ontology.cameo(p.type, mode)
    role_conf = float(p.p_roles[[p.keys.index(k) for k in actors], 1].mean())
    trigger = next((h.start for h in view.trig_hits if any(t.type == p.type for t in h.payloads)), None)
    event = Event(
        id="",
        type=p.type,
        mode=mode,
        cameo=cameo,
        goldstein=ontology.goldstein(cameo),
        quad=ontology.quad(p.type),
        actors=[p.parties[k] for k in actors],
        recipients=_recipient_parties(p, view, actors, recipients),
        date=date,
        date_precision=precision,
        historical=historical,
        evidence=[evidence],
        confidence=round(p.p_type * role_conf, 3),
    )
    return event, Telling(view.unit, view.cands, trigger, title)


def _recipient_parties(p: Proposal, view: UnitView, actors: list[str], recipients: list[str]) -> list[Party]:
    """The recipients' mentions; for a key on both sides, another mention of it than the actor's.

    A domestic event ("اتهمت الحكومة المصرية المعارضة المصرية") has one key on both sides, and a key's
    representative is its first mention: without this the user would read the actor as its own
    recipient. Only a sentence that names the key once shows the same mention on both sides.
    """
    out = []
    for k in recipients:
        party = p.parties[k]
        if k in actors:
            others = (q for c in view.cands for q in c.parties if party_key(q) == k and q.span != party.span)
            # The first other entity, else the first other mention of the same one ("ترامب" ... "الرئيس
            # الأمريكي"); ``min`` keeps the first of equals.
            party = min(others, key=lambda q: q.kb_id is not None and q.kb_id == party.kb_id, default=party)
        out.append(party)
    return out


def trigger_mode(view: UnitView, etype: str) -> str | None:
    """The mode of the sentence's strongest trigger of ``etype`` ("شن غارات" -> ASSAULT aerial), if any."""
    modes = [
        (t.weight, t.mode)
        for h in view.trig_hits
        for t in h.payloads
        if t.type == etype and t.mode and ontology.is_valid(etype, t.mode)
    ]
    return max(modes)[1] if modes else None
