"""Hostile inputs, generated in ``tmp_path`` (nothing large is committed), and a time limit for each call.

Why generated: the cases are defined by their bytes (mislabelled encodings, bidi controls, 50 MB lines,
10,000 nested tags); writing them from code documents exactly what each one is and keeps the repo small.
Why a time limit: a hostile input must give a counted error or a correct result, never a hang; the limit
turns a hang into a test failure with a clear message instead of a stuck CI job.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# An article in Arabic that names Putin and Erdogan and reports a meeting (a CONSULT event).
BODY = (
    "التقى الرئيس الروسي فلاديمير بوتين نظيره التركي رجب طيب أردوغان في موسكو يوم الثلاثاء، "
    "وبحث الجانبان الوضع في سوريا وأهمية تنسيق الجهود بين البلدين."
)
TITLE = "بوتين يستقبل أردوغان في موسكو"
BIDI = ("\u202b", "\u202c", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069")
JOINERS = ("\u200d", "\u200c")
BROKEN_EVERY = 10
JSONL_LINES = 80


class Hang(BaseException):
    """Raised by ``time_limit``: a BaseException, so the pipeline's ``except Exception`` cannot eat it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the block with ``Hang`` after ``seconds`` (SIGALRM; only pure-Python loops are interrupted)."""

    def fire(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_isolated(code: str, *args: str, timeout: float = 60) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (bounded by ``timeout``); it prints one JSON object last.

    Used where memory matters: the child's peak RSS is reported by itself (``resource``) so a leak in
    the parent test process cannot hide or fake it.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    try:
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                             timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: the call did not finish within {timeout} s")
    assert out.returncode == 0, out.stderr[-2000:]
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def good_record(n: int) -> dict[str, str]:
    return {"id": f"good-{n}", "title": f"{TITLE} {n}", "text": BODY, "date": "2024-06-04", "outlet": "test"}


def broken_line(n: int) -> bytes:
    """Every tenth line of the broken JSONL: a different kind of damage each time."""
    kinds = [
        b'{"id": "cut", "text": "\xd8\xa8\xd9\x88\xd8\xaa',  # truncated mid-record and mid-character
        b"\x00\x01\x02\xff\xfe binary junk \x00",
        b'["a", "json", "array"]',
        b'{"id": "no-text", "title": "x"}',
        b"not json at all",
        b'{"id": "empty", "text": "   "}',
        b'{"id": 1, "text": ',
        b"\xff" * 64,
    ]
    return kinds[n % len(kinds)]


def broken_jsonl() -> tuple[bytes, list[int]]:
    """A JSONL file whose every tenth line is broken; also the 1-based numbers of the broken lines."""
    lines: list[bytes] = []
    bad: list[int] = []
    for i in range(1, JSONL_LINES + 1):
        if i % BROKEN_EVERY == 0:
            lines.append(broken_line(i // BROKEN_EVERY - 1))
            bad.append(i)
        else:
            lines.append(json.dumps(good_record(i), ensure_ascii=False).encode("utf-8"))
    return b"\n".join(lines) + b"\n", bad


def html_page(body: str, charset: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{TITLE}</title></head>'
        f"<body><article><h1>{TITLE}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )


def nested_html(depth: int = 10_000) -> str:
    return "<html><body>" + "<div>" * depth + f"<p>{BODY}</p>" + "</div>" * depth + "</body></html>"


def with_controls(name: str, controls: tuple[str, ...]) -> str:
    """``name`` with a control character between every pair of letters (cycling through ``controls``)."""
    out = [name[0]]
    for k, ch in enumerate(name[1:]):
        out.append(controls[k % len(controls)] + ch)
    return "".join(out)


def small_cases() -> dict[str, tuple[bytes, int, frozenset[str]]]:
    """The small hostile files: exact expected documents and the error kinds each may count."""
    rng = __import__("random").Random(1)
    junk = bytes(rng.randrange(256) for _ in range(20_000))
    jsonl, bad = broken_jsonl()
    bidi_body = BODY.replace("بوتين", with_controls("بوتين", BIDI))
    zw_body = BODY.replace("بوتين", with_controls("بوتين", JOINERS)).replace("أردوغان", "أرد\u200dوغان")
    return {
        "binary.txt": (junk, 0, frozenset({"binary"})),
        "binary.html": (b"\x89PNG\r\n\x1a\n" + junk, 0, frozenset({"binary"})),
        "binary.jsonl": (junk, 0, frozenset({"decode", "bad_json", "binary"})),
        "corrupt.txt.gz": (b"\x1f\x8b\x08\x00" + junk[:500], 0, frozenset({"exception", "io"})),
        "cp1256.txt": (f"{TITLE}\n\n{BODY}".encode("cp1256"), 1, frozenset()),
        "cp1256_says_utf8.html": (html_page(BODY, "utf-8").encode("cp1256"), 1, frozenset()),
        "utf8_says_cp1256.html": (html_page(BODY, "windows-1256").encode("utf-8"), 1, frozenset()),
        "utf16.txt": (f"{TITLE}\n\n{BODY}".encode("utf-16"), 1, frozenset()),
        "bidi.txt": (f"{TITLE}\n\n{bidi_body}".encode(), 1, frozenset()),
        "zerowidth.txt": (f"{TITLE}\n\n{zw_body}".encode(), 1, frozenset()),
        "nested.html": (nested_html().encode(), 1, frozenset()),
        "broken.jsonl": (jsonl, JSONL_LINES - len(bad), frozenset({"bad_json", "decode", "missing_text"})),
        "empty.txt": (b"", 0, frozenset({"empty"})),
        "empty.html": (b"", 0, frozenset({"empty"})),
        "empty.jsonl": (b"", 0, frozenset({"empty"})),  # no records: no error is also a correct result
        "blank.txt": (b" \n\t\r\n \n", 0, frozenset({"empty"})),
    }
