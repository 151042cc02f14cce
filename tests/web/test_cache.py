"""The read-only API's response cache, over the real app and store: what it keeps, what it never keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from marsad.web.cache import ResponseCache


def _cache(app: Any) -> ResponseCache:
    """The ResponseCache instance in the app's built middleware stack."""
    layer = app.middleware_stack
    while layer is not None and not isinstance(layer, ResponseCache):
        layer = getattr(layer, "app", None)
    assert isinstance(layer, ResponseCache), "a read-only DuckDB app must cache"
    return layer


def test_repeated_page_is_a_hit_with_the_same_body(api_db: Path) -> None:
    from fastapi.testclient import TestClient

    from marsad.web.api import create_app

    with TestClient(create_app(str(api_db))) as client:
        first = client.get("/api/events", params={"type": "CONSULT", "limit": 5})
        # The same parameters in another order are the same request.
        second = client.get("/api/events?limit=5&type=CONSULT")
        assert first.status_code == second.status_code == 200
        assert first.headers["x-marsad-cache"] == "miss" and second.headers["x-marsad-cache"] == "hit"
        assert first.content == second.content and first.json()["items"]
        assert "content-security-policy" in second.headers  # the security headers wrap cached answers too
        cache = _cache(client.app)
        assert (cache.hits, cache.misses) == (1, 1)


@pytest.mark.parametrize("request_args", [
    ("GET", "/api/events?type=NOT_A_TYPE", None),  # errors are recomputed, never kept
    ("GET", "/api/export?format=plover&type=CONSULT", None),  # streamed
    ("POST", "/api/extract", {"text": "اتصل الرئيس المصري بنظيره الفرنسي."}),
    ("GET", "/", None),  # the dashboard's pages are outside /api/
])
def test_never_cached(api_db: Path, request_args: tuple[str, str, Any]) -> None:
    from fastapi.testclient import TestClient

    from marsad.web.api import create_app

    method, url, body = request_args
    with TestClient(create_app(str(api_db))) as client:
        for _ in range(2):
            response = client.request(method, url, json=body)
            assert response.headers.get("x-marsad-cache") != "hit"
        assert _cache(client.app).hits == 0


def test_budget_evicts_least_recently_used(api_db: Path) -> None:
    from fastapi.testclient import TestClient

    from marsad.web.api import create_app

    with TestClient(create_app(str(api_db))) as client:
        cache = _cache(client.app)
        for limit in (1, 2, 3):
            client.get("/api/events", params={"limit": limit})
        cache.budget = cache.used  # full: every new answer now pushes out the least recently used
        client.get("/api/events", params={"limit": 1})  # a hit: limit=1 becomes the most recent
        client.get("/api/events", params={"limit": 4})  # a miss: limit=2 (then 3, ...) must make room
        assert 0 < cache.used <= cache.budget
        assert client.get("/api/events", params={"limit": 4}).headers["x-marsad-cache"] == "hit"
        assert client.get("/api/events", params={"limit": 2}).headers["x-marsad-cache"] == "miss"


def test_writable_app_does_not_cache(writable_db: Path) -> None:
    from fastapi.testclient import TestClient

    from marsad.web.api import create_app

    with TestClient(create_app(str(writable_db), token="secret-token-123456")) as client:
        for _ in range(2):
            assert "x-marsad-cache" not in client.get("/api/events", params={"limit": 1}).headers


def test_two_worker_server_answers_from_both_processes(api_db: Path) -> None:
    """``marsad serve --workers 2``: real uvicorn worker processes over the read-only store."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx2

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    code = "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))"
    server = subprocess.Popen([sys.executable, "-c", code, "serve", "--db", str(api_db), "--port", str(port),
                               "--workers", "2", "--log-level", "warning"], start_new_session=True)
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/api/events", params={"limit": 3}, timeout=5)
            except httpx2.HTTPError:
                time.sleep(0.3)
        assert answer is not None and answer.status_code == 200 and len(answer.json()["items"]) == 3
        pgrep = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
        assert len(pgrep.stdout.split()) >= 2, "uvicorn should run two worker processes"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_workers_refused_for_a_writable_server(api_db: Path) -> None:
    from marsad.cli import main

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MARSAD_API_TOKEN", "a-long-enough-token-1234")
        assert main(["serve", "--db", str(api_db), "--workers", "2"]) == 2
