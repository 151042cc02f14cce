"""Event filters -> a parameterised WHERE clause that both DuckDB and PostgreSQL accept.

Why EXISTS sub-queries on ``event_participants`` instead of array functions on ``events.actor_codes``:
array predicates differ between the two dialects, while a semi-join is plain SQL and uses the indexes
PostgreSQL has on (code, role) and kb_id. Values are always bound as parameters, never formatted in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVENT_COLUMNS = (
    "e.id, e.date, e.type, e.mode, e.cameo, e.goldstein, e.quad, e.actor_codes, e.actor_names, "
    "e.recipient_codes, e.recipient_names, e.location_name, e.location_country, e.num_articles, "
    "e.num_sources, e.num_mentions, e.first_seen, e.outlets, e.confidence"
)

FILTER_KEYS = ("actor", "country", "dyad", "type", "quad", "from", "to", "outlet", "text")

_PARTY = ("EXISTS (SELECT 1 FROM event_participants p WHERE p.event_id = e.id{role} "
          "AND (p.code = ? OR p.kb_id = ? OR p.code || coalesce(p.sector, '') = ?))")


def _party(value: str, role: str | None = None) -> tuple[str, list[Any]]:
    """An actor given as a country/PLOVER code (RUS), code+sector (RUSGOV) or KB id (person:...)."""
    cond = " AND p.role = ?" if role else ""
    v = value.strip()
    params: list[Any] = [role] if role else []
    return _PARTY.format(role=cond), [*params, v.upper() if ":" not in v else v, v, v.upper()]


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _actor(v: Any) -> tuple[str, list[Any]]:
    return _party(str(v))


def _country(v: Any) -> tuple[str, list[Any]]:
    code = str(v).strip().upper()
    return ("(EXISTS (SELECT 1 FROM event_participants p WHERE p.event_id = e.id AND p.code = ?) "
            "OR e.location_country = ?)", [code, code])


def _dyad(v: Any) -> tuple[str, list[Any]]:
    """Directed: ``A,B`` = A among the actors and B among the recipients."""
    a, _, b = str(v).partition(",")
    if not a.strip() or not b.strip():
        raise ValueError(f"a dyad is two actors separated by a comma, got {v!r}")
    sa, pa_ = _party(a, "actor")
    sb, pb = _party(b, "recipient")
    return f"{sa} AND {sb}", [*pa_, *pb]


def _outlet(v: Any) -> tuple[str, list[Any]]:
    pattern = _like(str(v))
    return ("EXISTS (SELECT 1 FROM event_reports r JOIN articles a ON a.id = r.article_id "
            "WHERE r.event_id = e.id AND (a.outlet LIKE ? ESCAPE '\\' OR a.source LIKE ? ESCAPE '\\'))",
            [pattern, pattern])


def _text(v: Any) -> tuple[str, list[Any]]:
    return ("EXISTS (SELECT 1 FROM evidence v WHERE v.event_id = e.id AND v.text LIKE ? ESCAPE '\\')",
            [_like(str(v))])


FILTERS: dict[str, Callable[[Any], tuple[str, list[Any]]]] = {
    "actor": _actor,
    "country": _country,
    "dyad": _dyad,
    "type": lambda v: ("e.type = ?", [str(v).strip().upper()]),
    "quad": lambda v: ("e.quad = ?", [int(v)]),
    "from": lambda v: ("e.date >= ?", [str(v)]),
    # "~" sorts after every character of an ISO date, so --to 2024-12 keeps 2024-12-31T10:00.
    "to": lambda v: ("e.date <= ?", [f"{v}~"]),
    "outlet": _outlet,
    "text": _text,
}


def where_clause(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """``(sql, params)`` for the events alias ``e``; unknown keys raise, None values are ignored."""
    parts: list[str] = []
    params: list[Any] = []
    for key, value in filters.items():
        if value is None or value == "":
            continue
        if key not in FILTERS:
            raise ValueError(f"unknown filter {key!r}; known: {', '.join(FILTER_KEYS)}")
        sql, p = FILTERS[key](value)
        parts.append(sql)
        params.extend(p)
    return (" AND ".join(parts) or "TRUE"), params


def parse_where(items: list[str] | None) -> dict[str, Any]:
    """``["type=ASSAULT", "from=2024-01"]`` (the ``--where`` option) -> a filters dict."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--where takes key=value, got {item!r}")
        out[key.strip()] = value.strip()
    return out
