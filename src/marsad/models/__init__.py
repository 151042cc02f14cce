"""Learned models beside the rules: a sentence type model, a (type, party) role model, a reading
reranker that chooses actors and recipients as a whole, and an event filter over rule and model events
with a prior model of how often events of each kind are right, a second round that weighs each event
against its rivals of the same type, and a model of which types an article reports.

``active_coder()`` returns the model coder in use: the model in the directory that ``$MARSAD_MODEL`` names
(one written by ``marsad train --out DIR``), else the model that ships in ``models/data``; None when
there is neither, in which case the rule coder runs alone. The variable reaches every entry point (the
CLI, the library, ``marsad serve``, Spark workers started after it is set); the CLI's ``--model DIR``
sets it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from marsad.records import Article, Event

MODEL_DIR = "data"
MODEL_ENV = "MARSAD_MODEL"
REQUIRED_FILES = ("model.json", "types.json", "types.npz", "roles.json", "roles.npz")


class ModelDirError(ValueError):
    """A model directory that is missing or incomplete: says which file is absent and how to make one."""


def model_path() -> Path:
    """The directory of the model that ships in the package."""
    return Path(str(resources.files("marsad.models").joinpath(MODEL_DIR)))


def check_model_dir(path: str | Path) -> Path:
    """``path`` as an absolute directory when it holds a trained model, else ``ModelDirError``."""
    directory = Path(path).expanduser().resolve()
    if not directory.is_dir():
        raise ModelDirError(f"model directory {directory} does not exist; {_HOW_TO_TRAIN}")
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    if missing:
        raise ModelDirError(
            f"{directory} is not a marsad model directory (missing {', '.join(missing)}); {_HOW_TO_TRAIN}"
        )
    return directory


_HOW_TO_TRAIN = (
    "train one with `marsad train --gold TRAIN.jsonl --out DIR`, "
    f"or unset {MODEL_ENV} to use the model that ships with marsad"
)


def chosen_path() -> Path | None:
    """The model directory in use: ``$MARSAD_MODEL`` when set (checked), else the shipped one if present.

    A directory the user named that holds no model is an error, never a silent fall back to the rules:
    the events would change without a word.
    """
    return _path_for(os.environ.get(MODEL_ENV))


def _path_for(named: str | None) -> Path | None:
    """The directory ``named`` (checked), else the shipped one if present."""
    if named:
        return check_model_dir(named)
    shipped = model_path()
    return shipped if (shipped / "model.json").is_file() else None


def active_coder(mode: str = "full") -> Callable[[Article], list[Event]] | None:
    """The model coder in use (``mode`` as in ``marsad.models.coder.MODES``), or None: rules only."""
    return _coder_for(os.environ.get(MODEL_ENV), mode)


@cache
def _coder_for(named: str | None, mode: str) -> Callable[[Article], list[Event]] | None:
    """Resolved once per value of ``$MARSAD_MODEL``: the pipeline asks for every document, and the
    directory checks would cost a few file-system calls each time. A failed check is not cached."""
    path = _path_for(named)
    return None if path is None else load_coder(path, mode)


@cache
def load_coder(path: Path, mode: str = "full") -> Callable[[Article], list[Event]]:
    """The coder built from the model in ``path``, loaded once per directory and mode."""
    from marsad.models.coder import ModelCoder
    from marsad.models.train import load

    return ModelCoder(load(check_model_dir(path)), mode)


MODEL_HELP = (
    "code events with the model in DIR (written by `marsad train --out DIR`) instead of the one that "
    f"ships with marsad; the same as {MODEL_ENV}=DIR"
)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """``--no-model`` and ``--model DIR`` for every command that codes events (one cannot take both)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--no-model", action="store_true", help="rules only: do not use the trained models")
    group.add_argument("--model", metavar="DIR", help=MODEL_HELP)


def use_model_argument(args: argparse.Namespace) -> None:
    """Make ``--model DIR`` the model in use for this process and the workers it starts (Spark's)."""
    if getattr(args, "model", None):
        os.environ[MODEL_ENV] = str(check_model_dir(args.model))
