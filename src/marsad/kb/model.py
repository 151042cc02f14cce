"""The knowledge base as typed records, loaded once from the YAML files in ``data/``.

The YAML is the product an analyst reviews; this module only reads it. Dates of offices are parsed to
``datetime.date`` (a month or year given alone stands for its first day as a start and its last day as
an end), so "who held this office on that day" is a comparison, not a parse.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from marsad.yaml_data import load_yaml

PEOPLE_DIR = "data/people"


@dataclass(slots=True, frozen=True)
class Office:
    role: str
    country: str | None
    start: dt.date | None
    end: dt.date | None  # None: still in office
    sector: str = "GOV"
    org: str | None = None
    title: str | None = None

    def active(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(slots=True)
class Person:
    id: str
    name: str
    ar: list[str]
    short: list[str]
    surname: list[str]
    en: list[str]
    offices: list[Office]
    gender: str | None = None
    wikidata: str | None = None

    def office_at(self, day: dt.date | None) -> Office | None:
        """The office held on ``day`` (the most senior when several overlap), else None."""
        if day is None:
            return _most_recent(self.offices)
        active = [o for o in self.offices if o.active(day)]
        return min(active, key=lambda o: ROLE_RANK.get(o.role, 99)) if active else None

    def last_office_before(self, day: dt.date) -> Office | None:
        return _most_recent([o for o in self.offices if o.end is not None and o.end <= day])

    def first_office_after(self, day: dt.date) -> Office | None:
        later = [o for o in self.offices if o.start is not None and o.start > day]
        return min(later, key=lambda o: o.start or dt.date.max) if later else None


# Seniority used when a person holds two offices at once (e.g. crown prince and prime minister).
ROLE_RANK = {
    r: i
    for i, r in enumerate(
        [
            "supreme_leader",
            "king",
            "emir",
            "sultan",
            "president",
            "crown_prince",
            "prime_minister",
            "vice_president",
            "secretary_general",
            "leader",
            "deputy_prime_minister",
            "foreign_minister",
            "defence_minister",
            "interior_minister",
            "finance_minister",
            "high_representative",
            "speaker",
            "chief_of_staff",
            "envoy",
            "minister",
            "spokesperson",
            "ambassador",
            "governor",
            "mayor",
        ]
    )
}


def _most_recent(offices: list[Office]) -> Office | None:
    if not offices:
        return None
    return max(offices, key=lambda o: (o.end or dt.date.max, o.start or dt.date.min))


@dataclass(slots=True)
class KBData:
    countries: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    institutions: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    generic: list[dict[str, Any]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)  # news outlets and their home country


def parse_day(value: Any, *, end: bool = False) -> dt.date | None:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD (or a YAML date); partial dates widen to the period's edge."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    parts = [int(p) for p in str(value).split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31) if end else dt.date(parts[0], 1, 1)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], last if end else 1)
    return dt.date(parts[0], parts[1], parts[2])


def _person(raw: dict[str, Any]) -> Person:
    offices = [
        Office(
            role=o["role"],
            country=o.get("country"),
            start=parse_day(o.get("start")),
            end=parse_day(o.get("end"), end=True),
            sector=o.get("sector") or "GOV",
            org=o.get("org"),
            title=o.get("title"),
        )
        for o in raw.get("offices") or []
    ]
    return Person(
        id=str(raw["id"]),
        name=str(raw["name"]),
        ar=[str(a) for a in raw.get("ar") or []],
        short=[str(a) for a in raw.get("short") or []],
        surname=[str(a) for a in raw.get("surname") or []],
        en=[str(a) for a in raw.get("en") or []],
        offices=offices,
        gender=raw.get("gender"),
        wikidata=raw.get("wikidata"),
    )


def _yaml(name: str) -> list[dict[str, Any]]:
    path = resources.files("marsad.kb").joinpath("data", name)
    if not path.is_file():
        return []
    return load_yaml(path.read_text("utf-8")) or []


@cache
def load_kb() -> KBData:
    """Read every KB file once per process."""
    people_dir = resources.files("marsad.kb").joinpath(PEOPLE_DIR)
    people: list[Person] = []
    if people_dir.is_dir():
        for entry in sorted(people_dir.iterdir(), key=lambda p: p.name):
            if entry.name.endswith((".yaml", ".yml")):
                people.extend(_person(r) for r in load_yaml(entry.read_text("utf-8")) or [])
    return KBData(
        countries=_yaml("countries.yaml"),
        organizations=_yaml("organizations.yaml"),
        institutions=_yaml("institutions.yaml"),
        roles=_yaml("roles.yaml"),
        generic=_yaml("generic.yaml"),
        people=people,
        outlets=_yaml("outlets.yaml"),
    )
