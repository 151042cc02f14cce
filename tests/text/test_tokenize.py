from marsad.text.tokenize import attached_letters, split_clitics, tokenize, without_conjunction, word_before


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


def test_a_conjunction_goes_but_a_function_word_keeps_its_first_letter():
    prepositions = {"في", "من", "وسط"}
    assert without_conjunction("وفي", prepositions) == "في"
    assert without_conjunction("فمن", prepositions) == "من"
    assert without_conjunction("في", prepositions) == "في"
    assert without_conjunction("وسط", prepositions) == "وسط"
    assert without_conjunction("وقال", prepositions) == "قال"
    assert without_conjunction("قال", prepositions) == "قال"


def test_the_letters_glued_before_a_name_are_read_back_to_the_word_start():
    text = "وصل الوفد والرياض بدمشق"
    riyadh, damascus = text.index("الرياض"), text.index("دمشق")
    assert attached_letters(text, riyadh) == (riyadh - 1, "و")
    assert attached_letters(text, damascus) == (damascus - 1, "ب")
    assert attached_letters(text, 0) == (0, "")
    assert attached_letters(text, text.index("الوفد")) == (text.index("الوفد"), "")


def test_word_before_reads_the_last_whole_word_in_its_window():
    text = "وأكد الرئيسان دعم حل الدولتين"
    assert word_before(text, text.index("الدولتين")) == "حل"
    assert word_before(text, text.index("وأكد")) == ""  # nothing before the first word
