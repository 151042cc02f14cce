"""Scoring against gold annotations (``shared/eval/GUIDELINES.md``): strict, partial and type scores.

- strict: same type, equal set of actor codes and equal set of recipient codes (a party's code is its
  ``code``, else its ``sector``, else "UNK"); for CONSULT and COOPERATE the union of actors and
  recipients is compared, since direction there is a convention;
- partial: same type, overlapping actor codes, and overlapping recipient codes when both have any,
  matched one-to-one;
- types: the set of event types per article.
Events marked ``historical`` are left out unless asked for. System output lines are grouped by
``doc_id`` so that every article carved out of a document counts for that document.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UNDIRECTED = frozenset({"CONSULT", "COOPERATE"})


@dataclass(slots=True, frozen=True)
class EventKey:
    type: str
    actors: frozenset[str]
    recipients: frozenset[str]


@dataclass(slots=True)
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(slots=True)
class Scores:
    strict: PRF = field(default_factory=PRF)
    partial: PRF = field(default_factory=PRF)
    types: PRF = field(default_factory=PRF)
    per_type: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    documents: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "strict": self.strict.as_dict(),
            "partial": self.partial.as_dict(),
            "types": self.types.as_dict(),
            "per_type": {t: prf.as_dict() for t, prf in sorted(self.per_type.items())},
        }


def party_code(party: dict[str, Any]) -> str:
    """A gold or output party's scoring key: its code, else its sector, else UNK."""
    return party.get("code") or party.get("sector") or "UNK"


def make_key(etype: str, actors: Iterable[str], recipients: Iterable[str]) -> EventKey:
    """The key of an event of ``etype`` between these party codes (undirected types: one set)."""
    a, r = frozenset(actors), frozenset(recipients)
    return EventKey(etype, a | r, frozenset()) if etype in UNDIRECTED else EventKey(etype, a, r)


def event_key(event: dict[str, Any]) -> EventKey:
    return make_key(
        event["type"],
        (party_code(p) for p in event.get("actors") or []),
        (party_code(p) for p in event.get("recipients") or []),
    )


def scored_keys(events: Iterable[dict[str, Any]], include_historical: bool = False) -> list[EventKey]:
    """The keys of the events a score counts, in order."""
    return [event_key(e) for e in events if include_historical or not e.get("historical")]


def _strict(gold: list[EventKey], system: list[EventKey], scores: Scores) -> None:
    remaining = Counter(gold)
    for key in system:
        if remaining[key] > 0:
            remaining[key] -= 1
            scores.strict.tp += 1
            scores.per_type[key.type].tp += 1
        else:
            scores.strict.fp += 1
            scores.per_type[key.type].fp += 1
    for key, n in remaining.items():
        scores.strict.fn += n
        scores.per_type[key.type].fn += n


def _partial_match(g: EventKey, s: EventKey) -> bool:
    if g.type != s.type or not (g.actors & s.actors):
        return False
    return not (g.recipients and s.recipients) or bool(g.recipients & s.recipients)


def _partial(gold: list[EventKey], system: list[EventKey], scores: Scores) -> None:
    unmatched = list(gold)
    for s in system:
        hit = next((g for g in unmatched if _partial_match(g, s)), None)
        if hit is None:
            scores.partial.fp += 1
        else:
            unmatched.remove(hit)
            scores.partial.tp += 1
    scores.partial.fn += len(unmatched)


def _types(gold: list[EventKey], system: list[EventKey], scores: Scores) -> None:
    g, s = {k.type for k in gold}, {k.type for k in system}
    scores.types.tp += len(g & s)
    scores.types.fp += len(s - g)
    scores.types.fn += len(g - s)


def score(
    gold_docs: dict[str, list[dict[str, Any]]],
    system_docs: dict[str, list[dict[str, Any]]],
    include_historical: bool = False,
) -> Scores:
    """Score system events against gold events, both keyed by document id."""
    return score_keys(
        {doc_id: scored_keys(events, include_historical) for doc_id, events in gold_docs.items()},
        {doc_id: scored_keys(system_docs.get(doc_id, []), include_historical) for doc_id in gold_docs},
    )


