"""Shared locations for the reader tests (fixtures shipped in the repo; /work/shared when present)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"
SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def shared_dir() -> Path:
    return SHARED
