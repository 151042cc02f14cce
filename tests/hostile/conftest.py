"""Fixtures of the hostile-input tests; the cases themselves are in ``hostile_cases``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_cases import small_cases


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding every small hostile file (and one nested sub-directory)."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "sub").mkdir()
    for name, (data, _, _) in small_cases().items():
        (root / ("sub" if name.startswith("utf16") else "") / name).write_bytes(data)
    return root
