"""Dev-time coverage check for the Arabic trigger lexicon (not part of the package).

For every gold event in ``train.jsonl`` it asks: does the evidence quote contain, after
``normalize_text`` and allowing the proclitics the runtime matcher allows, any trigger form of
the gold type? It mirrors the runtime matcher's clitic rules (proclitics, no implicit article, pronoun
suffixes such as "إدانته"). It prints
coverage per type, the most frequent words of uncovered evidence (to guide additions of *general* forms),
and how often triggers of other types fire inside the evidence (ambiguity), once for all forms and once
for "strong" forms only (weight >= 0.5 and not ``anaphoric``), since weak and anaphoric forms are
discounted by the coder. Run it on train only; the dev set stays unseen.

    .venv/bin/python benchmarks/tools/mine_triggers.py [--train PATH] [--top 15] [--show 3] [--type T]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from marsad.text.normalize import normalize_text
from marsad.yaml_data import load_yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRAIN = ROOT.parent / "shared" / "eval" / "train.jsonl"
TRIGGERS = ROOT / "src" / "marsad" / "events" / "data" / "triggers.yaml"
# Proclitics the runtime matcher accepts (marsad.text.phrases.PROCLITICS): a conjunction, then a
# preposition or the future prefix. The article is NOT added at run time: a form matches "ال..." only when
# it is listed with its article (then its "لل" spelling is added too, see load_forms). Verb entries never
# take a bare ب/ك/ل (marsad.events.lexicon.VERB_PROCLITICS), so "بحث" is not read as ب + "حث".
NOUN_PREFIX = r"(?:[وف]?(?:لل|[بلكس])?)"
VERB_PREFIX = r"(?:[وف]?(?:لل|س)?)"
# Pronoun suffixes the runtime matcher accepts after a form (marsad.text.phrases.PRONOUN_SUFFIXES).
SUFFIX = r"(?:يها|يهم|هما|ها|هم|هن|كم|نا|ني|يه|ه|ي|ك)?"
STRONG_WEIGHT = 0.5
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


def load_forms(path: Path, strong_only: bool = False) -> dict[str, dict[bool, set[str]]]:
    """Normalised trigger forms per event type, split into verb forms (True) and the rest (False).

    ``strong_only`` keeps the forms a coder would trust on their own: weight >= 0.5 and not anaphoric
    (a definite noun that usually refers back to an event reported earlier).
    """
    data = load_yaml(path.read_text("utf-8"))
    out: dict[str, dict[bool, set[str]]] = defaultdict(lambda: {True: set(), False: set()})
    for type_, entries in data.items():
        for entry in entries:
            if strong_only and (entry.get("anaphoric") or entry["weight"] < STRONG_WEIGHT):
                continue
            forms = {normalize_text(f) for f in entry["forms"]}
            forms |= {"ل" + f[1:] for f in forms if f.startswith("ال") and len(f) > 3}
            out[type_][entry["pos"] == "verb"].update(forms)
    return out


def _alternation(forms: set[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) or "(?!)"


def anaphoric_forms(path: Path) -> set[str]:
    """Normalised forms of ``anaphoric`` entries, with the "لل" spelling the runtime matcher adds."""
    data = load_yaml(path.read_text("utf-8"))
    forms = {
        normalize_text(f)
        for entries in data.values()
        for e in entries
        if e.get("anaphoric")
        for f in e["forms"]
    }
    return forms | {"ل" + f[1:] for f in forms if f.startswith("ال")}


def compile_types(
    forms: dict[str, dict[bool, set[str]]], exclude: set[str] | None = None
) -> dict[str, re.Pattern[str]]:
    """One pattern per type, longest forms first, anchored on word boundaries.

    ``exclude``: whole words (after و ف ب ك) that never count, because at run time the longer anaphoric
    form wins the leftmost-longest match ("الاتفاق" is the anaphoric entry, not ال + "اتفاق").
    """
    guard = rf"(?!{NOUN_PREFIX}(?:{_alternation(exclude)}){SUFFIX}(?!\w))" if exclude else ""
    pats = {}
    for type_, by_pos in forms.items():
        verbs, others = _alternation(by_pos[True]), _alternation(by_pos[False])
        body = rf"(?:{VERB_PREFIX}(?:{verbs})|{NOUN_PREFIX}(?:{others}))"
        pats[type_] = re.compile(rf"(?<!\w){guard}{body}{SUFFIX}(?!\w)")
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
    rows: list[tuple[str, str]],
    pats: dict[str, re.Pattern[str]],
    strong: dict[str, re.Pattern[str]],
    opts: argparse.Namespace,
) -> None:
    """Print per-type coverage, uncovered words and cross-type firing (all forms and strong forms)."""
    top, show, only = opts.top, opts.show, opts.only
    total = Counter(t for t, _ in rows)
    hit: Counter[str] = Counter()
    other: Counter[str] = Counter()
    other_strong: Counter[str] = Counter()
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
        if any(t != type_ and p.search(ev) for t, p in strong.items()):
            other_strong[type_] += 1
    n, h = sum(total.values()), sum(hit.values())
    amb, amb_strong = sum(other.values()) / n, sum(other_strong.values()) / n
    print(
        f"overall coverage {h}/{n} = {h / n:.1%}; other-type triggers fire in {amb:.1%} "
        f"(strong forms only: {amb_strong:.1%})"
    )
    print(f"{'type':10} {'n':>5} {'cover':>7} {'other':>7} {'strong':>7}  top confusions")
    for type_, cnt in total.most_common():
        conf = ", ".join(f"{t}:{c}" for t, c in confus[type_].most_common(3))
        print(
            f"{type_:10} {cnt:5d} {hit[type_] / cnt:7.1%} {other[type_] / cnt:7.1%} "
            f"{other_strong[type_] / cnt:7.1%}  {conf}"
        )
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
    pats = compile_types(load_forms(args.triggers))
    strong = compile_types(load_forms(args.triggers, strong_only=True), anaphoric_forms(args.triggers))
    report(gold_events(args.train), pats, strong, args)


if __name__ == "__main__":
    main()
