"""Dev-time coverage check for the Arabic trigger lexicon (not part of the package).

For every gold event in ``train.jsonl`` it asks: does the evidence quote contain, after
``normalize_text`` and allowing one conjunction/preposition/article clitic prefix, any trigger form of
the gold type? It prints coverage per type, the most frequent words of uncovered evidence (to guide
additions of *general* forms), and how often triggers of other types fire inside the evidence
(ambiguity). Run it on train only; the dev set stays unseen.

    .venv/bin/python benchmarks/tools/mine_triggers.py [--train PATH] [--top 15] [--show 3] [--type T]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from marsad.text.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRAIN = ROOT.parent / "shared" / "eval" / "train.jsonl"
TRIGGERS = ROOT / "src" / "marsad" / "events" / "data" / "triggers.yaml"
# Clitics the runtime matcher adds itself: a conjunction, then a preposition and/or the article. Verb
# entries never take a bare ب/ك/ل (so "بحث" is not read as ب + "حث"); article-led clitics are allowed
# because verb entries also list their masdars ("الاعتراف", "بالإفراج").
NOUN_PREFIX = r"(?:[وف])?(?:بال|كال|لل|ال|[بلك])?"
VERB_PREFIX = r"(?:[وف])?(?:بال|كال|لل|ال)?"
STOP = set(
    normalize_text(w)
    for w in [
        "في",
        "من",
        "على",
        "الى",
        "إلى",
        "عن",
        "مع",
        "ان",
        "أن",
        "إن",
        "التي",
        "الذي",
        "و",
        "او",
        "أو",
        "ما",
        "لا",
        "هذا",
        "هذه",
    ]
)


def load_forms(path: Path) -> dict[str, dict[bool, set[str]]]:
    """Normalised trigger forms per event type, split into verb forms (True) and the rest (False)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    out: dict[str, dict[bool, set[str]]] = defaultdict(lambda: {True: set(), False: set()})
    for type_, entries in data.items():
        for entry in entries:
            out[type_][entry["pos"] == "verb"].update(normalize_text(f) for f in entry["forms"])
    return out


def _alternation(forms: set[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) or "(?!)"


def compile_types(forms: dict[str, dict[bool, set[str]]]) -> dict[str, re.Pattern[str]]:
    """One pattern per type, longest forms first, anchored on word boundaries."""
    pats = {}
    for type_, by_pos in forms.items():
        verbs, others = _alternation(by_pos[True]), _alternation(by_pos[False])
        pats[type_] = re.compile(rf"(?<!\w)(?:{VERB_PREFIX}(?:{verbs})|{NOUN_PREFIX}(?:{others}))(?!\w)")
    return pats


def gold_events(path: Path) -> list[tuple[str, str]]:
    """(type, normalised evidence) for every gold event with evidence."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            for ev in json.loads(line).get("events", []):
                if ev.get("evidence"):
                    rows.append((ev["type"], normalize_text(ev["evidence"])))
    return rows


def report(
    rows: list[tuple[str, str]], pats: dict[str, re.Pattern[str]], top: int, show: int, only: str | None
) -> None:
    """Print per-type coverage, uncovered words and cross-type firing."""
    total = Counter(t for t, _ in rows)
    hit: Counter[str] = Counter()
    other: Counter[str] = Counter()
    confus: dict[str, Counter[str]] = defaultdict(Counter)
    missed_words: dict[str, Counter[str]] = defaultdict(Counter)
    missed_examples: dict[str, list[str]] = defaultdict(list)
    for type_, ev in rows:
        pat = pats.get(type_)
        if pat is not None and pat.search(ev):
            hit[type_] += 1
        else:
            missed_words[type_].update(w for w in re.findall(r"\w+", ev) if w not in STOP and len(w) > 1)
            missed_examples[type_].append(ev)
        fired = [t for t, p in pats.items() if t != type_ and p.search(ev)]
        if fired:
            other[type_] += 1
            confus[type_].update(fired)
    n, h = sum(total.values()), sum(hit.values())
    amb = sum(other.values()) / n
    print(f"overall coverage {h}/{n} = {h / n:.1%}; other-type triggers fire in {amb:.1%}")
    print(f"{'type':10} {'n':>5} {'cover':>7} {'other':>7}  top confusions")
    for type_, cnt in total.most_common():
        conf = ", ".join(f"{t}:{c}" for t, c in confus[type_].most_common(3))
        print(f"{type_:10} {cnt:5d} {hit[type_] / cnt:7.1%} {other[type_] / cnt:7.1%}  {conf}")
    for type_, _ in total.most_common():
        if only and type_ != only:
            continue
        words = " ".join(f"{w}:{c}" for w, c in missed_words[type_].most_common(top))
        print(f"\n[{type_}] uncovered words: {words}")
        for ex in missed_examples[type_][:show]:
            print(f"   - {ex[:160]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    ap.add_argument("--triggers", type=Path, default=TRIGGERS)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--show", type=int, default=0, help="uncovered evidence examples per type")
    ap.add_argument("--type", dest="only", default=None)
    args = ap.parse_args()
    report(gold_events(args.train), compile_types(load_forms(args.triggers)), args.top, args.show, args.only)


if __name__ == "__main__":
    main()
