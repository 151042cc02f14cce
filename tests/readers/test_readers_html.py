"""HTML: extraction quality on the three CNN Arabic saves, dates, read-also boxes, broken markup."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import regex

from marsad.readers import ErrorLog, read
from marsad.readers.html import READ_ALSO, VISIBLE_DATE, extract

TITLE = "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
WEDNESDAY = "الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)"
SUNDAY = "الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)"
SAVES = {
    "01_cnnarabic_2013-08_syria-clashes__newspaper3k": WEDNESDAY,
    "02_cnnarabic_2013-08_syria-clashes__goose3": SUNDAY,
    "03_cnnarabic_2013-08_syria-clashes__newspaper4k": WEDNESDAY,
}


def _expected_text(fixtures: Path, stem: str) -> str:
    if stem.startswith("01"):
        return (fixtures / f"{stem}-expected.txt").read_text(encoding="utf-8")
    if stem.startswith("02"):
        return json.loads((fixtures / f"{stem}-expected.json").read_text())["expected"]["cleaned_text"]
    return json.loads((fixtures / f"{stem}-expected-metadata.json").read_text())["text"]


def _recall(expected: str, got: str) -> float:
    """Share of the expected tokens (as a multiset) found in the extraction."""
    want, have = Counter(regex.findall(r"\w+", expected)), Counter(regex.findall(r"\w+", got))
    return sum(min(n, have[t]) for t, n in want.items()) / sum(want.values())


@pytest.mark.parametrize("stem", sorted(SAVES))
def test_cnn_arabic_saves(fixtures_dir: Path, stem: str) -> None:
    log = ErrorLog()
    (doc,) = read(fixtures_dir / f"{stem}-fixture.html", errors=log)
    assert log.count == 0
    assert doc.title == TITLE
    assert _recall(_expected_text(fixtures_dir, stem), doc.text) >= 0.9
    assert doc.format == "html"
    assert doc.url == "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
    assert doc.site_name == "CNNArabic"
    # htmldate only guesses the URL's year here; the visible Arabic dateline is kept raw instead.
    assert doc.published == SAVES[stem]
    assert doc.metadata["published_source"] == "visible"
    assert doc.provenance.encoding == "utf-8"


def test_read_also_boxes_become_related(fixtures_dir: Path) -> None:
    (doc,) = read(fixtures_dir / "related_box.html")
    assert doc.title == "وزير الخارجية يلتقي نظيره في عمّان لبحث التهدئة"
    assert doc.related == [
        "الأردن يستدعي السفير الإسرائيلي احتجاجاً على الاقتحامات",
        "مجلس الأمن يعقد جلسة طارئة بشأن غزة",
        "وزير الخارجية المصري يصل إلى عمّان في زيارة رسمية",
        "الأمم المتحدة تحذر من تدهور الأوضاع الإنسانية",
    ]
    for headline in doc.related:
        assert headline not in doc.text
    assert "أيضا" not in doc.text and "ذات صلة" not in doc.text
    assert "وقّع الجانبان مذكرة تفاهم" in doc.text
    assert doc.published == "الأحد 12 مايو 2024 - 10:30 ص"
    assert doc.site_name == "صحيفة المثال"


def test_metadata_date_wins_over_the_visible_line() -> None:
    page = (
        '<html><head><meta property="article:published_time" content="2024-03-05T08:00:00+00:00">'
        "<title>خبر</title></head><body><article><p>5 مارس 2024</p>"
        + "<p>أعلنت الحكومة اليوم عن خطة جديدة لإصلاح قطاع التعليم في جميع المحافظات.</p>" * 5
        + "</article></body></html>"
    )
    found = extract(page)
    assert found is not None
    assert found.published == "2024-03-05"
    assert found.metadata["published_source"] == "meta"


@pytest.mark.parametrize(
    "line",
    ["اقرأ أيضا: عنوان", "إقرأ أيضاً عنوان", "شاهد أيضًا - عنوان", "« اقرأ المزيد: عنوان", "أخبار ذات صلة"],
)
def test_read_also_prefixes(line: str) -> None:
    assert READ_ALSO.match(line)


def test_visible_date_pattern() -> None:
    assert VISIBLE_DATE.search("الأحد، 04 آب/اغسطس 2013")
    assert VISIBLE_DATE.search("١٢ تشرين الأول ٢٠٢٣")
    assert not VISIBLE_DATE.search("قتل 12 شخصا في 2013")


def test_truncated_html_gives_best_effort_text(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "02_cnnarabic_2013-08_syria-clashes__goose3-fixture.html").read_bytes()
    cut = data.find("مستودعات للذخيرة".encode()) + 1  # mid-body, and inside a two-byte letter
    for i, size in enumerate((cut, 200, 40)):
        (tmp_path / f"cut{i}.html").write_bytes(data[:size])
    log = ErrorLog()
    docs = list(read(tmp_path, errors=log))
    assert len(docs) + log.count == 3  # each page: a document or a counted error, never a crash
    assert docs[0].id.endswith("cut0.html") and docs[0].title == TITLE
    assert "وقال المرصد السوري لحقوق الإنسان" in docs[0].text
    assert log.by_kind == {"no_text": 1}  # the 40-byte stub has no text at all


def test_cp1256_html_page(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        "<title>اجتماع وزاري</title></head><body><article>"
        + "<p>عقد وزراء الخارجية العرب اجتماعا طارئا في القاهرة لبحث تطورات الأوضاع في المنطقة.</p>" * 4
        + "</article></body></html>"
    )
    path = tmp_path / "old.htm"
    path.write_bytes(page.encode("cp1256"))
    (doc,) = read(path)
    assert doc.provenance.encoding == "cp1256"
    assert doc.title == "اجتماع وزاري"
    assert "وزراء الخارجية العرب" in doc.text
