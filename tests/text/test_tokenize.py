from marsad.text.tokenize import split_clitics, tokenize


def test_proclitics_and_article_are_split():
    assert split_clitics("بالرييس") == ("بال", "رييس", "")
    assert split_clitics("للرييس") == ("لال", "رييس", "")
    assert split_clitics("لنظيره") == ("ل", "نظير", "ه")


def test_short_words_are_not_over_split():
    assert split_clitics("وزير") == ("و", "زير", "") or split_clitics("وزير")[1] in ("وزير", "زير")
    assert split_clitics("بين") == ("", "بين", "")


def test_token_spans_index_the_original_text():
    text = "أكّد الرئيسُ رفضَهما"
    for tok in tokenize(text):
        assert text[tok.start : tok.end].replace("ّ", "").replace("ُ", "").replace("َ", "")
    assert [text[t.start : t.end] for t in tokenize(text)] == ["أكّد", "الرئيسُ", "رفضَهما"]
