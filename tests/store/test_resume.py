"""kill -9 in the middle of an ingest, rerun: the store ends exactly as after one uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from store_snapshot import snapshot

from marsad.store import open_store
from marsad.store.ingest import ingest

REPO = Path(__file__).resolve().parents[2]
DOCS = 12  # the sample_subset fixture (conftest.SUBSET_DOCS)
BATCH = 2

CHILD = """
import sys
from marsad.store import open_store
from marsad.store.ingest import ingest

def on_batch(summary):
    print("batch", summary.batches, flush=True)

with open_store(sys.argv[1]) as store:
    ingest(store, [sys.argv[2]], batch=int(sys.argv[3]), on_batch=on_batch)
print("done", flush=True)
"""


def _state(url: str) -> dict[str, object]:
    with open_store(url) as store:
        return snapshot(store)


def test_kill_9_then_rerun(new_url: Callable[[], str], tmp_path: Path, sample_subset: Path) -> None:
    path = sample_subset
    url = new_url()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(path), str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    try:
        for line in child.stdout:  # kill right after the second commit, while the third batch is in flight
            if line.strip() == "batch 2":
                os.kill(child.pid, signal.SIGKILL)
                break
        else:
            pytest.fail("the ingest finished before it could be killed")
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    with open_store(url) as store:
        assert store.counts()["documents"] in (2 * BATCH, 3 * BATCH)  # whole batches only
        assert store.fetchall("SELECT status FROM ingest_runs")[0][0] == "running"
        summary = ingest(store, [path], batch=BATCH)
        assert summary.documents_skipped >= 2 * BATCH
        runs = store.fetchall("SELECT status FROM ingest_runs ORDER BY id")
        assert [r[0] for r in runs] == ["interrupted", "finished"]

    fresh = new_url()
    with open_store(fresh) as store:
        ingest(store, [path], batch=BATCH)
    assert _state(url) == _state(fresh)
