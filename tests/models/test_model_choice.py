"""Choosing the model: ``--model DIR`` and ``$MARSAD_MODEL`` code with a model trained by ``marsad train``,
and a directory that holds no model is a clear error, never a silent fall back to the rules."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.models import MODEL_ENV, ModelDirError, active_coder, model_path
from marsad.pipeline import process, text_document

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_page.txt"
SEED_GOLD = ROOT / "tests" / "fixtures" / "eval" / "seed_gold.jsonl"


@pytest.fixture
def silent_model(tmp_path) -> Path:
    """The shipped model with its filter's thresholds above any probability: it keeps no event."""
    directory = tmp_path / "silent"
    shutil.copytree(model_path(), directory)
    report = json.loads((directory / "model.json").read_text("utf-8"))
    report["thresholds"] |= {"keep": 1.01, "restore_type": 1.01}
    (directory / "model.json").write_text(json.dumps(report), "utf-8")
    return directory


def _marsad(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "marsad.cli", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )


def _events(stdout: str) -> int:
    return sum(len(json.loads(line)["events"]) for line in stdout.splitlines())


def test_extract_codes_with_the_model_named_by_dash_dash_model(silent_model):
    shipped = _marsad("extract", str(SEED), "-q")
    chosen = _marsad("extract", str(SEED), "-q", "--model", str(silent_model))
    assert shipped.returncode == 0 and chosen.returncode == 0, chosen.stderr
    assert _events(shipped.stdout) > 0
    assert _events(chosen.stdout) == 0


def test_evaluate_scores_the_model_named_by_dash_dash_model_and_says_which(silent_model):
    shipped = _marsad("evaluate", "--gold", str(SEED_GOLD))
    chosen = _marsad("evaluate", "--gold", str(SEED_GOLD), "--model", str(silent_model))
    seed = json.loads((model_path() / "model.json").read_text("utf-8"))["seed"]
    assert shipped.stdout.startswith(f"coder: full, model {model_path()} (seed {seed}, trained on train")
    assert chosen.stdout.startswith(f"coder: full, model {silent_model} (seed {seed},")
    shipped_strict, chosen_strict = (out.stdout.splitlines()[3].split() for out in (shipped, chosen))
    assert shipped_strict[0] == chosen_strict[0] == "strict"
    assert int(shipped_strict[4]) > 0 and int(chosen_strict[4]) == 0  # true positives
    rules = _marsad("evaluate", "--gold", str(SEED_GOLD), "--no-model")
    assert rules.stdout.startswith("coder: rules only\n")


def test_the_environment_variable_chooses_the_model_for_the_library(silent_model, monkeypatch):
    doc = text_document(SEED.read_text("utf-8"), "2024-12-02")
    assert any(a.events for a in process(doc))
    monkeypatch.setenv(MODEL_ENV, str(silent_model))
    assert not any(a.events for a in process(doc))
    assert process(doc, use_model=False)[0].events  # --no-model still means the rules


@pytest.mark.parametrize("command", [
    ["extract", str(SEED), "-q"],
    ["evaluate", "--gold", str(SEED)],
    ["ingest", str(SEED), "--db", "{tmp}/store.duckdb"],
    ["watch", "http://127.0.0.1:9/feed.xml", "--db", "{tmp}/store.duckdb", "--max-polls", "1"],
    ["serve", "--port", "9"],
    ["spark", str(SEED), "--output", "{tmp}/store.duckdb"],
])
def test_a_directory_without_a_model_is_an_error_that_says_how_to_make_one(command, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.json").write_text("{}", "utf-8")
    out = _marsad(*(arg.format(tmp=tmp_path) for arg in command), "--model", str(model))
    assert out.returncode == 2 and out.stdout == ""
    assert "missing types.json" in out.stderr and "marsad train" in out.stderr
    assert not (tmp_path / "store.duckdb").exists()  # refused before anything was read or stored


def test_a_named_model_directory_that_does_not_exist_is_an_error_for_the_library(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ModelDirError, match="does not exist"):
        active_coder()


def test_model_and_no_model_cannot_both_be_asked_for(silent_model):
    out = _marsad("evaluate", "--gold", str(SEED), "--no-model", "--model", str(silent_model))
    assert out.returncode == 2 and "not allowed with argument" in out.stderr
