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


def test_short_forms_match_whole_words_only_whatever_letter_neighbours_them():
    m = _matcher("شي", "لا")
    text = normalize_text("شيء لاجئين ولا فلا بلا شي، (لا) أشياء")
    found = [(h.key, h.prefix) for h in m.find(text)]
    assert found == [("لا", "و"), ("لا", "ف"), ("لا", "ب"), ("شي", ""), ("لا", "")]
    # "فللرئيس" is ف + the ل+ال spelling of the form; "ترئيس" is another word.
    assert [h.prefix for h in _matcher("الرئيس").find(normalize_text("فللرئيس كالرئيس ترئيس"))] == ["ف", "ك"]
