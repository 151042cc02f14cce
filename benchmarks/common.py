"""Shared helpers for the benchmarks: corpus location, repeated timing, clean subprocesses, floors.

Every figure the benchmarks report is a ratio against something measured in the same run on the same
machine (the "floor"), because absolute speeds on a shared machine say little on their own. Timings are
repeated and reported as min and median; everything runs on one core.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SHARED_CORPUS = REPO.parent / "shared" / "corpus" / "arabic_news.jsonl"
SAMPLE = REPO / "examples" / "sample_corpus.jsonl"
SAMPLE_REPEAT = 50
REPS = int(os.environ.get("MARSAD_BENCH_REPS", "3"))


@dataclass(frozen=True, slots=True)
class Corpus:
    """The JSONL file the benchmarks read, and a note when it is not the real corpus."""

    path: Path
    records: int
    note: str


_CORPUS: Corpus | None = None


def corpus() -> Corpus:
    """The shared news corpus, or the bundled sample repeated (new ids) when /work/shared is absent."""
    global _CORPUS
    if _CORPUS is None:
        if SHARED_CORPUS.is_file():
            _CORPUS = Corpus(SHARED_CORPUS, _count_lines(SHARED_CORPUS), f"real corpus {SHARED_CORPUS.name}")
        else:
            out = Path(tempfile.gettempdir()) / f"marsad_bench_sample_x{SAMPLE_REPEAT}.jsonl"
            n = repeat_jsonl(SAMPLE, out, SAMPLE_REPEAT)
            note = (f"FALLBACK: {SHARED_CORPUS} not found; using examples/{SAMPLE.name} repeated "
                    f"{SAMPLE_REPEAT}x ({n} records) - numbers are not comparable with the real corpus")
            _CORPUS = Corpus(out, n, note)
    return _CORPUS


def _count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def repeat_jsonl(src: Path, dst: Path, times: int) -> int:
    """Write ``src`` ``times`` times into ``dst`` with fresh ids (so nothing can be deduplicated)."""
    n = 0
    with src.open(encoding="utf-8") as fin:
        records = [json.loads(line) for line in fin if line.strip()]
    with dst.open("w", encoding="utf-8") as fout:
        for k in range(times):
            for rec in records:
                rec = dict(rec, id=f"{rec.get('id', n)}-x{k}")
                fout.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
    return n


def texts(path: Path) -> list[str]:
    """Every record's text, preloaded in memory (the floor must not pay for I/O or JSON)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line).get("text") or "" for line in fh if line.strip()]


def floor_pass(preloaded: list[str]) -> None:
    """The floor: normalise and split into words every text, nothing else. Any pipeline must do this."""
    from marsad.text.normalize import normalize
    from marsad.text.tokenize import words

    for text in preloaded:
        words(normalize(text).text)


def tokenize_pass(preloaded: list[str]) -> None:
    """The text layer's full clitic-aware tokeniser over every text (a heavier, informative floor)."""
    from marsad.text.normalize import normalize
    from marsad.text.tokenize import tokenize

    for text in preloaded:
        tokenize(text, normalize(text))


def timed(fn: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def side_by_side(ours: Callable[[], object], floor: Callable[[], object], reps: int = REPS
                 ) -> tuple[list[float], list[float]]:
    """Alternate floor and ours ``reps`` times so machine load hits both alike; returns both time lists."""
    ours_t: list[float] = []
    floor_t: list[float] = []
    for _ in range(reps):
        floor_t.append(timed(floor))
        ours_t.append(timed(ours))
    return ours_t, floor_t


def stats(values: list[float]) -> dict[str, float]:
    """Min and median of repeated measurements (min is the least disturbed by other load)."""
    return {"min": min(values), "median": statistics.median(values)}


def throughput(n: int, seconds: list[float]) -> dict[str, float]:
    """Items per second, best (from the min time) and median."""
    return {"best": n / min(seconds), "median": n / statistics.median(seconds)}


def ratios(ours: list[float], floor: list[float]) -> dict[str, float]:
    """Ours/floor time: best over best ("min") and median over median.

    Not per-repetition ratios: on a shared machine one disturbed floor run would make a single ratio
    look better than it is; best/best compares the two least disturbed runs.
    """
    return {"min": min(ours) / min(floor), "median": statistics.median(ours) / statistics.median(floor)}


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB.

    VmHWM from /proc: ru_maxrss survives execve on Linux, so a child started from a large parent would
    report the parent's peak; VmHWM belongs to the new address space only.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident set size in MB (falls back to the peak where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def child(module: str, func: str, *args: str, timeout: float = 600) -> dict:
    """Run ``module.func(*args)`` in a fresh interpreter and return the dict it prints as JSON.

    A fresh process is the only honest way to measure load time (no warm caches) and peak memory.
    """
    code = (
        f"import json, sys; sys.path.insert(0, {str(BENCH_DIR)!r}); import {module}; "
        f"print(json.dumps({module}.{func}(*sys.argv[1:])))"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=timeout, check=False, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"{module}.{func} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def scaled_corpus(times: int) -> Iterator[Path]:
    """A temporary JSONL holding the corpus ``times`` times with new ids, deleted on exit."""
    with tempfile.TemporaryDirectory(prefix="marsad_bench_") as tmp:
        path = Path(tmp) / f"corpus_x{times}.jsonl"
        repeat_jsonl(corpus().path, path, times)
        yield path


def fmt(x: float, digits: int = 2) -> str:
    """Numbers for tables: thousands separators for big ones, fixed digits for small ones."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.{digits}f}"


def speed_row(label: str, seconds: dict[str, float], rate: dict[str, float], digits: int = 3) -> list[str]:
    """A table row: label, min and median seconds, best and median articles/s."""
    return [label, fmt(seconds["min"], digits), fmt(seconds["median"], digits), fmt(rate["best"], 0),
            fmt(rate["median"], 0)]


def table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def goals_md(goals: dict[str, bool]) -> str:
    """A bench's goals as a markdown list, each marked met or NOT met."""
    return "\n".join(f"- Goal {g}: **{verdict(ok)}**" for g, ok in goals.items())
