"""Arabic (and English) date expressions: find them in text, resolve them to calendar dates.

Why one big regex: news text is long and dates are rare, so the fast path is C-level scanning. All word
lists (month names of Egypt/Gulf, Levant and Maghreb, Hijri months, weekdays, ordinal and number words,
relative words) live in ``data/dates.yaml`` and are compiled once, as character tries, into a gate (stdlib
``re``: word starts whose word can open a date) and one ``regex`` pattern whose top-level branches are
named ``b_<kind>``, matched only at gate hits. Python code runs per candidate/match, never per token, to
turn captures into a date (~4M characters/s on the news corpus).

Matching runs on normalised text (``marsad.text.normalize``), so hamza/alef/ta-marbuta spelling variants,
diacritics, tatweel and Arabic-Indic digits need no special handling; spans are mapped back to the
original text.

Conventions (documented choices):

* Day-first numeric dates (``26/7/2015``), as written in Arabic news; a first field > 12 with a second
  field <= 12 is read the same way, a second field > 12 swaps to month-first.
* A numeric or bare year in 1300-1500 next to ``هـ`` or in a numeric date is a Hijri year.
* Yearless dates ("في 9 مايو") and bare months after a cue word ("في مارس") are relative: the year is
  chosen so the date lies nearest to the reference date (ties go to the past).
* A bare weekday is the most recent such day on or before the reference; with الماضي strictly before,
  with المقبل/القادم strictly after.
* Weeks run Saturday to Friday (the common Arab office week). "الأسبوع الماضي/المقبل/الجاري" resolves to
  that week: month precision (first of the month) when the whole week lies in one month, else day
  precision on the week's Saturday.
* Hijri month or year precision keeps ``value`` = the Gregorian date of the Hijri period's first day,
  so ``iso()`` is approximate for those.
* Month names that are also common words or names (ماي = Theresa May, آب = "father" after folding, and
  every Hijri month: رجب, رمضان, صفر ...) need a day or a year next to them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import regex
from hijridate import Gregorian, Hijri

from marsad.text.normalize import NormText, normalize, normalize_text
from marsad.yaml_data import load_yaml

__all__ = ["DateMatch", "find_dates", "parse_date"]

#: Plausible Gregorian years for a textual or numeric date (older history is still quoted in news).
MIN_YEAR, MAX_YEAR = 1000, 2200
#: Years in this range inside a numeric date are read as Hijri (no Gregorian news date is in it).
HIJRI_NUMERIC_YEARS = (1300, 1500)
#: Bare years after "في", "منذ", "أواخر" ... must look modern: "في 2803" is a count, not a year.
BARE_YEARS = (1900, 2099)


@dataclass(slots=True, frozen=True)
class DateMatch:
    """One date expression; ``value`` is the first day of the period for month/year precision."""

    start: int
    end: int
    text: str
    value: dt.date
    precision: str
    time: dt.time | None = None
    tz: str | None = None
    relative: bool = False
    calendar: str = "gregorian"

    def iso(self) -> str:
        """ISO 8601 string truncated to the precision ("2024-12-02", "2024-12", "2024")."""
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


# ---------------------------------------------------------------------------------------------- grammar


def _key(s: str) -> str:
    """Lookup key for a matched word: normalised, lower-cased, single-spaced."""
    return " ".join(normalize_text(s).lower().split())


def _alt(words: Iterable[str]) -> str:
    """Regex for a set of words, as a character trie (longest match first).

    Why a trie: a flat alternation of ~100 names is retried word by word at every word start, which
    made the scan 5x slower; a trie checks each character once. Any whitespace run separates the words
    of a phrase.
    """
    trie: dict[str, Any] = {}
    for key in {_key(w) for w in words}:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    branches = [
        (r"\s+" if ch == " " else regex.escape(ch)) + _trie_regex(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


def _index(table: dict[Any, list[str]]) -> dict[str, int]:
    return {_key(w): int(k) for k, words in table.items() for w in words}


@dataclass(slots=True, frozen=True)
class _Grammar:
    gate: re.Pattern[str]
    pattern: regex.Pattern[str]
    months: dict[str, int]
    hijri: dict[str, int]
    weekdays: dict[str, int]
    ordinals: dict[str, int]
    numbers: dict[str, int]
    units: dict[str, tuple[str, str]]  # word -> (unit, form)
    directions: dict[str, int]
    rel_days: dict[str, int]
    periods: dict[str, str]
    period_mods: dict[str, int]
    weekday_mods: dict[str, int]
    time_of_day: dict[str, int]


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("marsad.text").joinpath("data/dates.yaml").read_text("utf-8")
    return load_yaml(raw)


def _pieces(d: dict[str, Any]) -> dict[str, str]:
    """Named sub-patterns shared by the branches."""
    all_months = [w for ws in d["gregorian_months"].values() for w in ws]
    ambiguous = {_key(w) for w in d["ambiguous_months"]}
    arabic_wd = [w for ws in d["weekdays"].values() for w in ws if not w.isascii()]
    p: dict[str, str] = {
        # Word start, a proclitic (و ف ب ل) allowed before it and kept out of the span by \K. Used by
        # tests and tools that scan with ``pattern`` alone; find_dates gets word starts from the gate.
        "LB": r"(?<![^\W_])(?:[وفبل]{1,2}\K)?",
        "RB": r"(?![^\W_])",
        "NLB": r"(?<![\d/.:\-])",
        "MON": _alt(all_months),
        "UMON": _alt(w for w in all_months if _key(w) not in ambiguous),
        "HMON": _alt(w for ws in d["hijri_months"].values() for w in ws),
        "WD": _alt(w for ws in d["weekdays"].values() for w in ws),
        "AWD": _alt(arabic_wd),
        "ORD": _alt(w for ws in d["ordinal_days"].values() for w in ws),
        "NUMW": _alt(w for ws in d["number_words"].values() for w in ws),
        "UNIT": _alt(w for forms in d["duration_units"].values() for ws in forms.values() for w in ws),
        "DIR": _alt(d["duration_directions"]),
        "RELD": _alt(k for k in d["relative_days"] if _key(k) != "اليوم"),
        "TODAYBLK": _alt(d["today_blockers"]),
        "TODAYPRE": _alt(d["today_pre_blockers"]),
        "PART": _alt(d["day_parts"]),
        "PER": _alt(w for ws in d["periods"].values() for w in ws),
        "PMOD": _alt(d["period_modifiers"]),
        "WMOD": _alt(d["weekday_modifiers"]),
        "THIS": _alt(d["this_words"]),
        "YCUE": _alt(d["year_cues"]),
        "BCUE": _alt(d["bare_month_cues"]),
        "YBCUE": _alt(d["bare_year_cues"]),
        "WBLK": _alt(d["weekday_blockers"]),
        "TOD": _alt(d["time_of_day"]),
    }
    p["MONP"] = (
        rf"(?P<mon>{p['MON']})(?![^\W\d_])"
        rf"(?:\s*[/(\-]\s*(?P<mon2>{p['MON']})\s*\)?|\s+(?P<mon2>{p['MON']}){p['RB']})?"
    )
    p["MMOD"] = rf"(?:\s*,?\s*(?P<mm>{p['PMOD']}){p['RB']})"
    # A month of a relative year: "يونيو من العام الماضي", "مايو هذا العام" (the month of that year).
    p["RYEAR"] = (
        rf"(?:\s*,?\s*(?:من\s+)?(?:(?P<ythis>{p['THIS']})\s+(?:العام|السنه)|(?:العام|السنه)\s+"
        rf"(?P<ym>{p['PMOD']})){p['RB']})"
    )
    p["PRE"] = rf"(?:{p['PART']}\s+)?(?:(?P<wd>{p['WD']})\.?\s*,?\s*(?:الموافق\s+)?)?"
    p["DAY"] = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
    p["RANGE"] = r"(?:(?P<d0>[0-3]?\d)\s*(?:-|و|الي|حتي)\s*)?"
    p["DORD"] = rf"(?P<do>{p['ORD']})\s+(?:من\s+)?(?:شهر\s+)?"
    p["GSUF"] = r"(?:\s?(?:م|ميلادي|ميلاديه|للميلاد)(?![^\W_]))?"
    p["HSUF"] = r"(?P<hs>\s?(?:ه|هجريه|هجري|للهجره)(?![^\W_]))"
    p["YEAR"] = (
        r"(?:\s*,?\s*(?:من\s+)?(?:(?:عام|سنه|العام)\s+)?(?P<y>\d{4})(?!\d)"
        + p["GSUF"]
        + ")"
    )
    p["TIME"] = (
        r"(?:(?:\s*,?\s*|T)(?P<hh>[0-2]?\d):(?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?(?:\.\d+)?)"
    )
    p["TZ"] = r"(?:\s*(?P<tz>GMT|UTC|Z|[+-]\d{2}:?\d{2})(?![\w:]))"
    p["CLOCK"] = (
        r"(?:\s*,?\s*(?:في\s+)?(?:تمام\s+)?الساعه\s+(?P<ch>[0-2]?\d)(?:[:.](?P<cm>[0-5]\d))?"
        rf"(?:\s*(?P<cp>{p['TOD']}))?{p['RB']})"
    )
    p["TAIL"] = rf"{p['TIME']}?{p['TZ']}?{p['CLOCK']}?"
    return p


def _branches(p: dict[str, str]) -> list[str]:
    """Top-level alternatives, most specific first (at one position the first that matches wins)."""
    lb, rb, nlb, tail, pre = "{LB}", p["RB"], p["NLB"], p["TAIL"], p["PRE"]
    return [
        rf"(?P<b_iso>{lb}{pre}{nlb}(?P<y>\d{{4}})-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?![\d])"
        rf"(?:{p['TIME']}{p['TZ']}?)?{p['CLOCK']}?{rb})",
        rf"(?P<b_ymd>{lb}{pre}{nlb}(?P<y>\d{{4}})(?P<s1>[/.])(?P<m>[01]?\d)(?P=s1)(?P<d>[0-3]?\d)"
        rf"(?![\d/.]\d){tail}{rb})",
        rf"(?P<b_dmyn>{lb}{pre}{nlb}(?P<d>[0-3]?\d)(?P<s2>[/.\-])(?P<m>[0-3]?\d)(?P=s2)(?P<y>\d{{4}})"
        rf"(?![\d/]){p['HSUF']}?{tail}{rb})",
        rf"(?P<b_hd>{lb}{pre}{nlb}{p['RANGE']}(?:{p['DAY']}|{p['DORD']})\s*(?:من\s+)?(?:شهر\s+)?"
        rf"(?P<hm>{p['HMON']}){rb}(?:\s*,?\s*(?:(?:عام|سنه)\s+)?(?P<y>\d{{3,4}})(?!\d)|{p['MMOD']})?{p['HSUF']}?"
        rf"{tail}{rb})",
        rf"(?P<b_hy>{lb}(?P<hm>{p['HMON']})\s+(?:(?:عام|سنه)\s+)?(?P<y>\d{{3,4}})(?!\d){p['HSUF']}?{rb})",
        rf"(?P<b_dmy>{lb}{pre}{nlb}{p['RANGE']}(?:{p['DAY']}|{p['DORD']})\s*,?\s*(?:من\s+)?(?:شهر\s+)?"
        rf"{p['MONP']}(?:{p['YEAR']}|{p['RYEAR']}|{p['MMOD']})?{tail}{rb})",
        rf"(?P<b_mdy>{lb}{pre}{p['MONP']}\s+{p['DAY']}\s*,\s*(?P<y>\d{{4}})(?!\d){tail}{rb})",
        rf"(?P<b_my>{lb}(?:شهر\s+)?{p['MONP']}{p['YEAR']}{rb})",
        rf"(?P<b_mm>{lb}(?:شهر\s+)?{p['MONP']}(?:{p['RYEAR']}|{p['MMOD']}){rb})",
        rf"(?P<b_bm>(?<=(?:^|[^\w])[وف]?{p['BCUE']}\s+)(?:شهر\s+)?(?P<mon>{p['UMON']})"
        rf"(?:\s*[/(\-]\s*(?P<mon2>{p['MON']})\s*\)?|\s+(?P<mon2>{p['MON']}){rb})?(?:{p['RYEAR']}|{p['MMOD']})?{rb})",
        rf"(?P<b_yr>{lb}(?P<yc>{p['YCUE']})\s+(?P<y>\d{{4}})(?!\d|\s*[/.\-:]\d)"
        rf"(?:{p['HSUF']}|{p['GSUF']}){rb})",
        rf"(?P<b_by>(?<=(?:^|[^\w])[وف]?(?:{p['YBCUE']})\s+)(?P<y>\d{{4}})(?!\d|\s*[/.\-:%]\d|\s*%){p['GSUF']}{rb})",
        # A chronology line: "1993 - إسرائيل تشن عملية ..." (the year it tells of, at its start).
        r"(?P<b_cy>(?<=^\s*)(?P<y>\d{4})(?=\s*[-–—]\s))",
        rf"(?P<b_rd>{lb}(?<!{p['TODAYPRE']}\s+)(?:{p['PART']}\s+)?(?P<rw>اليوم|{p['RELD']}){rb}(?!\s+{p['TODAYBLK']}{rb})"
        rf"(?:\s*\(?\s*(?P<wd>{p['AWD']})\s*\)?)?{p['CLOCK']}?{rb})",
        rf"(?P<b_rw>{lb}(?<!{p['WBLK']}\s+)(?:{p['PART']}\s+)?(?P<wd>{p['AWD']})"
        rf"(?:\s+(?P<wm>{p['WMOD']}))?{rb}{p['CLOCK']}?{rb})",
        rf"(?P<b_rp>{lb}(?:(?P<this>{p['THIS']})\s+(?P<per>{p['PER']})|(?P<per>{p['PER']})\s+"
        rf"(?P<pm>{p['PMOD']})){rb})",
        rf"(?P<b_du>{lb}(?P<dir>{p['DIR']})\s+(?:(?P<nw>{p['NUMW']})\s+|(?P<nd>\d{{1,3}})\s+)?"
        rf"(?P<unit>{p['UNIT']}){rb}(?!\s*\d)(?!\s+(?:من|علي|عن|ال\w+|{p['MON']}){rb}))",
    ]


def _first_words(d: dict[str, Any]) -> set[str]:
    """Every word that can open a date expression (the gate in front of the big pattern)."""
    lists: list[Iterable[str]] = [
        *d["gregorian_months"].values(), *d["hijri_months"].values(), *d["weekdays"].values(),
        *d["ordinal_days"].values(), *d["periods"].values(), d["relative_days"], d["day_parts"],
        d["year_cues"], d["this_words"], d["duration_directions"], ["شهر", "يوم"],
    ]
    return {_key(w).split()[0] for words in lists for w in words}


@cache
def _grammar() -> _Grammar:
    d = _data()
    pieces = _pieces(d)
    # Two stages, both C-speed: the gate (stdlib ``re``, ~3x faster than ``regex`` for this scan) finds
    # the few word starts whose word can open a date (a digit or a known first word, after optional
    # proclitics); the big pattern is then matched only there.
    gate = re.compile(rf"(?<![^\W_])[وفبل]{{0,2}}(?P<s>)(?=\d|{_alt(_first_words(d))}(?![^\W\d_]))", re.I)
    alternatives = "|".join(_branches(pieces)).replace("{LB}", "")
    pattern = regex.compile(f"(?:{alternatives})", regex.IGNORECASE)
    units = {
        _key(w): (unit, form) for unit, forms in d["duration_units"].items() for form, ws in forms.items()
        for w in ws
    }
    periods = {_key(w): per for per, ws in d["periods"].items() for w in ws}
    return _Grammar(
        gate=gate,
        pattern=pattern,
        months=_index(d["gregorian_months"]),
        hijri=_index(d["hijri_months"]),
        weekdays=_index(d["weekdays"]),
        ordinals=_index(d["ordinal_days"]),
        numbers=_index(d["number_words"]),
        units=units,
        directions={_key(k): int(v) for k, v in d["duration_directions"].items()},
        rel_days={_key(k): int(v) for k, v in d["relative_days"].items()},
        periods=periods,
        period_mods={_key(k): int(v) for k, v in d["period_modifiers"].items()},
        weekday_mods={_key(k): int(v) for k, v in d["weekday_modifiers"].items()},
        time_of_day={_key(k): int(v) for k, v in d["time_of_day"].items()},
    )


# -------------------------------------------------------------------------------------------- resolving


@dataclass(slots=True)
class _Res:
    """What a branch resolver returns; the span is added by the caller."""

    value: dt.date
    precision: str
    relative: bool = False
    calendar: str = "gregorian"


def _g(m: regex.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _day(m: regex.Match[str], g: _Grammar) -> int:
    """Day of month from digits, a range start, or an ordinal word."""
    if _g(m, "d0"):
        return int(m.group("d0"))
    if _g(m, "do"):
        return g.ordinals[_key(m.group("do"))]
    return int(m.group("d"))


def _pick_year(ref: dt.date, years: Iterable[int], make: Any, mod: int | None) -> dt.date | None:
    """Choose the candidate year for a yearless date.

    ``mod`` None: nearest to ``ref`` (ties: the earlier); -1 (الماضي): latest strictly before; +1
    (المقبل): earliest strictly after; 0 (الجاري): the reference's own (middle) year.
    """
    cands: list[dt.date] = []
    for year in years:
        try:
            cands.append(make(year))
        except (ValueError, OverflowError):
            continue
    if mod == 0:
        cands = cands[1:2]
    elif mod is not None:
        cands = [c for c in cands if (c < ref if mod < 0 else c > ref)]
    if not cands:
        return None
    return min(cands, key=lambda c: (abs((c - ref).days), c))


def _nearest_year(ref: dt.date, make: Any, mod: int | None = None) -> dt.date | None:
    return _pick_year(ref, (ref.year - 1, ref.year, ref.year + 1), make, mod)


def _mod(m: regex.Match[str], g: _Grammar, group: str = "mm") -> int | None:
    """The shift a period modifier in ``group`` names ("الماضي" -1, "المقبل" +1, "الجاري" 0), if any."""
    word = _g(m, group)
    return None if word is None else g.period_mods[_key(word)]


def _year_shift(m: regex.Match[str], g: _Grammar) -> int | None:
    """Years from the reference named after a month ("من العام الماضي" -1, "هذا العام" 0), if any."""
    return 0 if _g(m, "ythis") else _mod(m, g, "ym")


def _hijri(year: int, month: int, day: int) -> dt.date:
    """Gregorian date of a Hijri date (Umm al-Qura tables, AH 1343-1500; outside raises OverflowError)."""
    if year < 1343:
        return _tabular_hijri(year, month, day)
    greg = Hijri(year, month, day).to_gregorian()
    return dt.date(greg.year, greg.month, greg.day)


def _tabular_hijri(year: int, month: int, day: int) -> dt.date:
    """Arithmetic (tabular) Islamic calendar for historical years before the Umm al-Qura tables.

    Result is proleptic Gregorian, within a day or two of the observed calendar.
    """
    if not (1 <= month <= 12 and 1 <= day <= 30 and year >= 1):
        raise ValueError("invalid Hijri date")
    days = day + -(-(295 * (month - 1)) // 10) + (year - 1) * 354 + (3 + 11 * year) // 30
    return dt.date.fromordinal(days + 227014)


def _numeric(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if _g(m, "b_dmyn") and mo > 12 >= d:
        mo, d = d, mo
    if _g(m, "hs") or HIJRI_NUMERIC_YEARS[0] <= y <= HIJRI_NUMERIC_YEARS[1]:
        return _Res(_hijri(y, mo, d), "day", calendar="hijri")
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    return _Res(dt.date(y, mo, d), "day")


def _textual(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    month = g.months[_key(m.group("mon"))]
    has_day = bool(_g(m, "d") or _g(m, "do"))
    year = _g(m, "y")
    if year is not None:
        y = int(year)
        if not MIN_YEAR <= y <= MAX_YEAR:
            return None
        if has_day:
            return _Res(dt.date(y, month, _day(m, g)), "day")
        return _Res(dt.date(y, month, 1), "month")
    if ref is None:
        return None
    shift = _year_shift(m, g)
    if shift is not None:  # "يونيو من العام الماضي": that month of the year before the reference
        day = _day(m, g) if has_day else 1
        try:
            return _Res(dt.date(ref.year + shift, month, day), "day" if has_day else "month", relative=True)
        except ValueError:
            return None
    if has_day:
        day = _day(m, g)
        value = _nearest_year(ref, lambda yy: dt.date(yy, month, day), _mod(m, g))
        return None if value is None else _Res(value, "day", relative=True)
    value = _nearest_year(ref.replace(day=1), lambda yy: dt.date(yy, month, 1), _mod(m, g))
    return None if value is None else _Res(value, "month", relative=True)


def _hijri_named(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    month = g.hijri[_key(m.group("hm"))]
    has_day = bool(_g(m, "d") or _g(m, "do"))
    day = _day(m, g) if has_day else 1
    precision = "day" if has_day else "month"
    if _g(m, "y"):
        year = int(m.group("y"))
        # A month name and a bare number read as a year only in the modern range ("رمضان 144" is more
        # likely a count than AD 761); with هـ after it, any year is a deliberate historical date.
        if not _g(m, "hs") and not HIJRI_NUMERIC_YEARS[0] <= year <= HIJRI_NUMERIC_YEARS[1]:
            return None
        return _Res(_hijri(year, month, day), precision, calendar="hijri")
    if ref is None:
        return None
    hy = Gregorian(ref.year, ref.month, ref.day).to_hijri().year
    best = _pick_year(ref, (hy - 1, hy, hy + 1), lambda y: _hijri(y, month, day), _mod(m, g))
    return None if best is None else _Res(best, precision, relative=True, calendar="hijri")


def _year(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    y = int(m.group("y"))
    if _g(m, "hs"):
        return _Res(_hijri(y, 1, 1), "year", calendar="hijri")
    if (_g(m, "b_by") or _g(m, "b_cy")) and not BARE_YEARS[0] <= y <= BARE_YEARS[1]:
        return None
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    return _Res(dt.date(y, 1, 1), "year")


def _rel_day(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    if ref is None:
        return None
    return _Res(ref + dt.timedelta(days=g.rel_days[_key(m.group("rw"))]), "day", relative=True)


def _rel_weekday(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    if ref is None:
        return None
    target = g.weekdays[_key(m.group("wd"))]
    mod = g.weekday_mods.get(_key(m.group("wm") or ""), 0)
    back = (ref.weekday() - target) % 7
    if mod < 0:
        back = back or 7
    elif mod > 0:
        return _Res(ref + dt.timedelta(days=(target - ref.weekday()) % 7 or 7), "day", relative=True)
    return _Res(ref - dt.timedelta(days=back), "day", relative=True)


def _add_months(d: dt.date, n: int) -> dt.date:
    idx = d.year * 12 + d.month - 1 + n
    return dt.date(idx // 12, idx % 12 + 1, 1)


def _week(ref: dt.date, shift: int) -> _Res:
    """Saturday-to-Friday week ``shift`` weeks from the reference's week (see module doc)."""
    start = ref - dt.timedelta(days=(ref.weekday() - 5) % 7) + dt.timedelta(weeks=shift)
    end = start + dt.timedelta(days=6)
    if start.month == end.month:
        return _Res(start.replace(day=1), "month", relative=True)
    return _Res(start, "day", relative=True)


