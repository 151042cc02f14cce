"""Date parsing benchmark: marsad.text.dates against dateparser on real, hand-labelled expressions.

``data/date_expressions.tsv`` holds date expressions taken from /work/shared/corpus/arabic_news.jsonl
(the articles' ``date`` field and expressions found in their texts), each labelled by hand with the
expected ISO date at its precision; relative and yearless expressions carry the article's publication
date as ``reference_date``. Hijri labels were looked up in the Umm al-Qura tables.

Accuracy = the parser's date, cut to the labelled precision, equals the label. Both parsers get the same
string and the same reference (dateparser: languages ['ar', 'en'], RELATIVE_BASE=reference).

Run: ``python benchmarks/bench_dates.py``; ``run()`` returns the numbers for a bench runner.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from marsad.text.dates import parse_date

DATA = Path(__file__).resolve().parent / "data" / "date_expressions.tsv"
_CUT = {"day": 10, "month": 7, "year": 4}

Row = tuple[str, dt.date | None, str, str]


def load(path: Path = DATA) -> list[Row]:
    """Rows of (expression, reference date or None, expected ISO, precision)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            (
                r["expression"],
                dt.date.fromisoformat(r["reference_date"]) if r["reference_date"] else None,
                r["expected_iso"],
                r["precision"],
            )
            for r in reader
        ]


def _marsad(expr: str, ref: dt.date | None) -> dt.date | None:
    m = parse_date(expr, ref)
    return None if m is None else m.value


def _dateparser() -> Callable[[str, dt.date | None], dt.date | None]:
    import dateparser  # dev-only dependency, imported here so the package never needs it

    def parse(expr: str, ref: dt.date | None) -> dt.date | None:
        settings = {} if ref is None else {"RELATIVE_BASE": dt.datetime(ref.year, ref.month, ref.day)}
        out = dateparser.parse(expr, languages=["ar", "en"], settings=settings)
        return None if out is None else out.date()

    return parse


def _score(fn: Callable[[str, dt.date | None], dt.date | None], rows: list[Row]) -> dict[str, float]:
    fn(rows[0][0], rows[0][1])  # warm-up: compile patterns / load language data
    correct = 0
    t0 = time.perf_counter()
    results = [fn(expr, ref) for expr, ref, _, _ in rows]
    seconds = time.perf_counter() - t0
    for got, (_, _, want, precision) in zip(results, rows, strict=True):
        correct += got is not None and got.isoformat()[: _CUT[precision]] == want
    return {"accuracy": correct / len(rows), "correct": correct, "strings_per_s": len(rows) / seconds}


def run() -> dict[str, dict[str, float]]:
    """Score both parsers on the labelled set; returns {"marsad": {...}, "dateparser": {...}, "n": ...}."""
    rows = load()
    out: dict[str, dict[str, float]] = {"marsad": _score(_marsad, rows)}
    with contextlib.suppress(ImportError):
        out["dateparser"] = _score(_dateparser(), rows)
    out["n"] = {"expressions": float(len(rows))}
    return out


def main() -> None:
    res = run()
    n = int(res["n"]["expressions"])
    print(f"{n} hand-labelled date expressions from arabic_news.jsonl")
    print(f"{'parser':<12}{'accuracy':>10}{'correct':>9}{'strings/s':>12}")
    for name in ("marsad", "dateparser"):
        if name in res:
            r = res[name]
            print(f"{name:<12}{r['accuracy']:>10.3f}{int(r['correct']):>9}{r['strings_per_s']:>12.0f}")


if __name__ == "__main__":
    main()
