"""The benchmark runner: ``--only`` re-runs some benches and keeps every other section of RESULTS.md."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
try:
    import run_all
finally:
    sys.path.pop(0)


def test_sections_are_split_by_bench_titles_only() -> None:
    text = (REPO / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    sections = run_all.previous_sections(text)
    titles = [title for _, title, _, _ in run_all.BENCHES]
    assert set(sections) <= set(titles)
    assert "Full pipeline (read, segment, link, code)" in sections
    for title, body in sections.items():
        assert body.startswith(f"## {title}\n")
        assert all(f"## {other}\n" not in body for other in titles if other != title)


def test_only_replaces_its_own_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = tmp_path / "RESULTS.md"
    shutil.copy(REPO / "benchmarks" / "RESULTS.md", results)
    before = run_all.previous_sections(results.read_text(encoding="utf-8"))
    monkeypatch.setattr(run_all, "RESULTS", results)
    monkeypatch.setattr(run_all.common, "REPO", tmp_path)  # the runner prints the path relative to it
    title = "Date parsing (marsad.text.dates vs dateparser)"
    assert run_all.main(["--only", "dates"]) == 0
    after = run_all.previous_sections(results.read_text(encoding="utf-8"))
    assert set(after) == set(before)
    assert all(after[t] == before[t] for t in before if t != title)
    assert "; commit " in after[title].splitlines()[-1]
    assert "hand-labelled expressions" in after[title]


def test_unknown_bench_is_refused() -> None:
    with pytest.raises(SystemExit):
        run_all.parse_args(["--only", "nope"])
