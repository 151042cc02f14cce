from hypothesis import given
from hypothesis import strategies as st

from marsad.text.normalize import fold, normalize, normalize_text


def test_alef_ya_ta_marbuta_hamza_are_folded():
    assert normalize_text("أحمد إلى آمنة مؤتمر رئيس") == "احمد الي امنه موتمر رييس"


def test_diacritics_tanween_and_tatweel_are_removed():
    assert normalize_text("اتصالًا هاتفيًّا مـــع") == "اتصالا هاتفيا مع"


def test_digits_and_punctuation_become_ascii():
    assert normalize_text("قرار رقم (٢٨٠٣)، في ۱۴۰۳؟ «نعم»") == 'قرار رقم (2803), في 1403? "نعم"'


def test_fold_keeps_length():
    text = "الإعراب عن الدعم، ١٢٣"
    assert len(fold(text)) == len(text)


def test_offsets_map_back_to_original_characters():
    text = "تلقى الرئيسُ اتصالًا هاتفيًا من الملك"
    norm = normalize(text)
    i = norm.text.index("اتصالا")
    start, end = norm.span_to_orig(i, i + len("اتصالا"))
    assert text[start:end] == "اتصالًا"


ARABIC = st.text(
    alphabet=st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويىةأإآؤئءًٌٍَُِّْـ ٠١٢،.\u200f")), max_size=60
)


@given(ARABIC)
def test_every_normalised_character_maps_to_a_source_character(text):
    norm = normalize(text)
    folded = fold(text)
    for i, ch in enumerate(norm.text):
        assert folded[norm.to_orig(i)] == ch


@given(ARABIC)
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_hashtag_marks_go_and_underscores_become_spaces():
    text = "حذر #دونالد_ترمب"
    norm = normalize(text)
    assert norm.text == "حذر دونالد ترمب"
    i = norm.text.index("دونالد")
    assert text[slice(*norm.span_to_orig(i, len(norm.text)))] == "دونالد_ترمب"


@given(ARABIC, st.integers(0, 60), st.integers(0, 60))
def test_a_slice_of_the_normalisation_is_the_normalisation_of_the_slice(text, a, b):
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    assert normalize(text).slice(start, end) == normalize(text[start:end])
