"""Text layer benchmark: read + segment + normalise over the news corpus, against the text floor.

*Ours*: ``marsad.readers.read`` streams the JSONL, ``marsad.segment.segment`` carves each document into
articles, and each article's title and text go through ``marsad.text.normalize.normalize``.
*Floor*: one pass of ``normalize`` + ``words`` over every record's text preloaded in memory, the least
any Arabic pipeline does. Both run alternately in the same process; the ratio is ours/floor time.

Peak memory (VmHWM) of the streaming read + segment pass is taken in a fresh subprocess, over the
corpus and over a 10x copy of it (new ids): a streaming reader must stay flat as input grows.

Run: ``python benchmarks/bench_text.py``; ``run()`` returns the numbers for ``run_all.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import common

GOAL_RATE = 2000.0  # articles/s
GOAL_RATIO = 2.0  # ours/floor time
GOAL_RSS_MB = 300.0
SCALE = 10


def read_segment_normalise(path: Path) -> int:
    """The measured pass; returns the number of articles it produced."""
    from marsad.readers import ErrorLog, read
    from marsad.segment import segment
    from marsad.text.normalize import normalize

    n = 0
    for doc in read(path, errors=ErrorLog()):
        for article in segment(doc):
            normalize(article.title or "")
            normalize(article.text)
            n += 1
    return n


def rss_child(path: str) -> dict[str, float]:
    """In a fresh process: stream read + segment over ``path``; peak RSS and the baseline after imports."""
    from marsad.readers import ErrorLog, read
    from marsad.segment import segment

    base = common.rss_mb()
    t0 = time.perf_counter()
    docs = articles = 0
    for doc in read(path, errors=ErrorLog()):
        docs += 1
        articles += len(segment(doc))
    return {"baseline_mb": base, "peak_mb": common.peak_rss_mb(), "seconds": time.perf_counter() - t0,
            "documents": docs, "articles": articles}


def _memory() -> dict[str, dict[str, float]]:
    out = {"1x": common.child("bench_text", "rss_child", str(common.corpus().path))}
    with common.scaled_corpus(SCALE) as big:
        out[f"{SCALE}x"] = common.child("bench_text", "rss_child", str(big))
    return out


def run() -> dict:
    """Throughput and floor ratio (min/median of reps), the tokeniser pass, and peak RSS at 1x and 10x."""
    corpus = common.corpus()
    preloaded = common.texts(corpus.path)
    n_articles = read_segment_normalise(corpus.path)  # warm-up: compiles segmentation rules and char maps
    common.floor_pass(preloaded[:50])
    ours, floor = common.side_by_side(lambda: read_segment_normalise(corpus.path),
                                      lambda: common.floor_pass(preloaded))
    tokenize_s = common.timed(lambda: common.tokenize_pass(preloaded))
    n = corpus.records
    rate = common.throughput(n, ours)
    ratio = common.ratios(ours, floor)
    memory = _memory()
    peak = max(m["peak_mb"] for m in memory.values())
    return {
        "corpus": corpus.note, "records": n, "articles_out": n_articles, "reps": len(ours),
        "ours_s": common.stats(ours), "floor_s": common.stats(floor),
        "ours_rate": rate, "floor_rate": common.throughput(n, floor), "ratio": ratio,
        "tokenize_s": tokenize_s, "ours_over_tokenize": min(ours) / tokenize_s,
        "memory": memory,
        "goals": {
            f"throughput >= {GOAL_RATE:,.0f} articles/s": rate["best"] >= GOAL_RATE,
            f"within {GOAL_RATIO:g}x of the floor": ratio["min"] <= GOAL_RATIO,
            f"peak RSS < {GOAL_RSS_MB:g} MB at 1x and {SCALE}x": peak < GOAL_RSS_MB,
        },
    }


def markdown(res: dict) -> str:
    """Tables for RESULTS.md."""
    f = common.fmt
    speed = common.table(
        ["pass", "min s", "median s", "articles/s (best)", "articles/s (median)"],
        [
            common.speed_row("read + segment + normalise (ours)", res["ours_s"], res["ours_rate"]),
            common.speed_row("floor: normalize + words, preloaded", res["floor_s"], res["floor_rate"]),
            ["(info) normalize + tokenize, preloaded, 1 run", f(res["tokenize_s"], 3), "",
             f(res["records"] / res["tokenize_s"], 0), ""],
        ],
    )
    mem = common.table(
        ["input", "documents", "articles", "seconds", "RSS after imports MB", "peak RSS MB"],
        [[k, f"{int(m['documents']):,}", f"{int(m['articles']):,}", f(m["seconds"]), f(m["baseline_mb"], 1),
          f(m["peak_mb"], 1)] for k, m in res["memory"].items()],
    )
    r, goals = res["ratio"], common.goals_md(res["goals"])
    return (f"{speed}\n\nRatio ours/floor time: best/best {r['min']:.2f}, median/median {r['median']:.2f} "
            f"({res['reps']} reps). Ours / full tokenize pass: {res['ours_over_tokenize']:.2f}.\n\n"
            f"Streaming read + segment, fresh subprocess (peak RSS):\n\n{mem}\n\n{goals}")


def main() -> None:
    res = run()
    print(res["corpus"])
    print(markdown(res))


if __name__ == "__main__":
    main()
