"""``marsad serve``: the REST API (and dashboard) over a store, added to the main parser by
``add_web_commands(subparsers)``.

Why the token is read from the environment by default: a literal ``--token`` shows in ``ps`` and shell
history. ``--token env:NAME`` reads variable NAME; a bare value is used as is (with a warning); without
``--token``, ``$MARSAD_API_TOKEN`` is used when set. No token means a read-only server.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

from marsad.models import MODEL_HELP
from marsad.store.cli_commands import DB_HELP

TOKEN_ENV = "MARSAD_API_TOKEN"

log = logging.getLogger("marsad.web")


def add_web_commands(subparsers: Any) -> None:
    """Register ``serve`` on an ``argparse`` sub-parsers object."""
    p = subparsers.add_parser("serve", help="serve the REST API and dashboard "
                                            "(read-only unless a token is set)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--host", default="127.0.0.1",
                   help="interface to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--token", help=f"enable POST /api/ingest behind this bearer token: env:NAME reads "
                                   f"variable NAME, else the literal value (default ${TOKEN_ENV} when set)")
    p.add_argument("--max-extract-chars", type=int, default=100_000,
                   help="largest text POST /api/extract accepts (default 100000)")
    p.add_argument("--cache-mb", type=float, default=64,
                   help="memory for cached answers of a read-only DuckDB store (default 64; 0 turns it off)")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (read-only stores only; default 1). On a read-only DuckDB store "
                        "each worker opens the file and builds its own search tables, and DuckDB's threads "
                        "are divided between them")
    p.add_argument("--model", metavar="DIR", help=MODEL_HELP + " (for POST /api/extract and /api/ingest)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=cmd_serve)


def resolve_token(value: str | None) -> str | None:
    """``env:NAME`` -> $NAME; a literal -> itself; None -> $MARSAD_API_TOKEN (or None)."""
    if value is None:
        return os.environ.get(TOKEN_ENV) or None
    if value.startswith("env:"):
        name = value.removeprefix("env:")
        token = os.environ.get(name)
        if not token:
            raise SystemExit(f"marsad serve: --token {value}: environment variable {name} is not set")
        return token
    log.warning("the token given on the command line is visible to other users (ps); prefer --token env:NAME")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from marsad.web.api import SERVE_CONFIG_ENV, create_app
    except ImportError as exc:
        print(f"marsad serve needs the web extra: pip install 'marsad[web]' ({exc})", file=sys.stderr)
        return 2
    token = resolve_token(args.token)
    if token and len(token) < 16:
        print("marsad serve: the token must be at least 16 characters", file=sys.stderr)
        return 2
    if args.workers < 1 or (args.workers > 1 and token):
        print("marsad serve: --workers must be 1 or more, and a server that accepts writes (--token) runs "
              "one worker: a DuckDB file has one writer", file=sys.stderr)
        return 2
    config: dict[str, Any] = {"db": args.db, "token": token, "max_extract_chars": args.max_extract_chars,
                              "cache_bytes": int(args.cache_mb * 1024 * 1024)}
    mode = "read-write (POST /api/ingest enabled)" if token else "read-only"
    print(f"marsad API on http://{args.host}:{args.port}/ ({mode}); docs at /docs", file=sys.stderr)
    common = {"host": args.host, "port": args.port, "log_level": args.log_level, "server_header": False}
    if args.workers == 1:
        uvicorn.run(create_app(**config), **common)
        return 0
    config["duckdb_threads"] = max(1, (os.cpu_count() or 1) // args.workers)
    os.environ[SERVE_CONFIG_ENV] = json.dumps(config)
    uvicorn.run("marsad.web.api:app_from_env", factory=True, workers=args.workers, **common)
    return 0
