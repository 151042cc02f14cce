"""The PLOVER ontology data: types, modes, quads, CAMEO codes and Goldstein scores stay consistent."""

from __future__ import annotations

import pytest

from marsad.events import ontology as o

PLOVER_ORDER = [
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]


def test_sixteen_types_in_plover_order() -> None:
    assert list(o.TYPES) == PLOVER_ORDER


@pytest.mark.parametrize("type_", PLOVER_ORDER)
def test_every_type_has_quad_cameo_and_scored_modes(type_: str) -> None:
    info = o.event_type(type_)
    assert info.quad in o.QUADS
    assert o.quad(type_) == info.quad
    assert o.goldstein(o.cameo(type_)) == info.goldstein
    for mode in o.modes(type_):
        assert o.is_valid(type_, mode)
        assert isinstance(o.goldstein(o.cameo(type_, mode)), float)
    assert set(info.mode_cameo) == set(info.modes)


def test_quads_follow_verbal_material_cooperation_conflict() -> None:
    quads = [o.quad(t) for t in PLOVER_ORDER]
    assert quads == [1] * 4 + [2] * 3 + [3] * 4 + [4] * 5


@pytest.mark.parametrize(
    ("code", "score"),
    [
        ("040", 1.0),
        ("041", 1.0),
        ("042", 1.9),
        ("043", 2.8),
        ("046", 7.0),
        ("051", 3.4),
        ("057", 8.0),
        ("111", -2.0),
        ("112", -2.0),
        ("120", -4.0),
        ("140", -6.5),
        ("163", -8.0),
    ],
)
def test_goldstein_anchor_codes(code: str, score: float) -> None:
    assert o.goldstein(code) == score


def test_goldstein_four_digit_falls_back_to_parent() -> None:
    assert o.goldstein("1124") == o.goldstein("112")
    with pytest.raises(KeyError):
        o.goldstein("999")


def test_guideline_modes_exist() -> None:
    assert set(o.modes("CONSULT")) == {"visit", "phone", "third-party", "multilateral"}
    assert {"withdraw", "release", "disarm", "ceasefire", "access", "resign"} <= set(o.modes("RETREAT"))
    assert set(o.modes("REQUEST")) == set(o.modes("REJECT")) == {"assist", "change", "yield", "meet"}
    assert set(o.modes("ACCUSE")) == {"disapprove", "investigate", "allege"}
    assert set(o.modes("PROTEST")) == {"demo", "riot", "strike", "hunger", "boycott", "obstruct"}
    assert {"economic", "military", "humanitarian", "asylum"} == set(o.modes("AID"))
    assert {"arrest", "ban", "censor", "curfew", "deport", "seize"} <= set(o.modes("COERCE"))
    assert {"aerial", "firearms", "explosives", "beat", "assassinate"} <= set(o.modes("ASSAULT"))
    assert o.modes("AGREE") == ()


def test_cameo_for_modes() -> None:
    assert o.cameo("CONSULT", "phone") == "041"
    assert o.cameo("CONSULT", "visit") == "042"
    assert o.cameo("AGREE") == "030"
    with pytest.raises(ValueError):
        o.cameo("CONSULT", "riot")
    with pytest.raises(KeyError):
        o.cameo("FIGHT")


def test_is_valid() -> None:
    assert o.is_valid("PROTEST", "demo")
    assert o.is_valid("AGREE", None)
    assert not o.is_valid("AGREE", "visit")
    assert not o.is_valid("DEMAND")


def test_contexts_and_aliases() -> None:
    assert 34 <= len(o.CONTEXTS) <= 40
    for ctx in (
        "political",
        "military",
        "economic",
        "diplomatic",
        "terrorism",
        "election",
        "human_rights",
        "migration",
        "legal",
        "environment",
        "cyber",
        "pro_democracy",
        "cbrn",
        "humanitarian",
    ):
        assert ctx in o.CONTEXTS
    assert o.context_id("refugee") == "migration"
    assert o.context_id("Health") == "disease"
    assert o.context_id("nuclear") == "cbrn"
    with pytest.raises(KeyError):
        o.context_id("sports")
    assert set(o.MODALITIES) == {"future", "historical", "hypothetical", "negation"}
