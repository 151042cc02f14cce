"""marsad on the web: a read-only JSON API over the event store (``api``) and the analysts' dashboard.

Why the imports are lazy: ``marsad serve`` is registered by the main CLI, which must keep working (and
start fast) when the optional ``marsad[web]`` extra (FastAPI, uvicorn) is not installed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from marsad.web.api import create_app

        return create_app
    raise AttributeError(f"module 'marsad.web' has no attribute {name!r}")
