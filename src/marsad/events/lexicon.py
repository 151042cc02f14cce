"""Trigger, marker and context lexicons compiled once into phrase automata.

The YAML files in ``data/`` are the product an analyst reviews (``triggers.yaml``: Arabic forms per
PLOVER type and mode; ``markers.yaml``: negation, future, hypothetical, reported speech, initiator and
location words; ``contexts.yaml``: keywords per PLOVER context). This module only compiles them.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from marsad.events import ontology
from marsad.text.normalize import normalize_text
from marsad.text.phrases import Hit, PhraseMatcher
from marsad.yaml_data import load_yaml

# The referent check: a definite trigger noun flagged ``anaphoric`` ("الاتفاق", "العقوبات") after an event of
# its type usually refers back to that event. The rule coder then codes no new event, and the type model
# sees an ``anaphoric=TYPE`` feature. Switched off only to measure what it adds (``evaluate --ablation``).
REFERENT_CHECK: ContextVar[bool] = ContextVar("referent_check", default=True)


@dataclass(slots=True, frozen=True)
class Trigger:
    type: str
    mode: str | None
    lemma: str
    pos: str  # verb | noun | idiom
    direction: str  # normal | reverse
    recipient_preps: tuple[str, ...]
    actor_preps: tuple[str, ...]
    weight: float
    # Reciprocal frames: a party these introduce acts with the subject ("اتفق X مع Y", "وقع X مع Y اتفاقا"),
    # as the guidelines code reciprocal agreements: all parties actors, no recipient.
    joint_preps: tuple[str, ...] = ()
    anaphoric: bool = False  # a definite noun that usually refers back to an event already reported


@dataclass(slots=True, frozen=True)
class Marker:
    kind: str  # negation | future | hypothetical | speech | attribution | initiator | location ...
    form: str


def data_file(name: str) -> Any:
    """A YAML file of ``marsad/events/data``, parsed ({} when it is missing)."""
    path = resources.files("marsad.events").joinpath("data", name)
    return load_yaml(path.read_text("utf-8")) if path.is_file() else {}


def _norm_tuple(values: Any) -> tuple[str, ...]:
    return tuple(normalize_text(str(v)) for v in values or [])


@cache
def triggers() -> PhraseMatcher[Trigger]:
    matcher: PhraseMatcher[Trigger] = PhraseMatcher(allow_suffix=True)
    for type_name, entries in (data_file("triggers.yaml") or {}).items():
        if type_name not in ontology.TYPES:
            continue
        for raw in entries or []:
            trig = Trigger(
                type=type_name,
                mode=raw.get("mode"),
                lemma=str(raw.get("lemma", "")),
                pos=str(raw.get("pos", "verb")),
                direction=str(raw.get("direction", "normal")),
                recipient_preps=_norm_tuple(raw.get("recipient_preps")),
                actor_preps=_norm_tuple(raw.get("actor_preps")),
                joint_preps=_norm_tuple(raw.get("joint_preps")),
                weight=float(raw.get("weight", 1.0)),
                anaphoric=bool(raw.get("anaphoric", False)),
            )
            for form in raw.get("forms") or [raw.get("lemma")]:
                if form:
                    matcher.add(str(form), trig)
    return matcher.compile()


# Verb entries also list masdars; a bare preposition clitic before a verb form is a misreading
# ("بحث" is not ب + حث), so verb triggers accept only these proclitics.
VERB_PROCLITICS = frozenset({"", "و", "ف", "س", "وس", "فس", "ال", "وال", "فال", "بال", "لل", "ولل", "فلل"})


def trigger_hits(norm_text: str) -> list[Hit[Trigger]]:
    """Trigger hits in normalised text, with verb readings dropped where the clitics rule them out."""
    out: list[Hit[Trigger]] = []
    for hit in triggers().find(norm_text):
        if hit.prefix in VERB_PROCLITICS:
            out.append(hit)
            continue
        kept = tuple(t for t in hit.payloads if t.pos != "verb")
        if kept:
            out.append(Hit(hit.start, hit.end, hit.key, kept, hit.prefix, hit.suffix))
    return out


# Marker kinds the coder and the models read; the others in markers.yaml document usage only, and short
# forms such as "في" would make the automaton fire on nearly every word.
MARKER_KINDS = frozenset(
    {"negation", "future", "hypothetical", "hedge", "reported_speech", "initiator", "receive", "dual"}
)


def _flatten(node: Any, kind: str) -> list[Marker]:
    """Markers may be a list of forms or nested groups of lists; the top key is the kind."""
    if isinstance(node, str):
        return [Marker(kind, node)]
    if isinstance(node, dict):
        if "forms" in node:
            return _flatten(node["forms"], kind)
        return [m for value in node.values() for m in _flatten(value, kind)]
    if isinstance(node, list):
        return [m for value in node for m in _flatten(value, kind)]
    return []


@cache
def markers() -> PhraseMatcher[Marker]:
    matcher: PhraseMatcher[Marker] = PhraseMatcher(allow_suffix=True)
    for kind, node in (data_file("markers.yaml") or {}).items():
        if kind not in MARKER_KINDS:
            continue
        for marker in _flatten(node, str(kind)):
            matcher.add(marker.form, marker)
    return matcher.compile()


@cache
def contexts() -> PhraseMatcher[str]:
    matcher: PhraseMatcher[str] = PhraseMatcher(allow_suffix=True)
    for context, node in (data_file("contexts.yaml") or {}).items():
        for marker in _flatten(node, str(context)):
            matcher.add(marker.form, str(context))
    return matcher.compile()
