"""Learned models beside the rules: a sentence type model, a (type, party) role model, a reading
reranker that chooses actors and recipients as a whole, and an event filter over rule and model events
with a prior model of how often events of each kind are right, a second round that weighs each event
against its rivals of the same type, and a model of which types an article reports.

``shipped()`` returns the model coder built from the model that ships in ``models/data`` (trained by
``marsad train``), or None when there is none, in which case the rule coder runs alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from marsad.records import Article, Event

MODEL_DIR = "data"


def model_path() -> Path:
    return Path(str(resources.files("marsad.models").joinpath(MODEL_DIR)))


@cache
def shipped(mode: str = "full") -> Callable[[Article], list[Event]] | None:
    """The coder built from the shipped model (``mode`` as in ``marsad.models.coder.MODES``)."""
    path = model_path()
    if not (path / "model.json").is_file():
        return None
    from marsad.models.coder import ModelCoder
    from marsad.models.train import load

    return ModelCoder(load(path), mode)
