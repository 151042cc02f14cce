"""Story deduplication benchmark: calibration of the threshold and shingle size, and clustering speed.

*Calibration* (a constructed experiment on the corpus): ``COPIES`` articles of at least ``MIN_WORDS``
words are copied the way republishers copy (``edit``): 2% of the words replaced by corpus words, the
paragraphs shuffled, a new headline line (another article's title) put on top, and outlet boilerplate
lines ("المصدر: ...", "تابعونا على ...", "اقرأ أيضا: ...") added. *Distinct stories on one topic*: pairs
of corpus articles whose main actor (the KB person, else any KB actor, that ``marsad.link`` finds most
often in the article) is the same. For each shingle size and threshold the table gives

* copy recall: copies that ``StoryIndex`` put in their original's story, after all originals were added;
* same-actor pairs over the threshold (MinHash estimate), out of all such pairs;
* originals merged: corpus articles that joined another article's story (real republications in the
  corpus count here too; the biggest are listed so a reader can judge them).

*Throughput*: ``signature`` + ``StoryIndex.add`` with the defaults over every corpus text (preloaded),
alternating with the text floor (``normalize`` + ``words``); and a 100,000-article scale-up (the corpus
repeated with the copy edits, generated on the fly, only signature + add timed) in a fresh process whose
peak RSS (``ru_maxrss``) includes the whole index. Goal: >= 2,000 articles/s.

Run: ``python benchmarks/bench_dedup.py``; ``run()`` returns the numbers for ``run_all.py``.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import numpy as np

import common

GOAL_RATE = 2000.0  # articles/s
COPIES = 600
MIN_WORDS = 60
EDIT_RATE = 0.02
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
SHINGLE_SIZES = (3, 5)
MAX_PAIRS = 20_000
SCALE_N = 100_000
BOILERPLATE = (
    "المصدر: {outlet}",
    "تابعونا على فيسبوك وتويتر وتيليغرام لمتابعة آخر الأخبار",
    "اقرأ أيضا: {other}",
    "جميع الحقوق محفوظة © {outlet} 2024",
)


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def edit(rec: dict, others: list[dict], vocab: list[str], rng: random.Random) -> str:
    """A republished copy of ``rec``'s text: new headline, shuffled paragraphs, 2% edits, boilerplate."""
    paras = [p for p in rec["text"].split("\n") if p.strip()]
    if paras and rec.get("title") and paras[0].strip() == rec["title"].strip():
        paras = paras[1:]
    rng.shuffle(paras)
    toks = "\n".join(paras).split(" ")
    for i in rng.sample(range(len(toks)), max(1, round(EDIT_RATE * len(toks)))):
        toks[i] = rng.choice(vocab)
    other = rng.choice(others)
    outlet = rec.get("outlet") or "وكالة الأنباء"
    lines = [other.get("title") or "عاجل", " ".join(toks)]
    lines += [b.format(outlet=outlet, other=rng.choice(others).get("title") or "") for b in BOILERPLATE]
    return "\n".join(lines)


def main_actor(text: str) -> str | None:
    """The KB person named most often in the text, else the KB actor named most often."""
    from marsad.link import link_text

    _, mentions = link_text(text)
    people = Counter(m.kb_id for m in mentions if m.kb_id and m.kind == "person")
    anyone = Counter(m.kb_id for m in mentions if m.kb_id)
    top = people or anyone
    return top.most_common(1)[0][0] if top else None


