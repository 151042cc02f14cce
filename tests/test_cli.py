"""The command line, run as users run it: a real subprocess on real files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed_page.txt"
PLOVER_FIELDS = {
    "id",
    "date",
    "actor",
    "recipient",
    "event",
    "mode",
    "context",
    "event_text",
    "text_info",
    "cite_info",
}


def _marsad(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "marsad.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, parser in sub.choices.items():
        assert parser.format_help()
        assert f"marsad {name}" in readme, name


def test_extract_seed_gives_two_articles_and_three_headlines():
    out = _marsad("extract", str(SEED), "--format", "jsonl", "-q")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["article", "article", "headline", "headline", "headline"]
    first, second = rows[0], rows[1]
    assert first["title"] == 'بوتين وبزشكيان يؤكدان دعم الأسد وأهمية "أستانا"'
    assert first["published"].startswith("2024-12-02") and first["source"] == "قناة اليمن اليوم"
    assert second["title"].startswith("الرئيس السيسي وملك البحرين") and second["published"] is None
    assert rows[2]["breaking"] and rows[2]["id"] in second["related"]
    text = SEED.read_text()
    for r in rows:
        for m in r["mentions"]:
            assert text[m["span"][0] : m["span"][1]] == m["text"]
        for e in r["events"]:
            for ev in e["evidence"]:
                assert text[ev["start"] : ev["end"]] == ev["text"]


def test_plover_output_has_the_plover_fields():
    out = _marsad("extract", str(SEED), "--format", "plover", "-q")
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert records
    for rec in records:
        assert rec.keys() >= PLOVER_FIELDS
        assert rec["cite_info"]["language"] == "ar" and rec["cite_info"]["coder"] == "marsad"
        assert rec["actor"]["code"] or rec["actor"]["sector"]


def test_stdin_and_bad_input_do_not_stop_the_batch(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "أدان الرئيس المصري الهجوم"}\nnot json\n{"id": "b", "text": "نص"}\n')
    out = _marsad("extract", str(bad), "-q")
    assert [json.loads(line)["doc_id"] for line in out.stdout.splitlines()] == ["a", "b"]
    out = _marsad("extract", "-", "-q", stdin="قال الرئيس الروسي إن بلاده ترفض العقوبات")
    assert out.returncode == 0 and json.loads(out.stdout.splitlines()[0])["kind"] == "article"


def test_evaluate_on_the_bundled_gold():
    out = _marsad("evaluate", "--gold", str(ROOT / "tests/fixtures/eval/seed_gold.jsonl"), "--json")
    scores = json.loads(out.stdout)
    assert scores["documents"] == 1 and scores["strict"]["tp"] >= 2


def test_evaluate_ablation_scores_every_coder_in_one_run():
    gold = str(ROOT / "tests/fixtures/eval/seed_gold.jsonl")
    table = json.loads(_marsad("evaluate", "--gold", gold, "--ablation", "--json").stdout)
    assert list(table) == ["rules", "types", "roles", "full", "full_no_referent"]
    rules_only = json.loads(_marsad("evaluate", "--gold", gold, "--no-model", "--json").stdout)
    assert table["rules"]["strict"] == rules_only["strict"]
    assert table["full"]["strict"]["tp"] >= 2
    full = json.loads(_marsad("evaluate", "--gold", gold, "--json").stdout)
    assert table["full"]["strict"] == full["strict"]  # switching the referent check off did not leak
    refused = _marsad("evaluate", "--gold", gold, "--ablation", "--system", gold)
    assert refused.returncode == 2 and "--system" in refused.stderr


def test_kb_search_and_stats():
    out = _marsad("kb", "search", "بوتين", "--json")
    assert any(h["name"] == "Vladimir Putin" for h in json.loads(out.stdout))
    stats = json.loads(_marsad("kb", "stats", "--json").stdout)
    assert stats["people"] >= 800 and stats["countries"] >= 240 and stats["outlets"] >= 10


def test_missing_file_is_a_clear_error():
    out = _marsad("extract", "/no/such/file.txt", "-q")
    assert "no/such/file.txt" in (out.stderr + out.stdout)


@pytest.mark.parametrize("fmt", ["table"])
def test_table_format_prints_a_summary(fmt):
    out = _marsad("extract", str(SEED), "--format", fmt)
    assert "articles" in out.stdout and "events" in out.stdout