def _rel_period(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    if ref is None:
        return None
    per = g.periods[_key(m.group("per"))]
    shift = 0 if _g(m, "this") else g.period_mods[_key(m.group("pm"))]
    if per == "week":
        return _week(ref, shift)
    if per == "month":
        return _Res(_add_months(ref.replace(day=1), shift), "month", relative=True)
    return _Res(dt.date(ref.year + shift, 1, 1), "year", relative=True)


def _rel_duration(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    if ref is None:
        return None
    unit, form = g.units[_key(m.group("unit"))]
    if _g(m, "nw"):
        n = g.numbers[_key(m.group("nw"))]
    elif _g(m, "nd"):
        n = int(m.group("nd"))
    elif form == "plural":
        return None  # "منذ أيام": no count
    else:
        n = 2 if form == "dual" else 1
    n *= g.directions[_key(m.group("dir"))]
    if unit in ("day", "week"):
        return _Res(ref + dt.timedelta(days=n * (7 if unit == "week" else 1)), "day", relative=True)
    if unit == "month":
        return _Res(_add_months(ref.replace(day=1), n), "month", relative=True)
    return _Res(dt.date(ref.year + n, 1, 1), "year", relative=True)


_RESOLVERS = (
    ("b_iso", _numeric), ("b_ymd", _numeric), ("b_dmyn", _numeric), ("b_hd", _hijri_named),
    ("b_hy", _hijri_named), ("b_dmy", _textual), ("b_mdy", _textual), ("b_my", _textual), ("b_mm", _textual),
    ("b_bm", _textual), ("b_yr", _year), ("b_by", _year), ("b_cy", _year), ("b_rd", _rel_day),
    ("b_rw", _rel_weekday), ("b_rp", _rel_period), ("b_du", _rel_duration),
)


def _clock(m: regex.Match[str], g: _Grammar) -> tuple[dt.time | None, str | None]:
    """Time of day and time zone, when the expression carries them."""
    tz = _g(m, "tz")
    if tz and tz[0] in "+-" and ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    elif tz and tz.upper() == "Z":
        tz = "UTC"
    elif tz:
        tz = tz.upper()
    if _g(m, "hh"):
        h, mi, s = int(m.group("hh")), int(m.group("mi")), int(_g(m, "ss") or 0)
    elif _g(m, "ch"):
        h, mi, s = int(m.group("ch")), int(_g(m, "cm") or 0), 0
        if h < 12:
            h += g.time_of_day.get(_key(_g(m, "cp") or ""), 0)
    else:
        return None, tz
    return (dt.time(h, mi, s) if h < 24 else None), tz


def _resolve(m: regex.Match[str], ref: dt.date | None, g: _Grammar) -> _Res | None:
    """Dispatch on the branch that matched; impossible dates (31 February, bad Hijri day) give None."""
    for name, fn in _RESOLVERS:
        if m.group(name) is not None:
            try:
                return fn(m, ref, g)
            except (ValueError, OverflowError, KeyError):
                return None
    return None


def find_dates(text: str, reference: dt.date | None = None, norm: NormText | None = None) -> list[DateMatch]:
    """All date expressions in ``text``, non-overlapping, in order.

    Relative expressions (yesterday, weekdays, yearless dates, "قبل يومين" ...) are returned only when a
    ``reference`` (usually the publication date) is given. Pass ``norm`` when ``normalize(text)`` is
    already at hand (the event coder has it for every sentence).
    """
    if isinstance(reference, dt.datetime):
        reference = reference.date()
    g = _grammar()
    norm = norm or normalize(text)
    out: list[DateMatch] = []
    pos = 0
    for cand in g.gate.finditer(norm.text):
        m = g.pattern.match(norm.text, cand.start("s")) if cand.start("s") >= pos else None
        if m is None:
            continue
        pos = m.end()
        res = _resolve(m, reference, g)
        if res is None:
            continue
        start, end = norm.span_to_orig(m.start(), m.end())
        time, tz = _clock(m, g)
        out.append(DateMatch(start, end, text[start:end], res.value, res.precision, time, tz,
                             res.relative, res.calendar))
    return out


_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}


def parse_date(text: str, reference: dt.date | None = None) -> DateMatch | None:
    """The single best date in a short string (a dateline, a metadata field).

    Best = absolute before relative, then finer precision, then the longer span, then the earlier one.
    """
    matches = find_dates(text, reference)
    if not matches:
        return None
    return max(
        matches,
        key=lambda d: (not d.relative, _PRECISION_RANK[d.precision], d.end - d.start, -d.start),
    )