def same_actor_pairs(records: list[dict], rng: random.Random) -> list[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        actor = main_actor(rec["text"])
        if actor:
            groups[actor].append(i)
    pairs = [p for members in groups.values() for p in combinations(members, 2)]
    return rng.sample(pairs, MAX_PAIRS) if len(pairs) > MAX_PAIRS else pairs


def calibrate(records: list[dict]) -> dict:
    from marsad.dedup.stories import StoryIndex, jaccard, signature

    rng = random.Random(7)
    vocab = [w for rec in rng.sample(records, 200) for w in rec["text"].split()]
    eligible = [i for i, r in enumerate(records) if len(r["text"].split()) >= MIN_WORDS]
    picked = rng.sample(eligible, min(COPIES, len(eligible)))
    copies = [(i, edit(records[i], records, vocab, rng)) for i in picked]
    pairs = same_actor_pairs(records, rng)
    rows = []
    for k in SHINGLE_SIZES:
        orig = [signature(r["text"], k=k) for r in records]
        copy_sigs = [signature(text, k=k) for _, text in copies]
        pair_sims = np.array([jaccard(orig[a], orig[b]) for a, b in pairs])
        copy_sims = np.array([jaccard(orig[i], s) for (i, _), s in zip(copies, copy_sigs, strict=True)])
        for t in THRESHOLDS:
            index = StoryIndex(threshold=t)
            for rec, sig in zip(records, orig, strict=True):
                index.add(rec["id"], sig)
            merged = [rec["id"] for rec in records if index.story_of(rec["id"]) != f"story:{rec['id']}"]
            hits = sum(index.add(f"copy:{n}", s) == index.story_of(records[i]["id"])
                       for n, ((i, _), s) in enumerate(zip(copies, copy_sigs, strict=True)))
            rows.append({"k": k, "threshold": t, "copy_recall": hits / len(copies),
                         "copy_sim_over": float((copy_sims >= t).mean()),
                         "pairs_over": int((pair_sims >= t).sum()), "pairs": len(pairs),
                         "originals_merged": len(merged), "merged_examples": merged[:6]})
        rows[-1]["copy_sim_quantiles"] = [float(q) for q in np.quantile(copy_sims, [0.01, 0.05, 0.5])]
        rows[-1]["pair_sim_max"] = float(pair_sims.max()) if len(pairs) else 0.0
    return {"copies": len(copies), "pairs": len(pairs), "rows": rows}


def cluster_pass(texts: list[str]) -> None:
    from marsad.dedup.stories import StoryIndex, signature

    index = StoryIndex()
    for n, text in enumerate(texts):
        index.add(str(n), signature(text))


def edited_stream(path: str, n: int) -> Iterator[str]:
    """The corpus, then edited copies of it (fresh edits each round), up to ``n`` texts."""
    records = load(Path(path))
    rng = random.Random(11)
    vocab = [w for rec in rng.sample(records, min(200, len(records))) for w in rec["text"].split()]
    count = 0
    for rnd in range(n // len(records) + 1):
        for rec in records:
            if count >= n:
                return
            yield rec["text"] if rnd == 0 else edit(rec, records, vocab, rng)
            count += 1


def scale_child(path: str, n: str) -> dict[str, float]:
    """In a fresh process: signature + add over ``n`` texts; only those calls are timed."""
    from marsad.dedup.stories import StoryIndex, signature

    base = common.rss_mb()
    index = StoryIndex()
    spent = 0.0
    count = 0
    for text in edited_stream(path, int(n)):
        t0 = time.perf_counter()
        index.add(str(count), signature(text))
        spent += time.perf_counter() - t0
        count += 1
    stories = len({index.story_of(str(i)) for i in range(count)})
    return {"articles": count, "seconds": spent, "rate": count / spent, "stories": stories,
            "baseline_mb": base, "peak_mb": common.peak_rss_mb()}


def run() -> dict:
    corpus = common.corpus()
    records = load(corpus.path)
    texts = [r["text"] for r in records]
    calib = calibrate(records)
    ours, floor = common.side_by_side(lambda: cluster_pass(texts), lambda: common.floor_pass(texts))
    scale = common.child("bench_dedup", "scale_child", str(corpus.path), str(SCALE_N), timeout=1200)
    return {"note": corpus.note, "records": len(records), "calibration": calib,
            "seconds": common.stats(ours), "rate": common.throughput(len(texts), ours),
            "floor_rate": common.throughput(len(texts), floor), "ratio": common.ratios(ours, floor),
            "scale": scale, "goal_met": min(common.throughput(len(texts), ours)["best"], scale["rate"])
            >= GOAL_RATE}


def report(res: dict) -> str:
    cal = res["calibration"]
    rows = [[str(r["k"]), f"{r['threshold']:.1f}", f"{r['copy_recall']:.3f}", f"{r['copy_sim_over']:.3f}",
             f"{r['pairs_over']} / {r['pairs']}", str(r["originals_merged"])] for r in cal["rows"]]
    out = [f"## Story deduplication ({res['note']})", "",
           f"Calibration: {cal['copies']} edited copies, {cal['pairs']} same-main-actor article pairs.", "",
           common.table(["k", "threshold", "copy recall (index)", "copies with est. J >= t",
                         "same-actor pairs >= t", "originals merged"], rows), ""]
    for r in cal["rows"]:
        if "copy_sim_quantiles" in r:
            q = r["copy_sim_quantiles"]
            out.append(f"k={r['k']}: copy similarity 1%/5%/50% quantiles {q[0]:.2f}/{q[1]:.2f}/{q[2]:.2f}; "
                       f"max same-actor pair {r['pair_sim_max']:.2f}")
    default = next(r for r in cal["rows"] if r["k"] == 3 and r["threshold"] == 0.7)
    out.append(f"Originals merged at k=3, t=0.7 (first ids): {', '.join(default['merged_examples']) or '-'}")
    sc = res["scale"]
    out += ["", common.table(["pass", "min s", "median s", "best art/s", "median art/s"], [
        common.speed_row("signature + add (corpus)", res["seconds"], res["rate"]),
        ["floor (normalize + words)", "", "", common.fmt(res["floor_rate"]["best"], 0),
         common.fmt(res["floor_rate"]["median"], 0)]]), "",
        f"Ratio to floor (time): min {res['ratio']['min']:.2f}, median {res['ratio']['median']:.2f}.",
        f"Scale-up: {sc['articles']:,} articles in {sc['seconds']:.1f} s = {sc['rate']:,.0f} articles/s, "
        f"{sc['stories']:,} stories; peak RSS {sc['peak_mb']:.0f} MB "
        f"(after imports {sc['baseline_mb']:.0f} MB).",
        f"Goal >= {GOAL_RATE:,.0f} articles/s: {common.verdict(res['goal_met'])}."]
    return "\n".join(out)


if __name__ == "__main__":
    print(report(run()))
