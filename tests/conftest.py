"""Settings every test shares."""

import pytest

from marsad.models import MODEL_ENV


@pytest.fixture(autouse=True)
def _shipped_model_only(monkeypatch):
    """Tests pin the shipped model's behaviour: a MARSAD_MODEL in the developer's shell must not change
    what they code (the tests that choose a model set it themselves)."""
    monkeypatch.delenv(MODEL_ENV, raising=False)
