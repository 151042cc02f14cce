"""The event store: ingested documents, articles, mentions, merged events and stories in DuckDB or PostgreSQL.

``open_store(url)`` picks the backend; see README.md in this folder for the tables (a contract).
"""

from __future__ import annotations

import os
from pathlib import Path

from marsad.store.base import Store

DEFAULT_DB = "marsad.duckdb"
ENV_VAR = "MARSAD_DB"


def resolve_url(url: str | None) -> str:
    """The URL to use: the argument, else $MARSAD_DB, else ``marsad.duckdb`` in the working directory."""
    return url or os.environ.get(ENV_VAR) or str(Path.cwd() / DEFAULT_DB)


def open_store(url: str | None = None, *, read_only: bool = False) -> Store:
    """Open (creating and migrating as needed) the store at ``url``.

    ``postgresql://...`` (or ``postgres://``) -> PostgreSQL; ``duckdb:PATH`` or a plain path -> DuckDB.
    ``read_only`` applies to DuckDB (several readers may share a file that no writer holds).
    """
    target = resolve_url(url)
    if target.startswith(("postgresql://", "postgres://")):
        from marsad.store.postgres import PostgresStore

        return PostgresStore(target)
    from marsad.store.duck import DuckDBStore

    path = target.removeprefix("duckdb://").removeprefix("duckdb:")
    return DuckDBStore(path or ":memory:", read_only=read_only)


__all__ = ["DEFAULT_DB", "ENV_VAR", "Store", "open_store", "resolve_url"]
