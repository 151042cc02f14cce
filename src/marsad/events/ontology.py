"""The PLOVER event ontology: types, modes, contexts, quad classes, CAMEO codes and Goldstein scores.

The data lives in ``data/ontology.yaml`` so an analyst can review it without reading Python; this module
loads it once (``functools.cache``) and exposes small typed accessors. Every coded event is checked
against it, and the CAMEO/Goldstein columns let GDELT and ICEWS users put marsad events on the scales
they already use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from marsad.yaml_data import load_yaml

__all__ = [
    "CONTEXTS",
    "MODALITIES",
    "QUADS",
    "TYPES",
    "EventType",
    "cameo",
    "context_id",
    "event_type",
    "goldstein",
    "is_valid",
    "modes",
    "quad",
]


@dataclass(slots=True, frozen=True)
class EventType:
    """Everything the ontology says about one PLOVER event type."""

    name: str
    quad: int
    description: str
    modes: tuple[str, ...]
    mode_descriptions: MappingProxyType[str, str]
    cameo: str
    mode_cameo: MappingProxyType[str, str]
    schrodt: float

    @property
    def goldstein(self) -> float:
        """Goldstein score of the type's default CAMEO code."""
        return goldstein(self.cameo)


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("marsad.events").joinpath("data/ontology.yaml").read_text("utf-8")
    return load_yaml(text)


def _build_type(name: str, spec: dict[str, Any]) -> EventType:
    modes_spec: dict[str, str] = spec.get("modes") or {}
    cameo_spec: dict[str, str] = dict(spec["cameo"])
    default = cameo_spec.pop("_")
    return EventType(
        name=name,
        quad=int(spec["quad"]),
        description=str(spec["description"]),
        modes=tuple(modes_spec),
        mode_descriptions=MappingProxyType(dict(modes_spec)),
        cameo=str(default),
        mode_cameo=MappingProxyType({m: str(c) for m, c in cameo_spec.items()}),
        schrodt=float(spec["schrodt"]),
    )


@cache
def _types() -> MappingProxyType[str, EventType]:
    return MappingProxyType({name: _build_type(name, spec) for name, spec in _raw()["types"].items()})


@cache
def _goldstein_table() -> MappingProxyType[str, float]:
    return MappingProxyType({str(k): float(v) for k, v in _raw()["goldstein"].items()})


def event_type(name: str) -> EventType:
    """The :class:`EventType` for ``name``; ``KeyError`` names the valid types when it is unknown."""
    try:
        return _types()[name]
    except KeyError:
        raise KeyError(f"unknown PLOVER event type {name!r}; expected one of {', '.join(TYPES)}") from None


def modes(type_: str) -> tuple[str, ...]:
    """Valid modes of ``type_`` (empty for types PLOVER gives no modes)."""
    return event_type(type_).modes


def quad(type_: str) -> int:
    """Quad class: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."""
    return event_type(type_).quad


def is_valid(type_: str, mode: str | None = None) -> bool:
    """True when ``type_`` is a PLOVER type and ``mode`` is None or one of its modes."""
    t = _types().get(type_)
    return t is not None and (mode is None or mode in t.modes)


def cameo(type_: str, mode: str | None = None) -> str:
    """CAMEO code for ``(type_, mode)``; falls back to the type's code when the mode has none."""
    t = event_type(type_)
    if mode is not None and mode not in t.modes:
        raise ValueError(f"{mode!r} is not a mode of {type_}; expected one of {t.modes}")
    return t.mode_cameo.get(mode, t.cameo) if mode else t.cameo


def goldstein(cameo_code: str) -> float:
    """Goldstein conflict-cooperation weight (-10..+10) of a CAMEO code.

    Unknown 4-digit codes fall back to their 3-digit parent, as CAMEO's hierarchy intends.
    """
    table = _goldstein_table()
    code = str(cameo_code)
    if code in table:
        return table[code]
    if len(code) == 4 and code[:3] in table:
        return table[code[:3]]
    raise KeyError(f"no Goldstein score for CAMEO code {cameo_code!r}")


def context_id(name: str) -> str:
    """Canonical context id for ``name`` (resolves aliases such as ``refugee`` -> ``migration``)."""
    key = name.strip().lower()
    if key in _raw()["contexts"]:
        return key
    aliases: dict[str, str] = _raw().get("context_aliases") or {}
    if key in aliases:
        return aliases[key]
    raise KeyError(f"unknown PLOVER context {name!r}")


TYPES: tuple[str, ...] = tuple(_types())
CONTEXTS: tuple[str, ...] = tuple(_raw()["contexts"])
MODALITIES: tuple[str, ...] = tuple(_raw()["modalities"])
QUADS: MappingProxyType[int, str] = MappingProxyType({int(k): str(v) for k, v in _raw()["quads"].items()})
