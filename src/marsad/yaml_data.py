"""Parse marsad's YAML data files (KB, lexicons, patterns) with libyaml when PyYAML has it.

Every CLI start compiles the knowledge base, and PyYAML's pure-Python parser made reading the files the
slowest part of it: on our data files the libyaml binding is about 8x faster and returns the same values
(``tests/test_yaml_data.py`` pins that). Either way it is the safe loader: the files hold plain maps,
lists and scalars. Builds of PyYAML without libyaml fall back to the pure-Python parser.
"""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The value of one YAML document, read with the fastest safe loader available."""
    return yaml.load(text, Loader=SAFE_LOADER)
