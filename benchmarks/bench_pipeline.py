"""Full pipeline benchmark: read, segment, link and code the corpus with ``marsad.pipeline.process``.

Two modes: rules only (``use_model=False``) and with the shipped model (``use_model=True``). Each
repetition runs in a fresh subprocess (one core) that warms up on one document - so the KB compile and
the model load are not in the timed loop - then streams the whole corpus through ``read`` + ``process``;
the subprocess reports its time, the per-stage split (``Stats.seconds``; "read" is the remainder) and its
peak RSS. Right before each repetition the parent times the floor (``normalize`` + ``words`` over the
preloaded texts), so the ours/floor ratio compares runs made under the same machine load.

Model load: time of ``marsad.models.active_coder()`` (the coder the model mode runs) in a fresh subprocess.

Run: ``python benchmarks/bench_pipeline.py``; ``run()`` returns the numbers for ``run_all.py``.
"""

from __future__ import annotations

import time

import common

GOAL_RATE = 500.0  # articles/s
GOAL_RSS_MB = 1024.0
MODES = {"rules": "0", "model": "1"}
BUDGET_S = 90.0  # per mode: no new repetition starts after this much time
COUNTS = ("documents", "articles", "headlines", "mentions", "events", "errors")


def pipe_child(path: str, use_model: str) -> dict:
    """In a fresh process: warm up on one document, then time read + process over ``path``."""
    from marsad.pipeline import Stats, process
    from marsad.readers import ErrorLog, read

    um = use_model == "1"
    first = next(iter(read(path, errors=ErrorLog())))
    process(first, use_model=um)  # warm-up: KB automaton, lexicons, model
    stats = Stats()
    t0 = time.perf_counter()
    for doc in read(path, errors=ErrorLog()):
        process(doc, stats, use_model=um)
    total = time.perf_counter() - t0
    stages = dict(stats.seconds)
    stages = {"read": max(total - sum(stages.values()), 0.0), **stages}
    return {"seconds": total, "stages": stages, "documents": stats.documents, "articles": stats.articles,
            "headlines": stats.headlines, "mentions": stats.mentions, "events": stats.events,
            "errors": stats.errors, "peak_mb": common.peak_rss_mb()}


def model_child() -> dict[str, float]:
    """In a fresh process: time and RSS of loading the model in use; ``present`` is 0 when there is none."""
    from marsad.models import active_coder

    before = common.rss_mb()
    t0 = time.perf_counter()
    coder = active_coder()
    return {"seconds": time.perf_counter() - t0, "present": float(coder is not None),
            "rss_delta_mb": common.rss_mb() - before}


def _mode(preloaded: list[str], use_model: str) -> dict:
    path = str(common.corpus().path)
    common.floor_pass(preloaded[:50])
    floor: list[float] = []
    runs: list[dict] = []
    spent = 0.0
    for _ in range(common.REPS):
        if runs and spent > BUDGET_S:  # keep `make bench` within minutes if the code gets slow
            break
        floor.append(common.timed(lambda: common.floor_pass(preloaded)))
        t0 = time.perf_counter()
        runs.append(common.child("bench_pipeline", "pipe_child", path, use_model))
        spent += time.perf_counter() - t0
    ours = [r["seconds"] for r in runs]
    n = common.corpus().records
    best = runs[ours.index(min(ours))]
    share = {k: v / best["seconds"] for k, v in best["stages"].items()}
    rate = common.throughput(n, ours)
    return {"reps": len(runs), "ours_s": common.stats(ours), "floor_s": common.stats(floor),
            "ours_rate": rate,
            "floor_rate": common.throughput(n, floor), "ratio": common.ratios(ours, floor),
            "share": share, "peak_mb": max(r["peak_mb"] for r in runs),
            "counts": {k: best[k] for k in COUNTS}}


def run() -> dict:
    """Both modes beside the floor, per-stage shares, peak RSS, and model load time."""
    corpus = common.corpus()
    preloaded = common.texts(corpus.path)
    modes = {name: _mode(preloaded, flag) for name, flag in MODES.items()}
    loads = [common.child("bench_pipeline", "model_child") for _ in range(common.REPS)]
    goals: dict[str, bool] = {}
    for name, m in modes.items():
        goals[f"{name}: >= {GOAL_RATE:,.0f} articles/s"] = m["ours_rate"]["best"] >= GOAL_RATE
        goals[f"{name}: peak RSS < 1 GB"] = m["peak_mb"] < GOAL_RSS_MB
    return {
        "corpus": corpus.note, "records": corpus.records, "reps": common.REPS, "modes": modes,
        "model_load_s": common.stats([x["seconds"] for x in loads]),
        "model_rss_delta_mb": common.stats([x["rss_delta_mb"] for x in loads]),
        "model_present": all(x["present"] for x in loads), "goals": goals,
    }


def markdown(res: dict) -> str:
    """Tables for RESULTS.md."""
    f = common.fmt
    rows = []
    for name, m in res["modes"].items():
        label = f"pipeline, {name} ({m['reps']} reps)"
        rows.append([*common.speed_row(label, m["ours_s"], m["ours_rate"], 2),
                     f"{m['ratio']['min']:.1f} / {m['ratio']['median']:.1f}", f(m["peak_mb"], 1)])
        rows.append([*common.speed_row(f"floor (beside {name})", m["floor_s"], m["floor_rate"]), "1", ""])
    speed = common.table(["pass", "min s", "median s", "articles/s (best)", "articles/s (median)",
                          "ours/floor best / median", "peak RSS MB"], rows)
    stages = ["read", "segment", "link", "code"]
    share = common.table(["mode", *stages, "articles", "headlines", "mentions", "events", "errors"],
                         [[name, *(f"{m['share'][s]:.0%}" for s in stages),
                           *(f"{m['counts'][k]:,}" for k in ("articles", "headlines", "mentions", "events",
                                                             "errors"))]
                          for name, m in res["modes"].items()])
    load = (f"Model load (fresh subprocess, `marsad.models.active_coder()`): "
            f"min {res['model_load_s']['min']:.3f} s, "
            f"median {res['model_load_s']['median']:.3f} s, RSS +{res['model_rss_delta_mb']['median']:.1f} MB"
            + ("" if res["model_present"] else " - NO SHIPPED MODEL: the model mode ran rules only"))
    goals = common.goals_md(res["goals"])
    return (f"{speed}\n\nShare of time per stage (fastest repetition):\n\n{share}\n\n{load}.\n\n{goals}")


def main() -> None:
    res = run()
    print(res["corpus"])
    print(markdown(res))


if __name__ == "__main__":
    main()
