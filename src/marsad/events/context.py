"""Event contexts (PLOVER) and locations, both from compiled lexicons.

Contexts come from ``data/contexts.yaml`` keywords, over the event's sentence and then the article's
title: a phone call reported in an article headlined about the Gaza war or the nuclear deal carries that
context even when its own sentence names none. A location is a place named after a locative
preposition ("في الرياض", "بالعاصمة التركية أنقرة"); coordinates for capitals and major cities come from
the shipped table ``data/places.tsv`` (name, English name, country, latitude, longitude).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from marsad.events.lexicon import contexts
from marsad.text.normalize import NormText, normalize
from marsad.text.phrases import PhraseMatcher

LOCATIVE = frozenset({"في", "ب", "بمدينه", "بالعاصمه", "العاصمه", "مدينه", "قرب", "بالقرب", "داخل"})


@dataclass(slots=True, frozen=True)
class Place:
    name: str
    name_en: str
    country: str
    lat: float
    lon: float


def contexts_for(norm_text: str, title_norm: str = "") -> list[str]:
    """Contexts of a sentence (normalised text), then those of its article's title not already there."""
    found = _contexts(norm_text)
    return list(found) + [c for c in _contexts(title_norm) if c not in found] if title_norm else list(found)


@lru_cache(maxsize=4096)
def _contexts(norm_text: str) -> tuple[str, ...]:
    """PLOVER contexts whose keywords occur in the (normalised) text, in first-seen order."""
    seen: dict[str, None] = {}
    for hit in contexts().find(norm_text):
        for ctx in hit.payloads:
            seen.setdefault(ctx, None)
    return tuple(seen)


@cache
def places() -> PhraseMatcher[Place]:
    matcher: PhraseMatcher[Place] = PhraseMatcher()
    path = resources.files("marsad.events").joinpath("data/places.tsv")
    if path.is_file():
        for row in csv.DictReader(io.StringIO(path.read_text("utf-8")), delimiter="\t"):
            place = Place(row["name"], row["name_en"], row["country"], float(row["lat"]), float(row["lon"]))
            for form in row["name"].split("|"):
                matcher.add(form, place)
    return matcher.compile()


def location_for(text: str, norm: NormText | None = None) -> dict[str, Any] | None:
    """Where ``text`` says its event happened; pass ``norm`` when ``normalize(text)`` is at hand (the
    coder has it for every sentence: normalising again was 2.5% of the rules pipeline)."""
    found = _location(text, norm or normalize(text))
    return dict(found) if found else None


@lru_cache(maxsize=4096)
def _location(text: str, norm: NormText) -> tuple[tuple[str, Any], ...] | None:
    """The first place named after a locative in ``text``, with its country and coordinates."""
    for hit in places().find(norm.text):
        before = norm.text[max(0, hit.start - 12) : hit.start].split()
        if hit.prefix.lstrip("و") == "ب" or (before and before[-1].lstrip("و") in LOCATIVE):
            place = hit.payloads[0]
            start, end = norm.span_to_orig(hit.start, hit.end)
            return (
                ("name", text[start:end]),
                ("name_en", place.name_en),
                ("country", place.country),
                ("lat", place.lat),
                ("lon", place.lon),
            )
    return None
