"""A response cache for the read-only API: identical GET requests are answered from memory.

Why it is safe: the server opens a DuckDB store read-only and a writer needs the file's exclusive lock,
so nothing can change the data while the server runs; a cached answer is exactly what the store would
answer again. Why it pays: dashboards repeat themselves (every visitor loads the same overview, the
first page of each event type, the same actor pages), and a hit costs a dictionary look-up instead of
two or three DuckDB scans of a million rows.

Only complete 200 answers with a Content-Length are kept (never a streamed export), keyed by the path and
the query's parameters in sorted order, within a byte budget evicted least-recently-used first. Each
answer says ``x-marsad-cache: hit`` or ``miss``.
"""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 2 * 1024 * 1024  # a larger answer is served but not kept: it would crowd out the rest
_Entry = tuple[list[tuple[bytes, bytes]], bytes, int]  # headers, body, bytes counted against the budget


class ResponseCache:
    """ASGI middleware caching GET answers under ``prefixes`` (minus ``excluded``) within ``budget`` bytes."""

    def __init__(self, app: ASGIApp, *, prefixes: tuple[str, ...] = ("/api/",),
                 excluded: tuple[str, ...] = ("/api/export",), budget: int = DEFAULT_BUDGET_BYTES) -> None:
        self.app = app
        self.prefixes = prefixes
        self.excluded = excluded
        self.budget = budget
        self.used = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def _key(self, scope: Scope) -> str | None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        path: str = scope["path"]
        if not path.startswith(self.prefixes) or path.startswith(self.excluded):
            return None
        query = scope.get("query_string", b"").decode("latin-1")
        return path + "?" + urlencode(sorted(parse_qsl(query, keep_blank_values=True)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            await _replay(send, entry[0], entry[1])
            return
        self.misses += 1
        await self.app(scope, receive, self._recording(key, send))

    def _recording(self, key: str, send: Send) -> Send:
        """``send`` that also keeps a complete 200 answer of known length, unless it is too large."""
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        keep = False

        async def record(message: Message) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                headers.extend(message.get("headers", []))
                lengths = [v for k, v in headers if k.lower() == b"content-length"]
                keep = (message["status"] == 200 and len(lengths) == 1 and lengths[0].isdigit()
                        and int(lengths[0]) <= MAX_ENTRY_BYTES)
                message = {**message, "headers": [*headers, (b"x-marsad-cache", b"miss")]}
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(key, headers, b"".join(chunks))
            await send(message)

        return record

    def _store(self, key: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        size = len(body) + len(key) + sum(len(k) + len(v) for k, v in headers)
        if key in self._entries or size > self.budget:
            return
        self._entries[key] = (headers, body, size)
        self.used += size
        while self.used > self.budget:
            self.used -= self._entries.popitem(last=False)[1][2]


async def _replay(send: Send, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [*headers, (b"x-marsad-cache", b"hit")]})
    await send({"type": "http.response.body", "body": body})
