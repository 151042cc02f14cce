"""The actor knowledge base: YAML data files, their loader and the compiled matcher.

``stats()`` and ``search()`` serve analysts checking the KB (``marsad kb stats|search``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marsad.kb.matcher import compiled
from marsad.kb.model import load_kb, parse_day
from marsad.text.normalize import normalize_text

__all__ = ["compiled", "load_kb", "search", "stats"]


def stats() -> dict[str, int]:
    """Counts of KB entries by kind, plus offices and compiled surface forms."""
    kb = load_kb()
    return {
        "countries": len(kb.countries),
        "organizations": len(kb.organizations),
        "institutions": len(kb.institutions),
        "roles": len(kb.roles),
        "generic": len(kb.generic),
        "people": len(kb.people),
        "outlets": len(kb.outlets),
        "offices": sum(len(p.offices) for p in kb.people),
        "surface_forms": len(compiled()),
    }


def _matches(query: str, names: list[str]) -> bool:
    q = normalize_text(query).lower()
    return any(q in normalize_text(n).lower() for n in names)


def search(query: str, date: str | None = None) -> list[dict[str, Any]]:
    """KB entries whose Arabic or English names contain ``query``, people resolved at ``date``."""
    kb = load_kb()
    day = parse_day(date) if date else dt.date.today()
    hits: list[dict[str, Any]] = []
    for p in kb.people:
        if _matches(query, [p.name, *p.ar, *p.short, *p.surname, *p.en]):
            office = p.office_at(day)
            offices = "; ".join(f"{o.role} {o.country} {o.start}..{o.end or ''}" for o in p.offices)
            hits.append(
                {
                    "kind": "person",
                    "id": p.id,
                    "name": p.name,
                    "code": office.country if office else None,
                    "sector": office.sector if office else "ELI",
                    "detail": offices,
                }
            )
    for c in kb.countries:
        if _matches(query, [c.get("name") or "", *(c.get("ar") or []), *(c.get("en") or [])]):
            hits.append(
                {
                    "kind": "state",
                    "id": c["code"],
                    "name": c.get("name"),
                    "code": c["code"],
                    "sector": "GOV",
                    "detail": ", ".join(c.get("ar") or []),
                }
            )
    for o in kb.organizations:
        if _matches(query, [o.get("name") or "", *(o.get("ar") or []), *(o.get("en") or [])]):
            hits.append(
                {
                    "kind": "org",
                    "id": o["id"],
                    "name": o.get("name"),
                    "code": o.get("code"),
                    "sector": o.get("sector"),
                    "detail": ", ".join(o.get("ar") or []),
                }
            )
    return hits
