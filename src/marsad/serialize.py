"""Records to JSON at the edges: the ``marsad extract`` article contract and PLOVER JSON records.

The article format is a contract (later versions extend it, never break it): ``doc_id, id, kind, title,
published, outlet, source, url, breaking, text, related, span, mentions, events``.
"""

from __future__ import annotations

from typing import Any

from marsad import __version__
from marsad.records import Article, Event, Mention, Party


def mention_dict(m: Mention) -> dict[str, Any]:
    return {
        "span": [m.span.start, m.span.end],
        "text": m.text,
        "kb_id": m.kb_id,
        "name": m.name,
        "code": m.code,
        "sector": m.sector,
        "role": m.role,
        "kind": m.kind,
        "confidence": m.confidence,
    }


def party_dict(p: Party) -> dict[str, Any]:
    return {
        "kb_id": p.kb_id,
        "name": p.name,
        "code": p.code,
        "sector": p.sector,
        "text": p.text,
        "span": [p.span.start, p.span.end] if p.span else None,
    }


def event_dict(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "type": e.type,
        "mode": e.mode,
        "context": e.context,
        "cameo": e.cameo,
        "goldstein": e.goldstein,
        "quad": e.quad,
        "actors": [party_dict(p) for p in e.actors],
        "recipients": [party_dict(p) for p in e.recipients],
        "initiator": party_dict(e.initiator) if e.initiator else None,
        "attribution": e.attribution,
        "date": e.date,
        "date_precision": e.date_precision,
        "historical": e.historical,
        "location": e.location,
        "evidence": [{"text": ev.text, "start": ev.start, "end": ev.end} for ev in e.evidence],
        "confidence": e.confidence,
    }


def article_dict(a: Article) -> dict[str, Any]:
    return {
        "doc_id": a.doc_id,
        "id": a.id,
        "kind": a.kind,
        "title": a.title,
        "published": a.published,
        "outlet": a.outlet,
        "source": a.source,
        "url": a.url,
        "breaking": a.breaking,
        "text": a.text,
        "related": a.related,
        "span": [a.span.start, a.span.end] if a.span else None,
        "mentions": [mention_dict(m) for m in a.mentions],
        "events": [event_dict(e) for e in a.events],
    }


def _plover_party(parties: list[Party]) -> dict[str, Any]:
    if not parties:
        return {"code": None, "sector": None, "name": None, "text": None}
    first = parties[0]
    return {
        "code": first.code,
        "sector": first.sector,
        "name": first.name,
        "text": first.text,
        "all": [party_dict(p) for p in parties],
    }


def plover_record(a: Article, e: Event) -> dict[str, Any]:
    """One PLOVER JSON record (manual draft 2.0 field names) for an event of an article."""
    return {
        "id": e.id,
        "date": e.date,
        "actor": _plover_party(e.actors),
        "recipient": _plover_party(e.recipients),
        "event": e.type,
        "mode": e.mode or "",
        "context": e.context,
        "event_text": e.evidence[0].text if e.evidence else "",
        "attribution": e.attribution,  # who the event is attributed to ("الكرملين في بيان"), or None
        "text_info": {
            "title": a.title,
            "publication_date": a.published,
            "outlet": a.outlet,
            "url": a.url,
            "doc_id": a.doc_id,
            "article_id": a.id,
        },
        "cite_info": {"language": "ar", "coder": "marsad", "coder_version": __version__, "source": a.source},
        "location": e.location,
        "cameo": e.cameo,
        "goldstein": e.goldstein,
        "quad_class": e.quad,
        "historical": e.historical,
        "date_precision": e.date_precision,
        "evidence": [{"text": ev.text, "start": ev.start, "end": ev.end} for ev in e.evidence],
        "confidence": e.confidence,
    }
