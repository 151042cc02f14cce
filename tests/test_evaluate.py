"""Scoring rules of ``marsad evaluate`` and the quality floor pinned on the shared dev set."""

import json
from pathlib import Path

import pytest

from marsad.evaluate import event_key, make_key, score, score_keys, scored_keys

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
FLOOR = json.loads((ROOT / "tests" / "quality_floor.json").read_text())


def _e(t, actors, recipients=(), historical=False):
    return {
        "type": t,
        "actors": [{"code": a} for a in actors],
        "recipients": [{"code": r} for r in recipients],
        "historical": historical,
    }


def test_party_key_falls_back_to_sector_then_unk():
    e = {
        "type": "PROTEST",
        "actors": [{"code": None, "sector": "CVL"}, {"code": None, "sector": None}],
        "recipients": [],
    }
    assert event_key(e).actors == {"CVL", "UNK"}


def test_strict_needs_equal_sets_and_consult_ignores_direction():
    gold = {"d": [_e("ACCUSE", ["EGY"], ["ISR"]), _e("CONSULT", ["IRN"], ["RUS"])]}
    system = {"d": [_e("ACCUSE", ["EGY"], ["ISR", "PSE"]), _e("CONSULT", ["RUS", "IRN"])]}
    s = score(gold, system)
    assert (s.strict.tp, s.strict.fp, s.strict.fn) == (1, 1, 1)
    assert (s.partial.tp, s.partial.fp, s.partial.fn) == (2, 0, 0)
    assert s.types.f1 == 1.0


def test_historical_events_are_left_out_unless_asked():
    gold = {"d": [_e("SUPPORT", ["SYR"], historical=True)]}
    system = {"d": []}
    assert score(gold, system).strict.fn == 0
    assert score(gold, system, include_historical=True).strict.fn == 1


def test_partial_matching_is_one_to_one():
    gold = {"d": [_e("ASSAULT", ["ISR"], ["PSE"])]}
    system = {"d": [_e("ASSAULT", ["ISR"], ["PSE"]), _e("ASSAULT", ["ISR", "USA"], ["PSE"])]}
    s = score(gold, system)
    assert (s.partial.tp, s.partial.fp) == (1, 1)


def test_keyed_scores_equal_the_scores_of_whole_events():
    """Training scores keys it made itself: the numbers of scoring the events; partial left out on demand."""
    gold = {"d": [_e("ACCUSE", ["EGY"], ["ISR"]), _e("CONSULT", ["IRN"], ["RUS"])]}
    gold["d"].append(_e("AID", ["USA"], historical=True))
    system = {
        "d": [_e("ACCUSE", ["EGY"], ["ISR", "PSE"]), _e("CONSULT", ["RUS", "IRN"]), _e("AID", ["USA"])],
        "not-in-gold": [_e("AID", ["FRA"])],
    }
    keyed_system = {"d": [make_key("ACCUSE", ["EGY"], ["ISR", "PSE"]), make_key("CONSULT", ["RUS"], ["IRN"])]}
    keyed_system["d"].append(make_key("AID", ["USA"], []))
    whole, keyed = score(gold, system), score_keys({"d": scored_keys(gold["d"])}, keyed_system)
    assert whole.as_dict() == keyed.as_dict() and whole.strict.fp == 2
    assert make_key("CONSULT", ["RUS"], ["IRN"]) == event_key(_e("CONSULT", ["IRN", "RUS"]))
    strict_only = score_keys({"d": scored_keys(gold["d"])}, keyed_system, partial=False)
    assert strict_only.strict == keyed.strict and strict_only.partial.tp == 0


@pytest.mark.skipif(not DEV.exists(), reason="shared/eval/dev.jsonl is not beside the repository")
def test_dev_scores_do_not_fall_below_the_pinned_floor():
    from marsad.evaluate import gold_events, system_events_from_run

    s = score(gold_events(DEV), system_events_from_run(DEV))
    assert s.strict.f1 >= FLOOR["strict_f1"] - FLOOR["margin"], s.as_dict()
    assert s.types.f1 >= FLOOR["types_f1"] - FLOOR["margin"], s.as_dict()
