"""Fixtures for the API tests: one real DuckDB store per session, built through the store's ingest path.

The store holds the bundled examples (40 ANT Corpus articles and the seed page) plus one hostile
document whose text carries a ``<script>`` tag, so tests can check that stored text only ever comes
back as JSON data. Tests that write get their own copy of the file.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = [REPO / "examples" / "sample_corpus.jsonl", REPO / "examples" / "seed_page.txt"]
XSS_ID = "xss-001"
XSS_TEXT = ("<script>alert(1)</script>\nقال وزير الخارجية الأمريكي إن الولايات المتحدة تدين الهجوم على "
            "السفارة في بغداد، وطالب الحكومة العراقية بحماية البعثات الدبلوماسية.")


def _need_web() -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'marsad[web]'")
    pytest.importorskip("httpx2", reason="the web extra is not installed: pip install 'marsad[web]'")


@pytest.fixture(scope="session")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a DuckDB store with the examples and the hostile document ingested (then closed)."""
    _need_web()
    from marsad.store import open_store
    from marsad.store.ingest import ingest

    tmp = tmp_path_factory.mktemp("api_store")
    hostile = tmp / "hostile.jsonl"
    record = {"id": XSS_ID, "title": "<img src=x onerror=alert(1)> عنوان", "date": "2024-03-05",
              "outlet": "Test Outlet", "text": XSS_TEXT}
    hostile.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp / "api.duckdb"
    with open_store(str(path)) as store:
        summary = ingest(store, [*EXAMPLES, hostile])
    assert summary.documents_stored == 42 and summary.errors == 0
    return path


@pytest.fixture(scope="session")
def client(api_db: Path) -> Iterator[Any]:
    """A TestClient on a read-only app over the session store."""
    from fastapi.testclient import TestClient

    from marsad.web.api import create_app

    with TestClient(create_app(str(api_db))) as c:
        yield c


@pytest.fixture
def writable_db(api_db: Path, tmp_path: Path) -> Path:
    """A private copy of the session store, for tests that write."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(api_db, copy)
    return copy
