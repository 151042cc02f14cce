"""marsad (مرصد): native Arabic political event data from raw news.

The library mirrors the CLI: ``read`` (documents), ``segment`` (articles), ``link`` (actor mentions),
``code`` (events) and ``extract`` (all of them). Imports are lazy so ``import marsad`` stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "read": "marsad.readers",
    "segment": "marsad.segment",
    "link": "marsad.link",
    "code": "marsad.events.coder",
    "extract": "marsad.pipeline",
    "process": "marsad.pipeline",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'marsad' has no attribute {name!r}")
