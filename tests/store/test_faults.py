"""Faults beneath the store: the database server restarted mid-run, the disk full. (kill -9: test_resume.py.)

What must hold after each fault: the run fails loudly (an exception naming the cause, the run row not
'finished'), committed batches stay committed, and a rerun after the fault is cleared ends with exactly
the rows of an uninterrupted run: nothing lost, nothing doubled, the same merged-event and story ids.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from store_snapshot import snapshot

from marsad.store import open_store
from marsad.store.duck import DuckDBStore
from marsad.store.ingest import Ingester, IngestSummary, ingest, rules_processor

REPO = Path(__file__).resolve().parents[2]
DOCS = 12  # the sample_subset fixture (conftest.SUBSET_DOCS)
BATCH = 2
FAIL_AFTER = 2  # batches committed before the fault


def _statuses(store: Any) -> list[str]:
    return [r[0] for r in store.fetchall("SELECT status FROM ingest_runs ORDER BY id")]


def _reference(url: str, path: Path) -> dict[str, object]:
    with open_store(url) as store:
        ingest(store, [path], batch=BATCH, processor=rules_processor)
        return snapshot(store)


def _interrupted_run(store: Any, path: Path, fault: Callable[[], None]) -> BaseException:
    """Ingest with ``fault()`` injected after FAIL_AFTER committed batches; return what was raised."""

    def on_batch(summary: IngestSummary) -> None:
        if summary.batches == FAIL_AFTER:
            fault()

    with pytest.raises(Exception) as caught:
        Ingester(store, batch=BATCH, processor=rules_processor, on_batch=on_batch).run([path])
    return caught.value


def _rerun_matches(url: str, path: Path, reference: dict[str, object]) -> None:
    with open_store(url) as store:
        committed = store.counts()["documents"]
        assert committed == FAIL_AFTER * BATCH, "committed batches must survive the fault, and only they"
        assert "finished" not in _statuses(store)
        summary = ingest(store, [path], batch=BATCH, processor=rules_processor)
        assert summary.documents_skipped == committed and summary.documents_stored == DOCS - committed
        assert _statuses(store)[-1] == "finished" and _statuses(store)[0] != "finished"
        assert snapshot(store) == reference


# --- disk full (DuckDB) ----------------------------------------------------------------------------------


def _fill(directory: Path) -> None:
    """Take every free byte of the file system holding ``directory`` (unbuffered: no flush on close)."""
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (needs root and mount permission; skipped otherwise: the hook test covers the logic)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode})")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_on_tmpfs_fails_the_run_then_a_rerun_completes(
    small_disk: Path, tmp_path: Path, sample_subset: Path
) -> None:
    path = sample_subset
    reference = _reference(str(tmp_path / "reference.duckdb"), path)
    url = str(small_disk / "store.duckdb")
    with open_store(url) as store:
        exc = _interrupted_run(store, path, lambda: _fill(small_disk))
    assert "No space left on device" in str(exc), repr(exc)
    os.remove(small_disk / "filler")  # free the space
    _rerun_matches(url, path, reference)


class _FullDisk(DuckDBStore):
    """A DuckDB store whose inserts fail with ENOSPC once ``full`` is set (the write path, as a disk does)."""

    full = False

    def insert_columns(self, table: str, columns: Any) -> None:
        if self.full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        super().insert_columns(table, columns)


def test_enospc_in_the_insert_path_fails_the_run_then_a_rerun_completes(
    tmp_path: Path, sample_subset: Path
) -> None:
    path = sample_subset
    reference = _reference(str(tmp_path / "reference.duckdb"), path)
    url = str(tmp_path / "store.duckdb")
    store = _FullDisk(url)
    try:
        exc = _interrupted_run(store, path, lambda: setattr(store, "full", True))
        assert isinstance(exc, OSError) and exc.errno == errno.ENOSPC
        assert _statuses(store) == ["failed"]  # the run row is written off, in its own transaction
    finally:
        store.close()
    _rerun_matches(url, path, reference)


# --- PostgreSQL restarted mid-run ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_pg() -> Iterator[Any]:
    """A throw-away cluster of this module's own: these tests stop and start it."""
    pytest.importorskip("psycopg", reason="psycopg not installed (pip install 'marsad[postgres]')")
    from marsad.store.pgserver import temp_postgres, wait_ready

    pg = temp_postgres()
    if pg is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found; install the postgresql package")
    wait_ready(pg.start())
    try:
        yield pg
    finally:
        pg.stop()


def _pg_ctl(pg: Any, *args: str) -> None:
    pg._run("pg_ctl", "-D", str(pg.root / "data"), *args)


def _pg_stop(pg: Any) -> None:
    _pg_ctl(pg, "-m", "fast", "-w", "stop")


def _pg_start(pg: Any) -> None:
    from marsad.store.pgserver import wait_ready

    opts = (
        f"-p {pg.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={pg.root / 'sock'} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    _pg_ctl(pg, "-o", opts, "-l", str(pg.root / "log"), "-w", "start")
    wait_ready(pg.url())


def _new_db(pg: Any, name: str) -> str:
    import psycopg

    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg.url(name)


def test_postgres_restarted_mid_run_fails_clearly_then_a_rerun_completes(
    own_pg: Any, tmp_path: Path, sample_subset: Path
) -> None:
    import psycopg

    path = sample_subset
    reference = _reference(_new_db(own_pg, "reference"), path)
    url = _new_db(own_pg, "restarted")
    store = open_store(url)
    try:
        exc = _interrupted_run(store, path, lambda: _pg_stop(own_pg))
        assert isinstance(exc, psycopg.OperationalError), repr(exc)
    finally:
        with contextlib.suppress(Exception):  # the connection died with the server
            store.close()
        _pg_start(own_pg)
    _rerun_matches(url, path, reference)
