"""Fixtures: every store test runs on DuckDB (a temp file) and on a real PostgreSQL.

PostgreSQL comes from $MARSAD_TEST_PG_URL when set (the role needs CREATEDB: each test gets a fresh
database), else from a throw-away cluster started with the installed binaries (``initdb``/``pg_ctl``).
The PostgreSQL half is skipped, with the reason, only when neither exists.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from marsad.store import open_store
from marsad.store.base import Store
from marsad.store.ingest import ingest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = [REPO / "examples" / "sample_corpus.jsonl", REPO / "examples" / "seed_page.txt"]
BACKENDS = ("duckdb", "postgres")
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Base URL of a PostgreSQL server whose role may create databases."""
    url = os.environ.get("MARSAD_TEST_PG_URL")
    if url:
        yield url
        return
    psycopg = pytest.importorskip("psycopg", reason="psycopg not installed (pip install 'marsad[postgres]')")
    del psycopg
    from marsad.store.pgserver import temp_postgres, wait_ready

    pg = temp_postgres()
    if pg is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin; "
            "install the postgresql package or set MARSAD_TEST_PG_URL"
        )
    url = pg.start()
    wait_ready(url)
    try:
        yield url
    finally:
        pg.stop()


def _new_pg_db(base: str) -> str:
    import psycopg

    name = f"marsad_t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[], str]:
    """A factory of URLs to fresh, empty stores on the current backend."""
    if backend == "duckdb":
        return lambda: str(tmp_path / f"store{next(_counter)}.duckdb")
    base = request.getfixturevalue("pg_server")
    return lambda: _new_pg_db(base)


@pytest.fixture
def new_store(new_url: Callable[[], str]) -> Iterator[Callable[[], Store]]:
    opened: list[Store] = []

    def make() -> Store:
        opened.append(open_store(new_url()))
        return opened[-1]

    yield make
    for s in opened:
        s.close()


_INGESTED: dict[str, str] = {}


@pytest.fixture
def examples_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A store holding both examples, ingested once per backend and session (tests only read it)."""
    if backend not in _INGESTED:
        if backend == "duckdb":
            url = str(tmp_path_factory.mktemp("examples") / "examples.duckdb")
        else:
            url = _new_pg_db(request.getfixturevalue("pg_server"))
        with open_store(url) as store:
            ingest(store, EXAMPLES, batch=8)
        _INGESTED[backend] = url
    return _INGESTED[backend]


@pytest.fixture
def ingested() -> dict[str, str]:
    """Backend -> URL of the examples stores built so far in this session."""
    return _INGESTED


@pytest.fixture
def examples_store(examples_url: str) -> Iterator[Store]:
    with open_store(examples_url) as store:
        yield store


SUBSET_DOCS = 12  # documents of the bundled sample the fault and resume tests ingest


@pytest.fixture
def sample_subset(tmp_path: Path) -> Path:
    """The first ``SUBSET_DOCS`` lines of the bundled sample corpus, as a JSONL file."""
    repo = Path(__file__).resolve().parents[2]
    lines = (repo / "examples" / "sample_corpus.jsonl").read_text("utf-8").splitlines()[:SUBSET_DOCS]
    path = tmp_path / "subset.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
