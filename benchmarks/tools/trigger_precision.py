"""Dev-time precision of each trigger lemma on the training set (not part of the package).

``mine_triggers.py`` asks whether the lexicon *covers* the gold evidence; this asks the other question:
when a lemma fires in a sentence, how often does the article's gold hold an event of the lemma's type
told in that sentence? It runs the coder's own sentence split (``marsad.events.units``) and matcher
(``marsad.events.lexicon.trigger_hits``) over every train article, so a row counts what the coder sees.
A lemma is counted once per sentence.

The figure is a lower bound: an event told in three sentences has one gold evidence span, so the other
two count as misses. It shows where the rule candidates come from and which lemmas annotators never
code as their type (e.g. on 2026-12-02: AID "أسلحة" 6 of 107 sentences, AID "دعم مادي" 31 of 249). The
trained models see the lemma as a feature, so a weak lemma costs the learned coder less than the rules.
Run it on train only; the dev set stays unseen.

    .venv/bin/python benchmarks/tools/trigger_precision.py [--train PATH] [--type AID] [--min-hits 10]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from marsad.events.lexicon import trigger_hits
from marsad.events.units import units
from marsad.pipeline import text_document
from marsad.segment import segment
from marsad.text.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRAIN = ROOT.parent / "shared" / "eval" / "train.jsonl"
PROBE = 40  # characters of an evidence quote (or of a sentence) looked up in the other

Lemma = tuple[str, str]  # (type, lemma)


def sentence_lemmas(record: dict) -> Iterator[tuple[set[Lemma], set[Lemma]]]:
    """For each sentence of a gold record: the lemmas firing in it and those its gold events confirm."""
    evidence = [(e["type"], normalize_text(e["evidence"])) for e in record["events"] if e.get("evidence")]
    text = f"{record.get('title') or ''}\n\n{record['text']}"
    for article in segment(text_document(text, None, record["id"])):
        for unit in units(article):
            norm = unit.norm.text
            fired = {(t.type, t.lemma) for hit in trigger_hits(norm) for t in hit.payloads}
            told = {etype for etype, quote in evidence if quote[:PROBE] in norm or norm[:PROBE] in quote}
            yield fired, {lemma for lemma in fired if lemma[0] in told}


def count(train: Path) -> tuple[Counter[Lemma], Counter[Lemma]]:
    fired_total: Counter[Lemma] = Counter()
    right_total: Counter[Lemma] = Counter()
    with train.open(encoding="utf-8") as fh:
        for line in fh:
            for fired, right in sentence_lemmas(json.loads(line)):
                fired_total.update(fired)
                right_total.update(right)
    return fired_total, right_total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    ap.add_argument("--type", dest="only", default=None, help="one PLOVER type, e.g. AID")
    ap.add_argument("--min-hits", type=int, default=10, help="leave out lemmas firing in fewer sentences")
    args = ap.parse_args()
    fired, right = count(args.train)
    print("sentences\tconfirmed\tprecision\ttype\tlemma")
    for (etype, lemma), n in fired.most_common():
        if n >= args.min_hits and (args.only is None or etype == args.only):
            ok = right[(etype, lemma)]
            print(f"{n}\t{ok}\t{ok / n:.2f}\t{etype}\t{lemma}")


if __name__ == "__main__":
    main()
