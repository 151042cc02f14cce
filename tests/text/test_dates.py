"""Tests for marsad.text.dates: one block per form, plus a property test over random text."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.text.dates import DateMatch, find_dates, parse_date

REF = dt.date(2018, 5, 21)  # a Monday
REPO = Path(__file__).resolve().parents[2]
# Building blocks for random text that is dense in date-like material.
PIECES = [
    *"0123456789٠١٢٣٤٥٦٧٨٩/-.:, ()هـمًٌ", "مايو", "آب", "الأحد", " ", "أمس", "عام", "رمضان", "قبل", "يومين",
    "الماضي", "كانون الثاني", "Mon", "GMT", "+0400", "T", "الساعة", "في", "و", "اليوم", "شوال",
]


def one(text: str, ref: dt.date | None = REF) -> DateMatch:
    found = find_dates(text, ref)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------------- metadata datelines


@pytest.mark.parametrize(
    ("text", "iso", "time", "tz"),
    [
        ("Mon, 21 May 2018 10:11:18 GMT", "2018-05-21", dt.time(10, 11, 18), "GMT"),
        ("Sat, 31 Mar 2018 03:57:37 +0400", "2018-03-31", dt.time(3, 57, 37), "+04:00"),
        ("2017-01-21T23:43:00+01:00", "2017-01-21", dt.time(23, 43), "+01:00"),
        ("2015-08-06 01:07:40", "2015-08-06", dt.time(1, 7, 40), None),
        ("2015-07-21", "2015-07-21", None, None),
        ("2nd, December 2024 GMT", "2024-12-02", None, "GMT"),
        ("December 2, 2024", "2024-12-02", None, None),
        ("18 يوليو 2012", "2012-07-18", None, None),
        ("الأحد، 04 آب/اغسطس 2013", "2013-08-04", None, None),
    ],
)
def test_parse_date_datelines(text: str, iso: str, time: dt.time | None, tz: str | None) -> None:
    m = parse_date(text)
    assert m is not None
    assert (m.iso(), m.precision, m.time, m.tz, m.relative) == (iso, "day", time, tz, False)
    assert m.text == text.strip()


# ------------------------------------------------------------------------------------- month names


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1 يناير 2015", "2015-01-01"), ("3 ابريل 2015", "2015-04-03"), ("3 أبريل 2015", "2015-04-03"),
        ("3 إبريل 2015", "2015-04-03"), ("5 ماي 2015", "2015-05-05"), ("6 يونيه 2015", "2015-06-06"),
        ("7 يوليه 2015", "2015-07-07"), ("8 اغسطس 2015", "2015-08-08"), ("9 أكتوبر 2015", "2015-10-09"),
        ("10 كانون الثاني 2015", "2015-01-10"), ("11 شباط 2015", "2015-02-11"),
        ("12 آذار 2015", "2015-03-12"),
        ("13 نيسان 2015", "2015-04-13"), ("14 أيار 2015", "2015-05-14"), ("15 حزيران 2015", "2015-06-15"),
        ("16 تموز 2015", "2015-07-16"), ("17 آب 2015", "2015-08-17"), ("18 أيلول 2015", "2015-09-18"),
        ("19 تشرين الأول 2015", "2015-10-19"), ("20 تشرين الثاني 2015", "2015-11-20"),
        ("21 كانون الأول 2015", "2015-12-21"), ("22 جانفي 2015", "2015-01-22"),
        ("23 فيفري 2015", "2015-02-23"),
        ("24 أفريل 2015", "2015-04-24"), ("25 جوان 2015", "2015-06-25"), ("26 جويلية 2015", "2015-07-26"),
        ("27 أوت 2015", "2015-08-27"), ("28 ديسمبر 2015", "2015-12-28"),
        ("٢٨ ديسمبر ٢٠١٥", "2015-12-28"), ("13أغسطس آب 2017", "2017-08-13"),
        ("17 كانون الأول/ ديسمبر 2010", "2010-12-17"), ("الثالث من أغسطس (آب) 2015", "2015-08-03"),
        ("الحادي عشر من سبتمبر عام 2001", "2001-09-11"), ("الخامس من حزيران/يونيو2017", "2017-06-05"),
    ],
)
def test_day_month_year(text: str, iso: str) -> None:
    m = one(text, None)
    assert (m.iso(), m.precision, m.calendar) == (iso, "day", "gregorian")


def test_month_year_and_pairs() -> None:
    m = one("في كانون الثاني/يناير 2011 خرج", None)
    assert (m.text, m.iso(), m.precision) == ("كانون الثاني/يناير 2011", "2011-01", "month")
    assert one("يوليو/تموز ٢٠١٣", None).iso() == "2013-07"
    assert one("مايو من عام 2018", None).iso() == "2018-05"


def test_ambiguous_month_words_need_day_or_year() -> None:
    assert find_dates("قالت ماي إن الحكومة", REF) == []
    assert find_dates("الرئيس التركي رجب طيب أردوغان", REF) == []
    assert find_dates("مسلسلات رمضان", REF) == []
    assert one("في 10 ماي 2012", None).iso() == "2012-05-10"


def test_yearless_dates_need_reference_and_pick_nearest_year() -> None:
    assert find_dates("في 9 مايو", None) == []
    m = one("في 9 مايو", dt.date(2018, 4, 30))
    assert (m.iso(), m.relative) == ("2018-05-09", True)
    assert one("في 28 ديسمبر", dt.date(2018, 1, 5)).iso() == "2017-12-28"
    assert one("9 مايو الماضي", dt.date(2018, 4, 30)).iso() == "2017-05-09"
    assert one("الرابع من نوفمبر المقبل", dt.date(2018, 7, 13)).iso() == "2018-11-04"
    assert one("السابع من أبريل الجاري", dt.date(2018, 4, 26)).iso() == "2018-04-07"


def test_bare_month_after_cue() -> None:
    m = one("وذلك في مارس", REF)
    assert (m.text, m.iso(), m.precision) == ("مارس", "2018-03", "month")
    assert one("حزيران/يونيو الماضي", dt.date(2018, 8, 13)).iso() == "2018-06"
    assert find_dates("ثورة يناير", REF) == []


def test_ranges_take_first_day() -> None:
    assert one("من 18-19 يونيو 2018", None).iso() == "2018-06-18"
    assert one("يومي 24 و25 أبريل 2018", None).iso() == "2018-04-24"


# ---------------------------------------------------------------------------------------- numeric


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("26/7/2015", "2015-07-26"), ("26-7-2015", "2015-07-26"), ("26.7.2015", "2015-07-26"),
        ("2015/07/26", "2015-07-26"), ("7/26/2015", "2015-07-26"), ("١٤/٠٨/٢٠١٨", "2018-08-14"),
    ],
)
def test_numeric_dates(text: str, iso: str) -> None:
    assert one(text, None).iso() == iso


def test_implausible_numbers_are_not_dates() -> None:
    assert find_dates("القرار رقم (٢٨٠٣) لسنة", None) == []
    assert find_dates("القانون 2803 والمادة 1999", None) == []
    assert find_dates("32/13/2015 و 17.7-40", None) == []
    assert find_dates("في 2803 قضية", None) == []


def test_years() -> None:
    m = one("منذ عام 2013", None)
    assert (m.text, m.iso(), m.precision) == ("عام 2013", "2013", "year")
    assert one("العام ١٩٥٤", None).iso() == "1954"
    assert one("سنة 2017م", None).iso() == "2017"
    m = one("في 2012 بدأ", None)
    assert (m.text, m.iso()) == ("2012", "2012")


@pytest.mark.parametrize("text", ["وفي أواخر 2014، ذكر تقرير", "مطلع 2014", "منذ 2014 وهو", "صيف 2014"])
def test_a_bare_year_after_a_period_word_is_that_year(text: str) -> None:
    m = one(text, REF)
    assert (m.text, m.iso(), m.precision) == ("2014", "2014", "year")


def test_a_bare_number_after_a_period_word_is_no_year_when_it_cannot_be_one() -> None:
    assert find_dates("حتى 1500 شخص", REF) == [] and find_dates("منذ 2803 قضية", REF) == []


def test_a_chronology_line_is_dated_by_the_year_it_opens_with() -> None:
    """ "في مثل هذا اليوم" pages list "1993 - event ... في 31 يوليو": the line's year comes first."""
    found = find_dates("1993 - إسرائيل تشن عملية ضد مواقع لحزب الله انتهت في 31 يوليو", REF)
    assert (found[0].text, found[0].iso()) == ("1993", "1993")
    assert find_dates("وقال إن 1993 - 1994 كانت", REF) == []  # a range inside a sentence is no chronology


