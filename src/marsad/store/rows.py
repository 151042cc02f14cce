"""Pipeline records -> column batches for the store tables, with story and event deduplication.

Why columns (dict of lists) and not row objects: both bulk paths want columns (an Arrow table for
DuckDB, a row stream built from the same lists for COPY), and building them is one pass over the
records. The builder also assigns story ids and merged-event ids through ``DedupState``, so a batch
joins the stories and merged events already in the store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from marsad.dedup.events import merge_key
from marsad.dedup.stories import signature
from marsad.records import Article, Document, Event
from marsad.store.base import Columns, DedupState, key_to_text
from marsad.store.schema import BY_NAME


def empty(table: str) -> Columns:
    return {c: [] for c in BY_NAME[table].names}


def record_hash(doc: Document) -> str:
    """The store's identity of a document: its text AND where it was published.

    ``Provenance.content_hash`` covers the text only, so a syndicated copy (same text, another outlet or
    id) would be dropped as already stored and could never count as a second source. Re-reading the
    same file gives the same hash (the fetch time is left out), which makes ingest idempotent.
    """
    text_hash = doc.provenance.content_hash or hashlib.sha1(doc.text.encode("utf-8")).hexdigest()
    parts = [text_hash, doc.id, doc.outlet or "", doc.url or "", doc.title or "", doc.published or ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def rename_document(doc: Document, articles: list[Article], new_id: str) -> None:
    """Give a document (and the ids derived from it) a new id when its id is taken by other content."""
    old = doc.id

    def sub(value: str | None) -> str | None:
        return new_id + value[len(old):] if value and value.startswith(old) else value

    doc.id = new_id
    for a in articles:
        a.doc_id, a.id, a.parent = new_id, sub(a.id) or a.id, sub(a.parent)
        a.related = [sub(r) or r for r in a.related]
        for e in a.events:
            e.id = sub(e.id) or e.id


@dataclass
class BatchBuilder:
    """Accumulates documents into column batches; assigns stories and merged events as it goes."""

    state: DedupState
    tables: dict[str, Columns] = field(default_factory=dict)
    first_report_seq: int = 0
    first_signature_seq: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.tables = {name: empty(name) for name in
                       ("documents", "articles", "article_signatures", "stories", "story_members",
                        "mentions", "events", "event_participants", "event_reports", "evidence")}
        self.first_report_seq = self.state.report_seq
        self.first_signature_seq = self.state.signature_seq
        self.counts = {"documents": 0, "articles": 0, "events": 0, "errors": 0}

    def add(self, doc: Document, articles: list[Article], content_hash: str) -> None:
        p = doc.provenance
        _append(self.tables["documents"], doc.id, p.source, p.line, content_hash, p.fetched, doc.format,
                doc.title, doc.published, doc.outlet, doc.url)
        self.counts["documents"] += 1
        for a in articles:
            self._article(a)

    def _article(self, a: Article) -> None:
        story_id = self._story(a)
        span = a.span
        _append(self.tables["articles"], a.id, a.doc_id, a.index, a.kind, a.title, a.published, a.outlet,
                a.source, a.url, a.breaking, a.text, span.start if span else None, span.end if span else None,
                story_id)
        self.counts["articles"] += 1
        mentions = self.tables["mentions"]
        for m in a.mentions:
            _append(mentions, a.id, m.span.start, m.span.end, m.text, m.kb_id, m.name, m.code, m.sector,
                    m.role, m.kind)
        for e in a.events:
            self._event(a, e)

    def _story(self, a: Article) -> str | None:
        """Full articles are clustered by their body; title-only headlines stay outside stories."""
        if a.kind != "article" or not a.text.strip():
            return None
        sig = signature(a.text)
        story_id = self.state.stories.add(a.id, sig)
        _append(self.tables["article_signatures"], self.state.signature_seq, a.id, sig.tobytes())
        self.state.signature_seq += 1
        if story_id not in self.state.story_ids:
            self.state.story_ids.add(story_id)
            _append(self.tables["stories"], story_id, a.title, a.published, 0)
        _append(self.tables["story_members"], story_id, a.id)
        return story_id

    def _event(self, a: Article, e: Event) -> None:
        key = merge_key(e)
        merged = self.state.merger.add(e.id, key, e.date)
        if merged not in self.state.event_ids:
            self.state.event_ids.add(merged)
            self._new_event(merged, e, key_to_text(key))
            self.counts["events"] += 1
        reports = self.tables["event_reports"]
        _append(reports, self.state.report_seq, merged, e.id, a.id, e.date, e.attribution)
        self.state.report_seq += 1
        for ev in e.evidence:
            _append(self.tables["evidence"], merged, a.id, e.id, ev.text, ev.start, ev.end)

    def _new_event(self, merged: str, e: Event, key: str) -> None:
        loc = e.location or {}
        _append(self.tables["events"], merged, e.type, e.mode, list(e.context), e.cameo, e.goldstein, e.quad,
                e.date, e.date_precision, e.historical, [p.code or "" for p in e.actors],
                [p.code or "" for p in e.recipients], [p.name or p.text for p in e.actors],
                [p.name or p.text for p in e.recipients], loc.get("name_en") or loc.get("name"),
                loc.get("country"), loc.get("lat"), loc.get("lon"), 0, 0, 0, None, [], e.confidence, key)
        parts = self.tables["event_participants"]
        for role, parties in (("actor", e.actors), ("recipient", e.recipients)):
            for i, p in enumerate(parties):
                _append(parts, merged, role, p.kb_id, p.name or p.text, p.code, p.sector, i)


def _append(cols: Columns, *values: Any) -> None:
    for column, value in zip(cols.values(), values, strict=True):
        column.append(value)


def actor_rows() -> Columns:
    """The ``actors`` table from the KB: people with their current (latest) office, countries, orgs."""
    from marsad.kb.model import load_kb

    kb = load_kb()
    cols = empty("actors")
    seen: set[str] = set()

    def add(kb_id: str, name: str | None, code: str | None, sector: str | None, kind: str) -> None:
        if kb_id not in seen:
            seen.add(kb_id)
            _append(cols, kb_id, name, code, sector, kind)

    for person in kb.people:
        office = person.office_at(None)
        add(f"person:{person.id}", person.name, office.country if office else None,
            office.sector if office else None, "person")
    for country in kb.countries:
        add(f"country:{country['code']}", country.get("name"), country["code"], "GOV", "state")
    for org in kb.organizations:
        add(f"org:{org['id']}", org.get("name"), org.get("code"), org.get("sector"), org.get("kind") or "org")
    return cols
