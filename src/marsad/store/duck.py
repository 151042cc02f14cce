"""DuckDB backend: one file, bulk writes by scanning registered Arrow tables."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from marsad.store.base import Columns, Store
from marsad.store.schema import BY_NAME, q


class DuckDBStore(Store):
    """A store in a DuckDB file (``":memory:"`` works too). One writer process at a time (DuckDB's lock)."""

    dialect = "duckdb"

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        super().__init__(path)
        self.con = duckdb.connect(path, read_only=read_only)
        self.con.execute("SET enable_progress_bar = false")  # stderr belongs to marsad's own progress
        if not read_only:
            self.migrate()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(sql, list(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    def fetch_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def fetch_arrow(self, sql: str, params: Sequence[Any], schema: pa.Schema) -> pa.Table:
        """DuckDB hands Arrow over natively; cast so both backends yield the same types."""
        res = self.con.execute(sql, list(params))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duckdb >= 2 warns that a DB-API result is copied once
            fetch = getattr(res, "to_arrow_table", None) or res.fetch_arrow_table
            table = fetch()
        return table.rename_columns(schema.names).cast(schema)

    def insert_columns(self, table: str, columns: Columns) -> None:
        """INSERT ... SELECT from a registered Arrow table: one vectorised scan per batch and table."""
        arrow = pa.table(columns, schema=BY_NAME[table].arrow_schema())
        name = f"_stage_{table}"
        self.con.register(name, arrow)
        try:
            self.con.execute(f"INSERT INTO {q(table)} SELECT * FROM {name}")
        finally:
            self.con.unregister(name)

    @contextmanager
    def _outer_transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def close(self) -> None:
        self.con.close()