def score_keys(
    gold_docs: dict[str, list[EventKey]], system_docs: dict[str, list[EventKey]], partial: bool = True
) -> Scores:
    """``score`` over events already reduced to their keys (the scored ones only).

    Training scores hundreds of threshold settings against the same gold: it keys the gold once, and
    skips the partial score, which no threshold is chosen by.
    """
    scores = Scores()
    for doc_id, gold in gold_docs.items():
        system = system_docs.get(doc_id, [])
        _strict(gold, system, scores)
        if partial:
            _partial(gold, system, scores)
        _types(gold, system, scores)
        scores.documents += 1
    return scores


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def gold_events(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    return {row["id"]: row.get("events") or [] for row in read_jsonl(path)}


def system_events_from_output(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Group the events of ``marsad extract`` output lines by ``doc_id``."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read_jsonl(path):
        grouped[row["doc_id"]].extend(row.get("events") or [])
    return grouped


def system_events_from_run(
    path: str | Path, use_model: bool | str = True, coder: Any = None
) -> dict[str, list[dict[str, Any]]]:
    """Run the extractor over the gold file's articles and group the events by document."""
    from marsad.pipeline import Stats, run
    from marsad.readers.errors import ErrorLog
    from marsad.serialize import event_dict

    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc, articles in run([path], ErrorLog(), Stats(), use_model=use_model, coder=coder):
        for article in articles:
            grouped[doc.id].extend(event_dict(e) for e in article.events)
    return grouped


def actor_recall(path: str | Path, include_historical: bool = False) -> dict[str, Any]:
    """Share of gold actor and recipient codes that appear among the article's linked mentions."""
    from marsad.pipeline import Stats, run
    from marsad.readers.errors import ErrorLog

    gold = gold_events(path)
    found = total = 0
    missed: Counter[str] = Counter()
    for doc, articles in run([path], ErrorLog(), Stats(), events=False):
        keys = {m.code or m.sector or "UNK" for a in articles for m in a.mentions}
        for event in gold.get(doc.id, []):
            if event.get("historical") and not include_historical:
                continue
            for party in (event.get("actors") or []) + (event.get("recipients") or []):
                total += 1
                key = party_code(party)
                found += key in keys
                if key not in keys:
                    missed[f"{key} {party.get('text')}"] += 1
    return {
        "recall": round(found / total, 4) if total else 0.0,
        "found": found,
        "total": total,
        "top_missed": missed.most_common(15),
    }


# Rules only, then each learned part added: the coder's name and how ``system_events_from_run`` runs it.
ABLATION: dict[str, bool | str] = {"rules": False, "types": "types", "roles": "roles", "full": "full"}


def ablation(gold_path: str | Path, include_historical: bool = False) -> dict[str, Scores]:
    """Every coder of the ablation scored on the same gold in one run, so their differences compare.

    rules: the rule coder alone; types: rule events the type model agrees with; roles: the type and
    role models decode; full: rule and model events pooled through the event filter (the default);
    full_no_referent: full with the referent check switched off (``REFERENT_CHECK``), so that its own
    contribution shows: anaphoric trigger nouns are then coded as new events and lose their type feature.
    """
    from marsad.events.lexicon import REFERENT_CHECK

    gold = gold_events(gold_path)
    results = {
        name: score(gold, system_events_from_run(gold_path, use_model=coder), include_historical)
        for name, coder in ABLATION.items()
    }
    switched_off = REFERENT_CHECK.set(False)
    try:
        without = score(gold, system_events_from_run(gold_path, use_model="full"), include_historical)
    finally:
        REFERENT_CHECK.reset(switched_off)
    return {**results, "full_no_referent": without}


def format_ablation(results: dict[str, Scores]) -> str:
    """One line per coder: strict P/R/F1, partial F1 and types F1, and strict F1 over the rules."""
    base = results["rules"].strict.f1
    lines = [f"{'coder':16} {'strict P':>8} {'R':>6} {'F1':>6} {'partial':>8} {'types':>6} {'vs rules':>9}"]
    for name, s in results.items():
        lines.append(
            f"{name:16} {s.strict.precision:8.3f} {s.strict.recall:6.3f} {s.strict.f1:6.3f} "
            f"{s.partial.f1:8.3f} {s.types.f1:6.3f} {s.strict.f1 - base:+9.3f}"
        )
    return "\n".join(lines)


def format_report(scores: Scores) -> str:
    lines = [f"documents: {scores.documents}", f"{'':10} {'P':>6} {'R':>6} {'F1':>6}   tp   fp   fn"]
    for name, prf in (("strict", scores.strict), ("partial", scores.partial), ("types", scores.types)):
        lines.append(
            f"{name:10} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} "
            f"{prf.tp:4d} {prf.fp:4d} {prf.fn:4d}"
        )
    lines.append("")
    lines.append(f"{'type (strict)':14} {'P':>6} {'R':>6} {'F1':>6}   tp   fp   fn")
    for t, prf in sorted(scores.per_type.items()):
        lines.append(
            f"{t:14} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} {prf.tp:4d} {prf.fp:4d} {prf.fn:4d}"
        )
    return "\n".join(lines)
