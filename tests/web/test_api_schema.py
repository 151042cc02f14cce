"""Property-based API test: schemathesis generates requests from the app's own OpenAPI spec.

Why: hand-written API tests check the inputs we thought of; requests generated from the schema (odd
dates, huge offsets, unicode in path ids, empty or oversized bodies) find the ones we did not. The one
property checked is the API's contract with clients: no request, however odd, gets a 5xx - bad input
is a 4xx with a message. Every GET operation and ``POST /api/extract`` run in-process over the ASGI app
and the session's test store (``conftest.api_db``), bounded to 25 examples each so the file stays fast.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (dev extra)")
pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'marsad[web]'")

from hypothesis import HealthCheck, given, settings  # noqa: E402  (after the skips above)
from hypothesis.errors import Unsatisfiable  # noqa: E402

MAX_EXAMPLES = int(os.environ.get("MARSAD_SCHEMA_EXAMPLES", "25"))  # raise it for a deeper, slower run
STATUSES: dict[str, Counter[int]] = defaultdict(Counter)  # per operation and mode, for -s debugging
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture(scope="module")
def api_schema(api_db: Path) -> Any:
    """The app's OpenAPI schema, bound to the ASGI app over the read-only test store."""
    from marsad.web.api import create_app

    app = create_app(str(api_db))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return schema.include(_wanted)


def _wanted(ctx: Any) -> bool:
    """Every GET under /api/ and the one public POST (ingest needs a token and is not in this app)."""
    op = ctx.operation
    return op.path.startswith("/api/") and (op.method.upper() == "GET" or op.path == "/api/extract")


def _operations(api_schema: Any) -> list[Any]:
    return [result.ok() for result in api_schema.get_all_operations()]


def _first_server_error(operation: Any, mode: Any) -> str | None:
    """Run ``MAX_EXAMPLES`` generated requests on one operation; the first 5xx request, or ``None``."""
    found: list[str] = []

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        response = case.call()
        STATUSES[f"{operation.label} {mode.value}"][response.status_code] += 1
        if response.status_code >= 500 and not found:
            found.append(f"{case.method} {case.formatted_path} -> {response.status_code} "
                         f"({mode.value})\n{case.as_curl_command()}\n{response.text[:300]}")

    try:
        check()
    except Unsatisfiable:  # no parameter to make invalid (e.g. /api/stats in negative mode)
        assert mode is not MODES[0], f"no valid request generated for {operation.label}"
    return found[0] if found else None


def test_schema_covers_the_api(api_schema: Any) -> None:
    """The spec lists every read endpoint and extract, so the property test below really covers them."""
    labels = {f"{op.method.upper()} {op.path}" for op in _operations(api_schema)}
    assert "POST /api/extract" in labels
    assert {"GET /api/events", "GET /api/actors", "GET /api/stats", "GET /api/export"} <= labels
    assert sum(label.startswith("GET ") for label in labels) >= 10


def test_no_server_error(api_schema: Any) -> None:
    """Generated valid and invalid requests on every operation: all answers are below 500.

    One plain test looping over the operations, not ``schema.parametrize``: schemathesis' pytest plugin
    reads a private pytest attribute (``Function._nodeid``) that pytest 9 removed.
    """
    errors = [err for op in _operations(api_schema) for mode in MODES
              if (err := _first_server_error(op, mode)) is not None]
    assert not errors, "\n\n".join(errors)
