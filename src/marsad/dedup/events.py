"""Event merging: many articles report one happening; their coded events become one merged event.

Two events are the same happening when they have the same ``MergeKey`` (type and the parties' codes,
as strict scoring in ``marsad.evaluate`` compares them) and dates within ``MERGE_WINDOW_DAYS``: reports
are dated by publication or by "yesterday"/"on Monday" expressions, which put one happening on
neighbouring days. Merging is incremental so a store can assign ids as articles arrive and restore the
state later with ``EventMerger.load``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from marsad.evaluate import UNDIRECTED  # direction is a convention there, as in scoring
from marsad.records import Event, Party

MERGE_WINDOW_DAYS = 1

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class MergeKey:
    type: str
    actors: frozenset[str]
    recipients: frozenset[str]


def _party_key(party: Party) -> str:
    return party.code or party.sector or "UNK"


def merge_key(event: Event) -> MergeKey:
    """The event's type and party keys; CONSULT/COOPERATE put every party among the actors."""
    actors = frozenset(_party_key(p) for p in event.actors)
    recipients = frozenset(_party_key(p) for p in event.recipients)
    if event.type in UNDIRECTED:
        return MergeKey(event.type, actors | recipients, frozenset())
    return MergeKey(event.type, actors, recipients)


def _parse(value: str) -> tuple[str, date | None] | None:
    """(canonical prefix, day or None) of an ISO date of any precision; None when it is not ISO."""
    m = _ISO.match(value.strip())
    if m is None:
        return None
    year, month, day = m.groups()
    if day is not None:
        try:
            return f"{year}-{month}-{day}", date(int(year), int(month), int(day))
        except ValueError:
            return None
    return (f"{year}-{month}" if month else year), None


def _distance(a: str | None, b: str | None, window_days: int) -> int | None:
    """Days between two dates when they can be one happening, else None (see ``same_happening``).

    Coarse matches (a month containing a day) count as ``window_days + 1``: any day-precise match
    within the window is closer.
    """
    if a is None or b is None:
        return 0 if a is None and b is None else None
    pa, pb = _parse(a), _parse(b)
    if pa is None or pb is None:
        return 0 if a.strip() == b.strip() else None
    if pa[1] is not None and pb[1] is not None:
        days = abs((pa[1] - pb[1]).days)
        return days if days <= window_days else None
    if pa[0].startswith(pb[0]) or pb[0].startswith(pa[0]):
        return 0 if pa[0] == pb[0] else window_days + 1
    return None


def same_happening(a_date: str | None, b_date: str | None, window_days: int = MERGE_WINDOW_DAYS) -> bool:
    """Whether two event dates can be one happening.

    Day dates (a time part is ignored) match within ``window_days``; when either date is coarser
    (YYYY or YYYY-MM) they match when one contains the other; ``None`` matches only ``None``; strings
    that are not ISO dates match only themselves.
    """
    return _distance(a_date, b_date, window_days) is not None


@dataclass(slots=True)
class _Merged:
    id: str
    dates: list[str | None] = field(default_factory=list)


class EventMerger:
    """Assigns merged-event ids incrementally: an event joins an existing merged event with the same
    MergeKey whose date is within the window (the closest), else starts a new one.

    A merged event matches through any of its member dates (single link), so a story reported day after
    day keeps one id; ties go to the merged event created first, so ids never depend on hash order.
    """

    def __init__(self, window_days: int = MERGE_WINDOW_DAYS) -> None:
        self.window_days = window_days
        self._by_key: dict[MergeKey, list[_Merged]] = {}
        self._ids: set[str] = set()

    def add(self, event_id: str, key: MergeKey, date: str | None) -> str:
        """Place one event; return its merged id (``m:<first event id>`` of the merged event)."""
        group = self._by_key.setdefault(key, [])
        best: tuple[int, _Merged] | None = None
        for merged in group:  # creation order: the first of equally close ones wins
            dist = self._closest(merged, date)
            if dist is not None and (best is None or dist < best[0]):
                best = (dist, merged)
        if best is None:
            merged = _Merged(f"m:{event_id}")
            group.append(merged)
            self._ids.add(merged.id)
        else:
            merged = best[1]
        merged.dates.append(date)
        return merged.id

    def _closest(self, merged: _Merged, date: str | None) -> int | None:
        dists = [d for d in (_distance(date, other, self.window_days) for other in set(merged.dates))
                 if d is not None]
        return min(dists) if dists else None

    def load(self, merged_id: str, key: MergeKey, dates: list[str | None]) -> None:
        """Restore one merged event from a store (call in creation order, before further ``add``)."""
        if merged_id in self._ids:
            raise ValueError(f"merged event {merged_id} is already loaded")
        self._by_key.setdefault(key, []).append(_Merged(merged_id, list(dates)))
        self._ids.add(merged_id)

    def __len__(self) -> int:
        return len(self._ids)
