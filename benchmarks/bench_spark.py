"""Spark benchmark: ``marsad.spark.job.run_job`` in local mode, 1 and 2 executor cores, vs the local pipeline.

Same input for all three: the first ``MARSAD_BENCH_SPARK_DOCS`` (default 1,000) records of the corpus.

* local: a fresh subprocess warms up on one document (KB, lexicons, model), then times ``read`` +
  ``process`` over the input on one core: the single-core reference rate.
* spark local[1] / local[2]: a fresh subprocess (fresh JVM) starts a session, runs a warm-up job on a few
  documents with one partition per core (each Python worker compiles the KB and model once and is then
  reused), then times the full job over the input: read, process, story and event dedup, every Parquet
  table and the PLOVER lines. Cold time (session start + warm-up) is reported separately: it is paid
  once per executor, not per article.
* memory: ``spark.driver.memory``/``spark.executor.memory`` as configured, and the peak RSS sampled every
  0.2 s of the Python driver, the JVM, and the Python workers (sum and per worker).
* cost: core-hours per million articles = 1e6 / (articles/s per core) / 3600, priced at
  ``PRICE_PER_CORE_HOUR`` (an assumption, see below).

The machine has 2 cores shared with other work, so the 1 -> 2 scaling is a lower bound.
Run: ``python benchmarks/bench_spark.py``; ``run()`` returns the numbers.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path

import common

DOCS = int(os.environ.get("MARSAD_BENCH_SPARK_DOCS", "1000"))
WARM_DOCS = 8
# Assumption for the cost line: an on-demand general-purpose cloud vCPU costs roughly $0.04-0.05 per hour
# (with its share of RAM); spot/preemptible capacity is often 60-70% cheaper. Change to your own price.
PRICE_PER_CORE_HOUR = 0.05
DRIVER_MEMORY = "2g"
EXECUTOR_MEMORY = "2g"


def _head(src: Path, dst: Path, n: int) -> int:
    count = 0
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        for line in fin:
            if not line.strip():
                continue
            fout.write(line)
            count += 1
            if count >= n:
                break
    return count


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command name) of every process visible in /proc."""
    out: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        out[int(entry)] = (int(stat[stat.rfind(")") + 2 :].split()[1]), name)
    return out


