"""Actor linking benchmark: ``marsad.link.link`` over the segmented corpus, against the text floor.

*Ours*: link every segmented article (articles and title-only headlines), segmentation done beforehand
so only linking is timed. *Floor*: ``normalize`` + ``words`` over every record's text preloaded in memory
(see ``common.floor_pass``). Both alternate in the same process; the ratio is ours/floor time.

KB compile: in a fresh subprocess (no warm caches), the time and RSS delta of
``marsad.kb.matcher.compiled()`` + ``marsad.link._index()`` - load the YAML knowledge base and build the
Aho-Corasick automaton and the office-holder index - repeated in separate processes.

Run: ``python benchmarks/bench_link.py``; ``run()`` returns the numbers for ``run_all.py``.
"""

from __future__ import annotations

import time

import common

GOAL_RATE = 1500.0  # articles/s
GOAL_COMPILE_S = 2.0
GOAL_COMPILE_MB = 300.0


def kb_child() -> dict[str, float]:
    """In a fresh process: import time, then KB compile time and the RSS it adds."""
    t0 = time.perf_counter()
    import marsad.kb.matcher
    import marsad.link

    t1 = time.perf_counter()
    before = common.rss_mb()
    marsad.kb.matcher.compiled()
    marsad.link._index()
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "compile_s": t2 - t1, "rss_before_mb": before,
            "rss_delta_mb": common.rss_mb() - before, "peak_delta_mb": common.peak_rss_mb() - before,
            "peak_mb": common.peak_rss_mb()}


def _segmented() -> list:
    from marsad.readers import ErrorLog, read
    from marsad.segment import segment

    return [a for doc in read(common.corpus().path, errors=ErrorLog()) for a in segment(doc)]


def _link_all(articles: list) -> None:
    from marsad.link import link

    for article in articles:
        link(article)


def run() -> dict:
    """Linking throughput beside the floor (min/median of reps) and KB compile time/memory."""
    corpus = common.corpus()
    preloaded = common.texts(corpus.path)
    articles = _segmented()
    _link_all(articles[:20])  # warm-up: compiles the KB (measured separately below)
    common.floor_pass(preloaded[:50])
    ours, floor = common.side_by_side(lambda: _link_all(articles), lambda: common.floor_pass(preloaded))
    n = corpus.records
    rate = common.throughput(n, ours)
    kb = [common.child("bench_link", "kb_child") for _ in range(common.REPS)]
    compile_s = [k["compile_s"] for k in kb]
    delta = [k["rss_delta_mb"] for k in kb]
    peak_delta = [k["peak_delta_mb"] for k in kb]
    return {
        "corpus": corpus.note, "records": n, "articles_linked": len(articles), "reps": len(ours),
        "ours_s": common.stats(ours), "floor_s": common.stats(floor),
        "ours_rate": rate, "floor_rate": common.throughput(n, floor), "ratio": common.ratios(ours, floor),
        "kb_compile_s": common.stats(compile_s), "kb_rss_delta_mb": common.stats(delta),
        "kb_peak_delta_mb": common.stats(peak_delta),
        "kb_import_s": common.stats([k["import_s"] for k in kb]),
        "kb_peak_mb": max(k["peak_mb"] for k in kb),
        "goals": {
            f"linking >= {GOAL_RATE:,.0f} articles/s": rate["best"] >= GOAL_RATE,
            f"KB compile < {GOAL_COMPILE_S:g} s": min(compile_s) < GOAL_COMPILE_S,
            f"KB compile < {GOAL_COMPILE_MB:g} MB (peak delta)": max(peak_delta) < GOAL_COMPILE_MB,
        },
    }


def markdown(res: dict) -> str:
    """Tables for RESULTS.md."""
    f = common.fmt
    speed = common.table(
        ["pass", "min s", "median s", "articles/s (best)", "articles/s (median)"],
        [
            common.speed_row(f"link ({res['articles_linked']:,} segmented articles, ours)", res["ours_s"],
                             res["ours_rate"]),
            common.speed_row("floor: normalize + words, preloaded", res["floor_s"], res["floor_rate"]),
        ],
    )
    kb = common.table(
        ["fresh subprocess", "min", "median"],
        [
            ["import marsad.kb.matcher + marsad.link, s", f(res["kb_import_s"]["min"], 3),
             f(res["kb_import_s"]["median"], 3)],
            ["KB compile (YAML + automaton + holder index), s", f(res["kb_compile_s"]["min"], 3),
             f(res["kb_compile_s"]["median"], 3)],
            ["RSS added by the compile (after it), MB", f(res["kb_rss_delta_mb"]["min"], 1),
             f(res["kb_rss_delta_mb"]["median"], 1)],
            ["peak RSS during the compile minus RSS before, MB", f(res["kb_peak_delta_mb"]["min"], 1),
             f(res["kb_peak_delta_mb"]["median"], 1)],
        ],
    )
    r = res["ratio"]
    goals = common.goals_md(res["goals"])
    return (f"{speed}\n\nRatio ours/floor time: best/best {r['min']:.2f}, median/median {r['median']:.2f} "
            f"({res['reps']} reps).\n\n{kb}\n\n"
            f"Peak RSS of the compile subprocess: {res['kb_peak_mb']:.1f} MB.\n\n{goals}")


def main() -> None:
    res = run()
    print(res["corpus"])
    print(markdown(res))


if __name__ == "__main__":
    main()
