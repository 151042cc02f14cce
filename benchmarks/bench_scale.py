"""Scale: the end-to-end pipeline over a 100,000-article stream, rules only and with the shipped model.

Why: ``bench_pipeline`` times one pass over 2,805 articles; this one checks that speed and memory hold
over a stream 35x longer (no cache or list that grows with the input, no slowdown as the run goes on).

* **Input.** A generator streams the corpus over and over, never holding it: from the second pass on,
  every record gets a new id, its body paragraphs in reverse order (odd passes) and a closing line naming
  the pass, so no text repeats verbatim and no per-text cache can serve it. The records go through the
  real JSONL reader as bytes (a file-like object over the generator), then ``pipeline.process``.
* **Modes.** Each mode runs in a fresh subprocess (one core): warm-up on one document (KB compile and
  model load are not timed), then the timed stream. The subprocess reports its time, peak RSS (VmHWM
  from ``/proc/self/status``, not ``ru_maxrss``, which carries a parent's peak across exec), and
  checkpoints (articles/s and current RSS at each tenth of the stream) that show drift or growth.
* **Floor.** ``normalize`` + ``words`` of every record's text, on the same generated stream, in its own
  fresh subprocess, timed right before each mode; the generator's own cost is timed too ("source").
* **Size.** ``MARSAD_BENCH_SCALE`` articles (default 100,000: about 15-20 minutes with the model at
  ~100 articles/s). Repetitions: ``MARSAD_BENCH_REPS`` (default 3), but no new repetition of a mode
  starts after ``MARSAD_BENCH_SCALE_BUDGET`` seconds (default 1,200) spent on it.

Run: ``MARSAD_BENCH_SCALE=3000 python benchmarks/bench_scale.py``; ``run()`` / ``report(res)`` for the
runner.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator

import common

SCALE = int(os.environ.get("MARSAD_BENCH_SCALE", "100000"))
BUDGET_S = float(os.environ.get("MARSAD_BENCH_SCALE_BUDGET", "1200"))
MODES = {"rules": "0", "model": "1"}
CHECKPOINTS = 10


def records(n: int) -> Iterator[dict]:
    """``n`` corpus records, the corpus streamed again and again with edits and new ids (see module doc)."""
    made = 0
    k = 0
    while made < n:
        with common.corpus().path.open(encoding="utf-8") as fh:
            for line in fh:
                if made >= n:
                    return
                if not line.strip():
                    continue
                yield _edited(json.loads(line), k)
                made += 1
        k += 1


def _edited(rec: dict, k: int) -> dict:
    """Pass ``k`` of a record: unchanged on the first pass, then a new id and a changed body."""
    if k == 0:
        return rec
    paras = (rec.get("text") or "").split("\n")
    head, body = paras[:2], paras[2:]
    if k % 2:
        body.reverse()
    text = "\n".join([*head, *body, f"وأفادت وكالات الأنباء بالمزيد في التحديث رقم {k}."])
    return dict(rec, id=f"{rec.get('id', 'rec')}~{k}", text=text)


class _JsonlStream(io.RawIOBase):
    """A read-only byte stream of JSON lines from a generator of records: the reader sees a file."""

    def __init__(self, source: Iterator[dict]) -> None:
        self._source = source
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            rec = next(self._source, None)
            if rec is None:
                return 0
            self._buf = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def stream(n: int) -> io.BufferedReader:
    return io.BufferedReader(_JsonlStream(records(n)), buffer_size=1 << 16)


def _warm(use_model: bool) -> None:
    from marsad.pipeline import process
    from marsad.readers.jsonl import JsonlReader

    doc = next(iter(JsonlReader().read_stream(stream(1), "warm.jsonl")))
    process(doc, use_model=use_model)


def pipe_child(use_model: str, n: str) -> dict:
    """In a fresh process: warm up, then read + process ``n`` streamed records; time, RSS, checkpoints."""
    from marsad.pipeline import Stats, process
    from marsad.readers.jsonl import JsonlReader

    um, total = use_model == "1", int(n)
    _warm(um)
    stats, reader = Stats(), JsonlReader()
    every = max(total // CHECKPOINTS, 1)
    marks: list[dict[str, float]] = []
    t0 = last = time.perf_counter()
    for i, doc in enumerate(reader.read_stream(stream(total), "scale.jsonl"), 1):
        process(doc, stats, use_model=um)
        if i % every == 0:
            now = time.perf_counter()
            marks.append({"done": i, "rate": every / (now - last), "rss_mb": common.rss_mb()})
            last = now
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "documents": stats.documents, "articles": stats.articles,
            "events": stats.events, "errors": reader.errors.count + stats.errors,
            "peak_mb": common.peak_rss_mb(), "checkpoints": marks}


def floor_child(n: str) -> dict:
    """In a fresh process: the floor (normalise + words) and the generator alone, on the same stream."""
    from marsad.text.normalize import normalize
    from marsad.text.tokenize import words

    total = int(n)
    t0 = time.perf_counter()
    for rec in records(total):
        words(normalize(rec.get("text") or "").text)
    floor = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in records(total):
        pass
    return {"seconds": floor, "source_seconds": time.perf_counter() - t0, "peak_mb": common.peak_rss_mb()}


def _mode(flag: str, n: int) -> dict:
    runs: list[dict] = []
    floors: list[dict] = []
    spent = 0.0
    for _ in range(common.REPS):
        if runs and spent > BUDGET_S:
            break
        floors.append(common.child("bench_scale", "floor_child", str(n), timeout=7200))
        t0 = time.perf_counter()
        runs.append(common.child("bench_scale", "pipe_child", flag, str(n), timeout=7200))
        spent += time.perf_counter() - t0
    ours = [r["seconds"] for r in runs]
    floor = [f["seconds"] for f in floors]
    best = runs[ours.index(min(ours))]
    return {"reps": len(runs), "ours_s": common.stats(ours), "ours_rate": common.throughput(n, ours),
            "floor_s": common.stats(floor), "floor_rate": common.throughput(n, floor),
            "source_s": common.stats([f["source_seconds"] for f in floors]),
            "ratio": common.ratios(ours, floor), "peak_mb": max(r["peak_mb"] for r in runs),
            "floor_peak_mb": max(f["peak_mb"] for f in floors), "checkpoints": best["checkpoints"],
            "counts": {k: best[k] for k in ("documents", "articles", "events", "errors")}}


def run() -> dict:
    """Both modes at ``MARSAD_BENCH_SCALE`` articles, each beside its floor."""
    corpus = common.corpus()
    modes = {name: _mode(flag, SCALE) for name, flag in MODES.items()}
    estimate = {name: 100_000 / m["ours_rate"]["median"] for name, m in modes.items()}
    return {"corpus": corpus.note, "records": corpus.records, "scale": SCALE, "reps": common.REPS,
            "modes": modes, "estimate_100k_s": estimate}


def _drift(marks: list[dict[str, float]]) -> str:
    if len(marks) < 2:
        return "-"
    rates, rss = [m["rate"] for m in marks], [m["rss_mb"] for m in marks]
    return (f"{rates[0]:,.0f} → {rates[-1]:,.0f} art/s; RSS {rss[0]:.0f} → {rss[-1]:.0f} MB "
            f"(max {max(rss):.0f})")


def report(res: dict) -> str:
    """Markdown: speeds beside the floor, peak RSS, drift over the stream, and the 100k estimate."""
    f = common.fmt
    rows = []
    for name, m in res["modes"].items():
        label = f"pipeline, {name} ({m['reps']} reps)"
        rows.append([*common.speed_row(label, m["ours_s"], m["ours_rate"], 1),
                     f"{m['ratio']['min']:.1f} / {m['ratio']['median']:.1f}", f(m["peak_mb"], 1),
                     _drift(m["checkpoints"])])
        rows.append([*common.speed_row(f"floor (beside {name})", m["floor_s"], m["floor_rate"], 2), "1",
                     f(m["floor_peak_mb"], 1), f"source alone {m['source_s']['min']:.2f} s"])
    out = common.table(["pass", "min s", "median s", "articles/s (best)", "articles/s (median)",
                        "ours/floor best / median", "peak RSS MB", "first → last tenth of the stream"],
                       rows)
    counts = "; ".join(f"{name}: {m['counts']['documents']:,} documents, {m['counts']['articles']:,} "
                       f"articles, {m['counts']['events']:,} events, {m['counts']['errors']} errors"
                       for name, m in res["modes"].items())
    est = ", ".join(f"{name} ~{s / 60:.0f} min" for name, s in res["estimate_100k_s"].items())
    return (f"{res['corpus']}; {res['scale']:,} articles streamed (the corpus repeated with edits and new "
            f"ids), fresh subprocess per mode and repetition.\n\n{out}\n\n{counts}.\n\n"
            f"Time for 100,000 articles at the median rate: {est}.")


def main() -> None:
    print(report(run()))


if __name__ == "__main__":
    main()