class RssSampler(threading.Thread):
    """Peak RSS (MB) of this driver, its JVM and the Python workers below the JVM, sampled every 0.2 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = {"driver_python_mb": 0.0, "jvm_mb": 0.0, "python_workers_mb": 0.0,
                     "per_worker_mb": 0.0, "workers": 0}
        self._stop_event = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self._stop_event.wait(0.2):
            tree = _tree()
            children: dict[int, list[int]] = {}
            for pid, (ppid, _) in tree.items():
                children.setdefault(ppid, []).append(pid)
            jvms = [p for p in children.get(me, []) if tree[p][1] == "java"]
            workers = []
            stack = list(jvms)
            while stack:
                pid = stack.pop()
                for c in children.get(pid, []):
                    stack.append(c)
                    if tree[c][1].startswith("python"):
                        workers.append(c)
            rss = [_rss_kb(w) / 1024 for w in workers]
            self._bump("driver_python_mb", _rss_kb(me) / 1024)
            self._bump("jvm_mb", sum(_rss_kb(j) for j in jvms) / 1024)
            self._bump("python_workers_mb", sum(rss))
            self._bump("per_worker_mb", max(rss, default=0.0))
            self._bump("workers", len(workers))

    def _bump(self, key: str, value: float) -> None:
        self.peak[key] = max(self.peak[key], value)

    def stop(self) -> dict[str, float]:
        self._stop_event.set()
        self.join()
        return {k: round(v, 1) for k, v in self.peak.items()}


def local_child(path: str) -> dict:
    """In a fresh process: warm up on one document, then time read + process over ``path`` (one core)."""
    from marsad.pipeline import Stats, process
    from marsad.readers import ErrorLog, read

    process(next(iter(read(path, errors=ErrorLog()))))
    stats = Stats()
    t0 = time.perf_counter()
    for doc in read(path, errors=ErrorLog()):
        process(doc, stats)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "documents": stats.documents, "articles": stats.articles + stats.headlines,
            "events": stats.events, "peak_rss_mb": common.peak_rss_mb()}


def spark_child(path: str, big_path: str, warm_path: str, cores: str) -> dict:
    """In a fresh process: local[cores] session, warm-up job, then timed jobs over ``path`` and
    ``big_path`` (twice as many documents): their difference is the marginal, steady-state cost."""
    from marsad.spark.job import run_job, session

    n = int(cores)
    sampler = RssSampler()
    sampler.start()
    t0 = time.perf_counter()
    spark = session(f"local[{n}]", partitions=4 * n, app_name="marsad-bench", conf={
        "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": DRIVER_MEMORY, "spark.executor.memory": EXECUTOR_MEMORY})
    started = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="marsad_bench_spark_") as tmp:
        run_job(spark, [warm_path], f"{tmp}/warm", partitions=n)
        warm = time.perf_counter() - t0 - started
        summary = run_job(spark, [path], f"{tmp}/out", partitions=4 * n)
        big = run_job(spark, [big_path], f"{tmp}/big", partitions=4 * n)
        sizes = {d.name: sum(f.stat().st_size for f in d.rglob("part-*") if f.is_file())
                 for d in Path(tmp, "out").iterdir()}
    spark.stop()
    return {"cores": n, "session_s": started, "warmup_s": warm, "job": summary.as_dict(),
            "big": big.as_dict(),
            "memory": {"spark.driver.memory": DRIVER_MEMORY, "spark.executor.memory": EXECUTOR_MEMORY,
                       **sampler.stop()},
            "parquet_bytes": sizes}


def _rates(articles: int, seconds: float, cores: int) -> dict[str, float]:
    rate = articles / seconds
    per_core = rate / cores
    core_hours = 1e6 / per_core / 3600
    return {"articles_per_s": round(rate, 1), "articles_per_s_per_core": round(per_core, 1),
            "core_hours_per_million": round(core_hours, 2),
            "usd_per_million": round(core_hours * PRICE_PER_CORE_HOUR, 2)}


def run() -> dict:
    """Local pipeline vs Spark local[1] and local[2] on the same input; returns every number."""
    corpus = common.corpus()
    with tempfile.TemporaryDirectory(prefix="marsad_bench_") as tmp:
        path, big, warm = Path(tmp, "input.jsonl"), Path(tmp, "big.jsonl"), Path(tmp, "warm.jsonl")
        docs = _head(corpus.path, path, DOCS)
        big_docs = _head(corpus.path, big, 2 * DOCS)
        _head(corpus.path, warm, WARM_DOCS)
        local = common.child("bench_spark", "local_child", str(path), timeout=1800)
        runs = {c: common.child("bench_spark", "spark_child", str(path), str(big), str(warm), str(c),
                                timeout=1800) for c in (1, 2)}
    out: dict = {"corpus": corpus.note, "documents": docs, "big_documents": big_docs,
                 "price_per_core_hour_usd": PRICE_PER_CORE_HOUR,
                 "local": {**local, **_rates(local["articles"], local["seconds"], 1)}}
    for c, r in runs.items():
        out[f"spark_local_{c}"] = {**r, **_rates(r["job"]["articles"], r["job"]["seconds"], c)}
        extra = r["big"]["articles"] - r["job"]["articles"]
        extra_s = r["big"]["seconds"] - r["job"]["seconds"]
        # On a busy machine the bigger job can finish sooner than the small one; no marginal rate then.
        out[f"spark_local_{c}"]["marginal"] = _rates(extra, extra_s, c) if extra_s > 1.0 else None
    one, two = out["spark_local_1"], out["spark_local_2"]
    out["scaling_1_to_2"] = round(two["articles_per_s"] / one["articles_per_s"], 2)
    if one["marginal"] and two["marginal"]:
        marginal = two["marginal"]["articles_per_s"] / one["marginal"]["articles_per_s"]
        out["scaling_1_to_2_marginal"] = round(marginal, 2)
    out["spark_vs_local_1_core"] = round(one["articles_per_s"] / out["local"]["articles_per_s"], 2)
    return out


def report(r: dict) -> str:
    """A markdown table: whole-job and marginal (steady-state) rates with the cost per million."""
    rows = [_row("local pipeline (1 core)", r["local"]["seconds"], r["local"])]
    for c in (1, 2):
        x = r[f"spark_local_{c}"]
        rows.append(_row(f"spark local[{c}], whole job", x["job"]["seconds"], x))
        extra = x["big"]["seconds"] - x["job"]["seconds"]
        if x["marginal"]:
            rows.append(_row(f"spark local[{c}], marginal", extra, x["marginal"]))
        else:
            rows.append([f"spark local[{c}], marginal", "n/a (machine too busy: re-run)", "", "", "", ""])
    header = ["run", "seconds", "articles/s", "per core", "core-h / 1M",
              f"$ / 1M at ${PRICE_PER_CORE_HOUR}/core-h"]
    return common.table(header, rows)


def _row(label: str, seconds: float, x: dict) -> list[str]:
    return [label, common.fmt(seconds), common.fmt(x["articles_per_s"], 1),
            common.fmt(x["articles_per_s_per_core"], 1), common.fmt(x["core_hours_per_million"], 1),
            f"${x['usd_per_million']:.2f}"]


if __name__ == "__main__":
    result = run()
    print(report(result))
    print(json.dumps(result, indent=1, ensure_ascii=False))