def test_the_month_after_shahr_is_a_month_not_a_duration() -> None:
    """ "خلال شهر مايو" is "during May"; "خلال شهر" alone is "within a month"."""
    assert one("خلال شهر مايو", REF).iso() == "2018-05"
    assert one("خلال شهر", REF).iso() == "2018-06"


# ------------------------------------------------------------------------------------------ hijri


def test_hijri_named_and_numeric() -> None:
    m = one("الرياض 26 شوال 1436 هـ", None)
    assert (m.iso(), m.calendar, m.precision) == ("2015-08-11", "hijri", "day")
    assert one("بتاريخ 20/1/1419", None).iso() == "1998-05-16"
    assert one("الثلاثاء 19-10-1436", None).iso() == "2015-08-04"
    m = one("رمضان عام ١٤٣٦ه", None)
    assert (m.iso(), m.precision) == ("2015-06", "month")
    assert one("في 15 رجب سنة 583هـ", None).value.year == 1187  # tabular calendar before 1343 AH
    assert one("الثلاثاء 27 رمضان", dt.date(2015, 7, 26)).iso() == "2015-07-14"
    assert one("ذو الحجة 1439", None).calendar == "hijri"


def test_hijri_month_with_an_implausible_bare_year_is_not_a_date() -> None:
    """A month name and a 3-digit number is a count ("رمضان 144"), not AD 761, unless هـ marks it."""
    assert all(m.calendar != "hijri" or m.value.year > 1800 for m in find_dates("في رمضان 144 قتيلا"))
    assert one("في رمضان 144 هـ", None).value.year == 761


