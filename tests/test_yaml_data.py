"""The fast YAML loader reads every shipped data file exactly as PyYAML's reference parser does."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from marsad.yaml_data import SAFE_LOADER, load_yaml

PACKAGE = Path(str(resources.files("marsad")))
DATA_FILES = sorted(p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.y*ml"))


def test_the_data_files_are_found_and_libyaml_is_used():
    assert len(DATA_FILES) >= 10  # KB, people, lexicons, dates, segment, ontology
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml: the KB compiles ~8x slower")
    assert SAFE_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("name", DATA_FILES, ids=str)
def test_a_data_file_reads_the_same_with_both_parsers(name):
    text = (PACKAGE / name).read_text("utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_yaml_quirks_read_the_same():
    # Values the two parsers could plausibly disagree on: dates, octal-looking and Arabic-Indic digits,
    # booleans, an anchor, bidirectional marks, a flow map.
    text = "a: 2024-12-02\nb: 0755\nc: ٢٠٢٤\nd: yes\ne: &x [1, 2]\nf: *x\ng: \"\u200fمرصد\"\nh: {k: ~}\n"
    assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)
