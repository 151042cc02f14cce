"""Event merging: merge keys as strict scoring compares events, date precision rules, merge windows."""

from __future__ import annotations

import pytest

from marsad.dedup.events import EventMerger, MergeKey, merge_key, same_happening
from marsad.records import Event, Party

USA, IRN, RUS = Party("USA", "GOV"), Party("IRN", None), Party(None, "MIL")
KEY = MergeKey("ACCUSE", frozenset({"USA"}), frozenset({"IRN"}))


def test_merge_key_codes_sectors_and_unknowns() -> None:
    event = Event("e1", "ACCUSE", actors=[USA], recipients=[IRN, RUS, Party(None, None)])
    assert merge_key(event) == MergeKey("ACCUSE", frozenset({"USA"}), frozenset({"IRN", "MIL", "UNK"}))


@pytest.mark.parametrize("etype", ["CONSULT", "COOPERATE"])
def test_merge_key_is_symmetric_for_undirected_types(etype: str) -> None:
    ab = merge_key(Event("e1", etype, actors=[USA], recipients=[IRN]))
    ba = merge_key(Event("e2", etype, actors=[IRN], recipients=[USA]))
    assert ab == ba == MergeKey(etype, frozenset({"USA", "IRN"}), frozenset())
    directed = [merge_key(Event(f"e{i}", "ACCUSE", actors=[a], recipients=[r]))
                for i, (a, r) in enumerate([(USA, IRN), (IRN, USA)])]
    assert directed[0] != directed[1]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("2024-03-10", "2024-03-10", True),
    ("2024-03-10", "2024-03-11", True),
    ("2024-03-31", "2024-04-01", True),  # across a month end
    ("2024-03-10", "2024-03-12", False),
    ("2024-03-10T23:00:00+01:00", "2024-03-11", True),  # time part ignored
    ("2024-03", "2024-03-10", True),  # the month contains the day
    ("2024-03-10", "2024-03", True),
    ("2024", "2024-03-10", True),
    ("2024", "2024-03", True),
    ("2024-03", "2024-04-01", False),
    ("2024-03", "2024-04", False),
    ("2023", "2024-01-01", False),
    (None, None, True),
    (None, "2024-03-10", False),
    ("2024-03-10", None, False),
    ("soon", "soon", True),
    ("soon", "2024", False),
])
def test_same_happening_precision_rules(a: str | None, b: str | None, same: bool) -> None:
    assert same_happening(a, b) is same


def test_same_happening_window_is_a_parameter() -> None:
    assert same_happening("2024-03-10", "2024-03-13", window_days=3)
    assert not same_happening("2024-03-10", "2024-03-11", window_days=0)


def test_merger_windows() -> None:
    merger = EventMerger()
    assert merger.add("a", KEY, "2024-03-10") == "m:a"
    assert merger.add("b", KEY, "2024-03-10") == "m:a"  # same day
    assert merger.add("c", KEY, "2024-03-11") == "m:a"  # next day
    assert merger.add("d", KEY, "2024-03-20") == "m:d"  # far apart: a new happening
    other = MergeKey("ACCUSE", frozenset({"USA"}), frozenset({"RUS"}))
    assert merger.add("e", other, "2024-03-10") == "m:e"  # different recipients
    assert len(merger) == 3


def test_three_days_apart_do_not_merge() -> None:
    merger = EventMerger()
    assert merger.add("a", KEY, "2024-03-10") == "m:a"
    assert merger.add("b", KEY, "2024-03-13") == "m:b"


def test_merger_picks_the_closest_and_coarse_dates_last() -> None:
    merger = EventMerger()
    merger.add("a", KEY, "2024-03-10")
    merger.add("b", KEY, "2024-03-12")
    assert merger.add("c", KEY, "2024-03-12") == "m:b"  # a is 2 days away, b the same day
    assert merger.add("d", KEY, "2024-03") == "m:a"  # contains both: the first created wins
    assert merger.add("e", KEY, None) == "m:e"
    assert merger.add("f", KEY, None) == "m:e"


def test_load_restores_state() -> None:
    merger = EventMerger()
    merger.load("m:x", KEY, ["2024-03-10", "2024-03-11"])
    assert merger.add("y", KEY, "2024-03-12") == "m:x"
    with pytest.raises(ValueError):
        merger.load("m:x", KEY, [])


def test_replay_through_load_matches_incremental() -> None:
    stream = [("a", "2024-03-10"), ("b", "2024-03-14"), ("c", "2024-03-11"), ("d", "2024-03-15"),
              ("e", "2024-03-12")]
    full = EventMerger()
    ids = [full.add(eid, KEY, day) for eid, day in stream]
    restored = EventMerger()
    groups: dict[str, list[str | None]] = {}
    for mid, (_, day) in zip(ids[:3], stream[:3], strict=True):
        groups.setdefault(mid, []).append(day)
    for mid, days in groups.items():
        restored.load(mid, KEY, days)
    assert [restored.add(eid, KEY, day) for eid, day in stream[3:]] == ids[3:]
