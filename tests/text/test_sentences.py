from hypothesis import given
from hypothesis import strategies as st

from marsad.text.sentences import split_sentences


def _texts(text):
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_arabic_question_mark_and_newlines_end_sentences():
    assert _texts("هل انتهى؟ نعم\nسطر آخر") == ["هل انتهى؟", "نعم", "سطر آخر"]


def test_abbreviations_and_decimals_do_not_end_sentences():
    assert _texts("قال د. محمد إن النمو بلغ 3.5 في المئة. ثم غادر.") == [
        "قال د. محمد إن النمو بلغ 3.5 في المئة.",
        "ثم غادر.",
    ]


def test_closing_quote_stays_with_its_sentence():
    assert _texts('وقال "نرفض ذلك." ثم غادر') == ['وقال "نرفض ذلك."', "ثم غادر"]


@given(st.text(alphabet=st.sampled_from(list('اب تث.؟!\n"«»د')), max_size=80))
def test_spans_are_ordered_nonempty_and_stripped(text):
    prev = 0
    for span in split_sentences(text):
        assert prev <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip()
        prev = span.end
