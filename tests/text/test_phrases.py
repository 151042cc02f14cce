from marsad.text.normalize import normalize_text
from marsad.text.phrases import PhraseMatcher


def _matcher(*forms, allow_suffix=False):
    m = PhraseMatcher(allow_suffix=allow_suffix)
    for f in forms:
        m.add(f, f)
    return m.compile()


def test_clitics_before_a_form_are_accepted():
    m = _matcher("بوتين", "الرئيس")
    text = normalize_text("وبوتين بالرئيس للرئيس")
    assert [h.prefix for h in m.find(text)] == ["و", "ب", ""]
    assert len(m.find(text)) == 3


def test_a_form_inside_another_word_is_not_matched():
    m = _matcher("عمان")
    assert m.find(normalize_text("العمانية")) == []
    assert m.find(normalize_text("تعمان")) == []


def test_longest_match_wins():
    m = _matcher("مجلس الامن", "مجلس الامن الدولي", "الامن")
    hits = m.find(normalize_text("أدان مجلس الأمن الدولي الهجوم"))
    assert [h.key for h in hits] == ["مجلس الامن الدولي"]


def test_pronoun_suffixes_only_where_allowed():
    assert _matcher("ادانه", allow_suffix=True).find("ادانته") == []  # different stem: ta marbuta became ت
    assert len(_matcher("رفض", allow_suffix=True).find("رفضهما")) == 1
    assert _matcher("رفض").find("رفضهما") == []
