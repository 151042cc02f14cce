"""Alignment of gold annotations to the pipeline's own units and mentions, for training.

Each gold event's ``evidence`` is a verbatim substring of its article, so it anchors the event to the
sentence where it starts. Each gold party is reduced to its scoring key (code, else sector) and looked
up among the sentence's candidate party keys (linked mentions, group words expanded, plus parties
carried from earlier sentences). Counts of what aligned are kept for the report.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.evaluate import UNDIRECTED, party_code
from marsad.events.coder import Dating
from marsad.events.units import candidates, party_key, units
from marsad.models.features import UnitView
from marsad.pipeline import process
from marsad.readers import read
from marsad.readers.errors import ErrorLog
from marsad.records import Article, Party

# Mentions of the previous sentence whose parties are carried as null-subject candidates: its first, which
# is usually its subject. On train a second carried mention was the answer for 52 gold actors against 133
# for the first, and it added a candidate to every proposal; over six fold seeds one mention scored CV
# strict 0.3709 -> 0.3730 and dev 0.431 -> 0.432, types flat (both at about the noise floor).
CONTEXT_PARTIES = 1


@dataclass(slots=True)
class AlignStats:
    events: int = 0
    events_aligned: int = 0
    parties: int = 0
    parties_aligned: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "events": self.events,
            "events_aligned": self.events_aligned,
            "parties": self.parties,
            "parties_aligned": self.parties_aligned,
        }


@dataclass(slots=True)
class DocExample:
    """One gold document: its views (sentences) and the gold events anchored to each view."""

    doc_id: str
    views: list[UnitView]
    gold: list[dict[str, Any]]  # all gold events of the document (for scoring)
    anchored: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    articles: list[tuple[Article, list[UnitView]]] = field(default_factory=list)


def article_views(article: Article) -> list[UnitView]:
    """Views of every sentence of an article, each with the parties carried from the one before."""
    views: list[UnitView] = []
    context: list[Party] = []
    for position, unit in enumerate(units(article)):
        cands = candidates(unit, article.mentions)
        views.append(UnitView.build(unit, cands, list(context), position))
        if cands:
            context = [p for c in cands[:CONTEXT_PARTIES] for p in c.parties]
    dating = Dating.of(article, [v.unit for v in views])
    counts = Counter(party_key(p) for v in views for c in v.cands for p in c.parties)
    ranked = [k for k, _ in counts.most_common(2)]
    for v in views:
        v.topic = ranked
        v.dating = dating
    return views


def _gold_rows(path: Path) -> dict[str, dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return {row["id"]: row for row in map(json.loads, filter(str.strip, fh))}


def examples(gold_path: Path, stats: AlignStats) -> Iterator[DocExample]:
    """Process each gold document with the pipeline (no events) and anchor its gold events."""
    rows = _gold_rows(gold_path)
    for doc in read(gold_path, errors=ErrorLog()):
        row = rows.get(doc.id)
        if row is None:
            continue
        articles = [(a, article_views(a)) for a in process(doc, events=False)]
        views = [v for _, vs in articles for v in vs]
        example = DocExample(doc.id, views, row.get("events") or [], articles=articles)
        for event in example.gold:
            _anchor(doc.text, event, example, stats)
        yield example


def _anchor(text: str, event: dict[str, Any], example: DocExample, stats: AlignStats) -> None:
    stats.events += 1
    pos = text.find(event.get("evidence") or "\0")
    idx = (
        next(
            (i for i, v in enumerate(example.views) if v.unit.start <= pos < v.unit.start + len(v.unit.text)),
            None,
        )
        if pos >= 0
        else None
    )
    if idx is None:
        return
    stats.events_aligned += 1
    example.anchored.setdefault(idx, []).append(event)
    view = example.views[idx]
    keys = set(view.keys()) | {party_key(p) for p in view.context}
    for party in (event.get("actors") or []) + (event.get("recipients") or []):
        stats.parties += 1
        stats.parties_aligned += party_code(party) in keys


def role_labels(events: list[dict[str, Any]], etype: str) -> tuple[set[str], set[str]]:
    """Gold actor and recipient keys of the ``etype`` events anchored to one sentence."""
    actors: set[str] = set()
    recipients: set[str] = set()
    for e in events:
        if e["type"] != etype:
            continue
        a = {party_code(p) for p in e.get("actors") or []}
        r = {party_code(p) for p in e.get("recipients") or []}
        if etype in UNDIRECTED:
            actors |= a | r
        else:
            actors |= a
            recipients |= r
    return actors, recipients