# ---------------------------------------------------------------------------------------- relative


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("اليوم", "2018-05-21", "day"), ("أمس", "2018-05-20", "day"), ("الأمس", "2018-05-20", "day"),
        ("أول أمس", "2018-05-19", "day"), ("أمس الأول", "2018-05-19", "day"), ("غداً", "2018-05-22", "day"),
        ("غدا", "2018-05-22", "day"), ("بعد غد", "2018-05-23", "day"), ("مساء أمس", "2018-05-20", "day"),
        ("صباح اليوم", "2018-05-21", "day"), ("فجر الثلاثاء", "2018-05-15", "day"),
        ("الإثنين", "2018-05-21", "day"), ("الاثنين", "2018-05-21", "day"), ("الأحد", "2018-05-20", "day"),
        ("السبت", "2018-05-19", "day"), ("الأحد الماضي", "2018-05-20", "day"),
        ("الاثنين الماضي", "2018-05-14", "day"), ("الأحد المقبل", "2018-05-27", "day"),
        ("الاثنين القادم", "2018-05-28", "day"), ("اليوم (السبت)", "2018-05-21", "day"),
        ("الشهر الماضي", "2018-04", "month"), ("الشهر المقبل", "2018-06", "month"),
        ("الشهر الجاري", "2018-05", "month"), ("العام الماضي", "2017", "year"),
        ("العام المقبل", "2019", "year"), ("العام الجاري", "2018", "year"), ("هذا العام", "2018", "year"),
        ("قبل ثلاثة أيام", "2018-05-18", "day"), ("قبل يومين", "2018-05-19", "day"),
        ("منذ أسبوعين", "2018-05-07", "day"), ("بعد أسبوع", "2018-05-28", "day"),
        ("قبل 10 أيام", "2018-05-11", "day"), ("منذ شهرين", "2018-03", "month"),
        ("قبل عامين", "2016", "year"), ("منذ خمس سنوات", "2013", "year"),
    ],
)
def test_relative(text: str, iso: str, precision: str) -> None:
    m = one(text)
    assert (m.iso(), m.precision, m.relative) == (iso, precision, True)
    assert m.text == text
    assert find_dates(text, None) == []


def test_weeks_are_saturday_to_friday() -> None:
    # Reference Monday 21 May 2018: last week is Sat 12 - Fri 18 May, inside May -> month precision.
    m = one("الأسبوع الماضي")
    assert (m.iso(), m.precision) == ("2018-05", "month")
    # Reference Wed 2 May 2018: last week is Sat 21 - Fri 27 April, next week Sat 5 - Fri 11 May.
    assert one("الأسبوع الماضي", dt.date(2018, 5, 2)).iso() == "2018-04"
    # Reference Thu 31 May 2018: next week is Sat 2 - Fri 8 June; this week spans May/June -> its Saturday.
    m = one("الأسبوع الجاري", dt.date(2018, 5, 31))
    assert (m.iso(), m.precision) == ("2018-05-26", "day")


