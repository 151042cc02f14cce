"""PostgreSQL backend (psycopg 3): bulk writes with COPY, everything else parameterised SQL."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from functools import cache
from typing import Any

from marsad.store.base import Columns, Store
from marsad.store.schema import BY_NAME, q


@cache
def _pg_sql(sql: str) -> str:
    """``?`` placeholders -> psycopg's ``%s`` (literal ``%`` doubled). Our SQL has no ``?`` in literals."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(Store):
    """A store in a PostgreSQL database given by a ``postgresql://`` URL."""

    dialect = "postgres"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # the optional extra
            raise RuntimeError("PostgreSQL support needs psycopg: pip install 'marsad[postgres]'") from exc
        super().__init__(url)
        self.conn = psycopg.connect(url, autocommit=True)
        self.migrate()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(_pg_sql(sql), list(params) or None)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(_pg_sql(sql), list(params) or None).fetchall()

    def fetch_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(_pg_sql(sql), list(params) or None)
        names = [d.name for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def insert_columns(self, table: str, columns: Columns) -> None:
        """COPY ... FROM STDIN: the rows stream to the server in one command per batch and table."""
        names = BY_NAME[table].names
        cols = ", ".join(q(c) for c in names)
        with self.conn.cursor() as cur, cur.copy(f"COPY {q(table)} ({cols}) FROM STDIN") as copy:
            for row in zip(*(columns[c] for c in names), strict=True):
                copy.write_row(row)

    def _outer_transaction(self) -> AbstractContextManager[None]:
        return self.conn.transaction()

    def close(self) -> None:
        self.conn.close()