def test_relative_noun_phrases_are_not_dates() -> None:
    assert find_dates("اليوم العالمي لحرية الصحافة", REF) == []
    assert find_dates("الأمس القريب", REF) == []
    assert find_dates("بعد عام من الثورة", REF) == []
    assert find_dates("منذ أيام", REF) == []
    assert find_dates("صلاة الجمعة", REF) == []
    assert find_dates("أحد المسؤولين واثنين من", REF) == []


def test_the_same_day_of_another_event_is_not_the_reference_day() -> None:
    # "On the same day in 1869": the year dates the event, "اليوم" does not mean today.
    assert [m.iso() for m in find_dates("وفي نفس اليوم من عام 1869 ولد غاندي", REF)] == ["1869"]
    assert find_dates("في ذات اليوم أعلنت الحكومة", REF) == []
    assert one("أعلنت الحكومة اليوم").iso() == REF.isoformat()


def test_a_month_of_a_relative_year_is_that_month_of_that_year() -> None:
    # Without the year phrase, "يونيو" alone would be the nearest June (this year's): a year off.
    assert [m.iso() for m in find_dates("في يونيو من العام الماضي", REF)] == [f"{REF.year - 1}-06"]
    assert [m.iso() for m in find_dates("في سبتمبر/أيلول العام الماضي", REF)] == [f"{REF.year - 1}-09"]
    assert [m.iso() for m in find_dates("في 3 مارس من السنة الماضية", REF)] == [f"{REF.year - 1}-03-03"]
    assert [m.iso() for m in find_dates("في أكتوبر من العام المقبل", REF)] == [f"{REF.year + 1}-10"]
    assert [m.iso() for m in find_dates("مايو هذا العام", REF)] == [f"{REF.year}-05"]


def test_clock_times() -> None:
    m = one("غداً الساعة 3 عصرا")
    assert (m.iso(), m.time) == ("2018-05-22", dt.time(15, 0))


# ------------------------------------------------------------------------------- spans and parse_date


def test_spans_map_to_original_text_with_diacritics_and_proclitics() -> None:
    text = "وقالَ المتحدثُ إنَّ الاجتماعَ عُقِدَ يومَ الأحدِ، وفي 4 مارسَ 2018 وبعدَ يومينِ."
    found = find_dates(text, REF)
    assert [d.text for d in found] == ["يومَ الأحدِ", "4 مارسَ 2018", "بعدَ يومينِ"]
    for d in found:
        assert text[d.start : d.end] == d.text


def test_find_dates_in_order_non_overlapping() -> None:
    text = "الثلاثاء 19-10-1436 الموافق 4-8-2015، وقال أمس إن اجتماع 12 يونيو 2018 حاسم."
    found = find_dates(text, dt.date(2015, 8, 5))
    assert [d.iso() for d in found] == ["2015-08-04", "2015-08-04", "2015-08-04", "2018-06-12"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_parse_date_prefers_absolute_and_precise() -> None:
    m = parse_date("أمس، 3 مايو 2018", REF)
    assert m is not None and m.iso() == "2018-05-03"
    assert parse_date("لا تاريخ هنا") is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2070, 12, 31)),
)
def test_find_dates_never_crashes(text: str, ref: dt.date) -> None:
    found = find_dates(text, ref)
    last = 0
    for d in found:
        assert text[d.start : d.end] == d.text
        assert d.start >= last and d.end > d.start
        last = d.end
        assert isinstance(d.value, dt.date) and d.precision in ("day", "month", "year")
        assert d.iso()


@given(st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_find_dates_never_crashes_on_any_text(text: str) -> None:
    for d in find_dates(text, REF):
        assert text[d.start : d.end] == d.text


# ----------------------------------------------------------------------------------------- benchmark


def test_benchmark_set_accuracy_floor() -> None:
    """The hand-labelled benchmark ships with the repo; pin marsad's accuracy on it (floor, not target)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from bench_dates import _CUT, load
    finally:
        sys.path.pop(0)
    rows = load()
    assert len(rows) >= 150
    correct = 0
    for expr, ref, want, precision in rows:
        m = parse_date(expr, ref)
        correct += m is not None and m.value.isoformat()[: _CUT[precision]] == want
    assert correct / len(rows) >= 0.97
