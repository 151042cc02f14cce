"""Actor linking: seed-page checks and date-aware resolution of roles across office changes."""

import pytest

from marsad.link import link_text, outlet_country

# (phrase, date, a word that must be in the resolved person's English name)
ROLE_CHANGES = [
    ("الرئيس المصري", "2011-01-15", "Mubarak"),
    ("الرئيس المصري", "2012-09-01", "Morsi"),
    ("الرئيس المصري", "2013-09-01", "Mansour"),
    ("الرئيس المصري", "2016-05-01", "Sisi"),
    ("ولي العهد السعودي", "2016-05-01", "Nayef"),
    ("ولي العهد السعودي", "2018-05-01", "Salman"),
    ("الرئيس الإيراني", "2012-05-01", "Ahmadinejad"),
    ("الرئيس الإيراني", "2016-05-01", "Rouhani"),
    ("الرئيس الإيراني", "2022-05-01", "Raisi"),
    ("الرئيس الإيراني", "2024-12-02", "Pezeshkian"),
    ("الرئيس السوري", "2024-12-02", "Assad"),
    ("الرئيس السوري", "2025-06-01", "Sharaa"),
    ("الرئيس الأمريكي", "2016-05-01", "Obama"),
    ("الرئيس الأمريكي", "2018-05-01", "Trump"),
    ("الرئيس الأمريكي", "2022-05-01", "Biden"),
    ("الرئيس الأمريكي", "2025-06-01", "Trump"),
    ("رئيس الوزراء البريطاني", "2018-05-01", "May"),
    ("رئيس الوزراء البريطاني", "2020-05-01", "Johnson"),
    ("رئيس الوزراء البريطاني", "2025-05-01", "Starmer"),
    ("الرئيس الفرنسي", "2013-05-01", "Hollande"),
    ("الرئيس الفرنسي", "2018-05-01", "Macron"),
    ("الرئيس التونسي", "2016-05-01", "Essebsi"),
    ("الرئيس التونسي", "2021-05-01", "Saied"),
    ("أمير قطر", "2012-05-01", "Hamad"),
    ("أمير قطر", "2015-05-01", "Tamim"),
    ("أمير الكويت", "2019-05-01", "Sabah"),
    ("أمير الكويت", "2024-05-01", "Mishal"),
    ("سلطان عمان", "2019-05-01", "Qaboos"),
    ("سلطان عمان", "2021-05-01", "Haitham"),
    ("وزير الخارجية الأمريكي", "2014-05-01", "Kerry"),
    ("وزير الخارجية الأمريكي", "2022-05-01", "Blinken"),
]


@pytest.mark.parametrize(("phrase", "date", "expected"), ROLE_CHANGES)
def test_roles_resolve_to_the_office_holder_at_the_date(phrase, date, expected):
    _, mentions = link_text(f"وقال {phrase} في بيان إن بلاده ترحب بالاتفاق", published=date)
    names = [m.name or "" for m in mentions if m.kind in ("role", "person")]
    assert any(expected.lower() in n.lower() for n in names), (phrase, date, names)


def test_former_officials_become_eli():
    _, mentions = link_text("قال حسني مبارك", published="2015-01-01")
    person = next(m for m in mentions if m.kind == "person")
    assert (person.code, person.sector) == ("EGY", "ELI")


def test_surname_links_only_after_a_full_mention():
    _, mentions = link_text("التقى الرئيس عبد الفتاح السيسي الوفد. وقال السيسي إن", published="2020-01-01")
    sisi = [m for m in mentions if m.name and "Sisi" in m.name]
    assert len(sisi) == 2


def test_counterpart_links_to_the_same_office_in_the_other_country():
    text = "بحث الرئيس الروسي فلاديمير بوتين مع نظيره الإيراني الوضع"
    _, mentions = link_text(text, published="2024-12-02")
    counterpart = next(m for m in mentions if m.text.startswith("نظيره"))
    assert counterpart.code == "IRN"
    assert "Pezeshkian" in (counterpart.name or "")


def test_group_word_refers_to_the_two_parties_just_named():
    text = "تلقى الرئيس عبد الفتاح السيسي اتصالا من الملك حمد بن عيسى آل خليفة. وشدد الزعيمان على"
    _, mentions = link_text(text, published="2024-12-02")
    group = next(m for m in mentions if m.kind == "group")
    assert {mentions[i].code for i in group.refers_to} == {"EGY", "BHR"}


def test_clitics_do_not_hide_names():
    _, mentions = link_text("واتصل وبوتين لنظيره بالرئيس الأمريكي", published="2019-01-01")
    codes = [m.code for m in mentions]
    assert "RUS" in codes and "USA" in codes


def test_spans_index_the_text():
    text = "وأكّد الرئيسُ الروسيُّ فلاديمير بوتين أن"
    _, mentions = link_text(text, published="2020-01-01")
    for m in mentions:
        assert text[m.span.start : m.span.end] == m.text


def test_seed_page_actors():
    """The actors the issue lists for the seed page, with their codes and sectors."""
    from marsad.pipeline import extract

    articles = extract("examples/seed_page.txt")
    found = {(m.name or m.text, m.code, m.sector) for a in articles for m in a.mentions}
    names = {n for n, _, _ in found}
    for name, code in [
        ("Vladimir Putin", "RUS"),
        ("Masoud Pezeshkian", "IRN"),
        ("Bashar al-Assad", "SYR"),
        ("Abdel Fattah el-Sisi", "EGY"),
        ("Hamad bin Isa Al Khalifa", "BHR"),
        ("Mohamed El-Shenawy", "EGY"),
        ("Donald Trump", "USA"),
        ("UN Security Council", "UNO"),
    ]:
        assert (name, code, "GOV") in found, (name, names)
    codes = {(c, m.text) for a in articles for m in a.mentions for c in [m.code]}
    assert ("RUS", "الكرملين") in codes and ("TUR", "تركيا") in codes
    assert ("PSE", "قطاع غزة") in codes and any(c == "PSE" and "الفلسطيني" in t for c, t in codes)
    counterpart = next(m for m in articles[0].mentions if m.text.startswith("نظيره"))
    assert counterpart.name == "Masoud Pezeshkian"


def test_a_generic_that_takes_no_country_gets_none_from_its_neighbours_or_the_article():
    text = "ندد الوزير الإيراني بالدعم الذي قدمه الغرب للعراق. وقالت إسرائيل إن إسرائيل تدعو المجتمع الدولي"
    _, mentions = link_text(text)
    by_text = {m.text: m for m in mentions}
    assert by_text["الغرب"].code is None and by_text["الغرب"].sector == "GOV"
    assert by_text["للعراق"].code == "IRQ"
    assert by_text["المجتمع الدولي"].code is None  # the article is about Israel, but this is not Israel
    _, mentions = link_text("وقالت إسرائيل إن إسرائيل لن تسمح للمتظاهرين بذلك")
    assert next(m for m in mentions if m.kind == "generic").code == "ISR"  # protesters do take the country


def test_a_broken_plural_without_the_article_gives_a_noun_its_country_but_stands_for_no_one_alone():
    _, mentions = link_text("اتهم دبلوماسيون روس الخوذ البيضاء. وقال روس آخرون إن", "2018-01-01")
    assert [(m.text, m.code) for m in mentions if m.code == "RUS"] == [("دبلوماسيون روس", "RUS")]


@pytest.mark.parametrize(
    "text",
    [
        "ناقش الجانبان السياسة الخارجية للبلدين",
        "تحسنت العلاقات الدبلوماسية بين البلدين",
        "رفض التدخل في الشؤون الداخلية",
        "أكد حق الشعوب في الدفاع عن نفسها",
        "شدد على أهمية المحافظة على الاتفاق",
        "اندلعت أزمة دبلوماسية بين البلدين",
        "عاد من جولة خارجية",
        "اتفقا على ترسيم الحدود البحرية",
        "تجري الانتخابات البلدية الشهر المقبل",
    ],
)
def test_an_institution_word_used_as_an_adjective_or_an_act_names_no_institution(text):
    _, mentions = link_text(text, "2018-01-01")
    assert not [m for m in mentions if (m.kb_id or "").startswith("institution:")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("وأعلنت الخارجية الروسية أن", "RUS"),
        ("وقال مسؤول في الخارجية المصرية إن", "EGY"),
        ("وقالت خارجية مصر إن", "EGY"),
        ("والتقى وزيرا الدفاع والخارجية الأمريكيين", "USA"),
        ("وأعلنت البحرية الأمريكية أن", "USA"),
        ("قالت روسيا إن روسيا ترفض. وأعلنت الخارجية عن استدعاء السفير", "RUS"),
    ],
)
def test_an_institution_word_standing_for_the_institution_still_names_it(text, code):
    _, mentions = link_text(text, "2018-01-01")
    assert [m.code for m in mentions if (m.kb_id or "").startswith("institution:")][-1:] == [code]


def test_a_spokesperson_is_one_party_with_the_institution_it_speaks_for():
    text = (
        "وقالت المتحدثة باسم وزارة الخارجية القطرية إن. وقال المتحدث باسم الجيش الإسرائيلي إن. "
        "وقال المتحدث الرسمي باسم البرلمان المصري إن"
    )
    _, mentions = link_text(text, "2018-05-01")
    assert [(m.code, m.sector, m.role) for m in mentions] == [
        ("QAT", "GOV", "spokesperson"), ("ISR", "MIL", "spokesperson"), ("EGY", "LEG", "spokesperson")
    ]
    assert mentions[1].name == "Avichay Adraee"  # the army's spokesperson, not another Israeli one
    assert mentions[2].name is None  # no parliament spokesperson is on file


def test_a_title_that_is_also_a_common_noun_needs_its_owner_or_a_name():
    text = (
        "وقال السفير خميس الجهيناوي، المستشار الدبلوماسي للرئيس، إن مستشار الأمن القومي الأمريكي زار "
        "تونس. واتصلت المستشارة الألمانية بمستشار النمسا، ثم التقت المستشارة أنغيلا ميركل"
    )
    _, mentions = link_text(text, "2017-05-01")
    chancellors = [(m.text, m.code) for m in mentions if m.role == "prime_minister"]
    assert chancellors == [
        ("المستشارة الألمانية", "DEU"), ("مستشار النمسا", "AUT"), ("المستشارة أنغيلا ميركل", "DEU")
    ]
    advisers = [(m.text, m.code, m.role) for m in mentions if m.kb_id == "institution:authorities"]
    assert advisers == [("المستشار", "TUN", None), ("مستشار الأمن القومي الأمريكي", "USA", None)]


def test_a_demonym_after_an_adjectival_institution_word_names_its_country():
    _, mentions = link_text("انتقد السياسة الخارجية الأمريكية في المنطقة", "2018-01-01")
    assert [(m.text, m.code, m.kind) for m in mentions] == [("الأمريكية", "USA", "demonym")]


def test_a_title_of_an_organisation_names_its_holder_and_never_a_namesake_in_another():
    text = (
        "وقال الأمين العام لجامعة الدول العربية إن. وقال الأمين العام لحلف الناتو إن. "
        "ودعا الأمين العام للأمم المتحدة"
    )
    _, mentions = link_text(text, published="2018-05-20")
    names = [m.name for m in mentions if m.kind == "role"]
    assert names == ["Ahmed Aboul Gheit", "Jens Stoltenberg", "António Guterres"]  # principals, not deputies


def test_the_un_nisba_makes_an_office_of_the_un_and_a_shared_office_names_no_one():
    text = "وحث مسؤول أممي إسرائيل على الالتزام. وحذر المبعوث الأممي من التصعيد"
    _, mentions = link_text(text, "2018-05-20")
    by_text = {m.text: m for m in mentions}
    assert by_text["مسؤول أممي"].code == "UNO"
    envoy = by_text["المبعوث الأممي"]
    assert envoy.code == "UNO" and envoy.kb_id is None  # the UN had several envoys that day


def test_a_bare_title_takes_the_country_the_article_is_about_and_names_its_holder():
    text = "قالت تونس إن تونس تدعم الحل السياسي في تونس. وقال رئيس الحكومة إن بلاده ستواصل"
    _, mentions = link_text(text, "2017-05-01")
    head = next(m for m in mentions if m.text == "رئيس الحكومة")
    assert (head.code, head.name) == ("TUN", "Youssef Chahed")
    text = "قالت تونس إن مصر والمغرب والجزائر وليبيا تدعم الحل. وقال رئيس الحكومة إن"
    _, mentions = link_text(text, "2017-05-01")
    assert next(m for m in mentions if m.text == "رئيس الحكومة").code is None  # no country dominates


def test_the_assad_regime_is_the_syrian_government():
    _, mentions = link_text("وقصفت قوات نظام الأسد المدينة", "2017-05-01")
    assert [(m.text, m.code, m.sector) for m in mentions if m.code] == [("نظام الأسد", "SYR", "GOV")]


def test_the_two_state_solution_names_no_two_states():
    text = "التقى الرئيس الأمريكي نظيره الفرنسي. وأكد الرئيسان دعم حل الدولتين وقال إن الدولتين ستتعاونان"
    _, mentions = link_text(text, "2018-05-01")
    groups = [m.text for m in mentions if m.kind == "group"]
    assert groups == ["الرئيسان", "الدولتين"]  # the second "الدولتين" is the two states; the first is a plan



def test_a_group_word_counts_its_members_and_leaders_are_people():
    text = (
        "التقى الرئيس الأمريكي دونالد ترامب في باريس نظيره الفرنسي ماكرون بحضور ممثلين عن ألمانيا. "
        "وأكد الزعيمان أن الدول الثلاث متفقة"
    )
    _, mentions = link_text(text, "2018-05-01")
    groups = {m.text: sorted(mentions[i].code for i in m.refers_to) for m in mentions if m.kind == "group"}
    assert groups == {"الزعيمان": ["FRA", "USA"], "الدول الثلاث": ["DEU", "FRA", "USA"]}


def test_hashtags_link_like_the_words_they_join():
    text = "وقال مسؤولون في #البيت_الأبيض إن الأمين العام ينس #ستولتنبرغ و #دونالد_ترمب حذرا #إيران"
    _, mentions = link_text(text, "2018-04-15")
    linked = [(m.text, m.kb_id) for m in mentions if m.kb_id and m.kind != "institution"]
    assert linked == [
        ("البيت_الأبيض", "country:USA"),
        ("الأمين العام ينس #ستولتنبرغ", "person:jens_stoltenberg"),  # the title and the name are one mention
        ("دونالد_ترمب", "person:donald_trump"),
        ("إيران", "country:IRN"),
    ]
    assert all(text[m.span.start : m.span.end] == m.text for m in mentions)


def test_the_palestinian_presidency_is_palestinian():
    _, mentions = link_text("ودانت الرئاسة الفلسطينية الهجوم", "2018-05-15")
    assert [(m.text, m.code) for m in mentions] == [("الرئاسة الفلسطينية", "PSE")]


@pytest.mark.parametrize("text", ["قتل ثلاثة في دمشق", "وفي دمشق قتل ثلاثة", "اجتمعوا أمس في الرياض"])
def test_a_capital_after_fi_is_a_place_not_an_actor(text):
    """"في" once lost its "ف" to the conjunction stripping, so "في دمشق" linked Damascus as a party."""
    _, mentions = link_text(text, "2018-05-01")
    assert [m.text for m in mentions if m.kind == "capital"] == []


def test_a_capital_as_subject_is_its_government():
    _, mentions = link_text("أعلنت دمشق رفضها للقرار", "2018-05-01")
    assert [(m.text, m.code) for m in mentions] == [("دمشق", "SYR")]


def test_an_honorific_pronoun_names_the_last_holder_of_its_offices_not_the_last_person():
    text = (
        "استقبل العاهل الأردني الملك عبدالله الثاني السفير السعودي. "
        "وعبر جلالته عن تعازيه للملك سلمان. وأكد سموه دعم المملكة."
    )
    _, mentions = link_text(text, published="2018-05-01")
    majesty = next(m for m in mentions if m.text == "جلالته")
    assert (majesty.code, majesty.sector, majesty.role) == ("JOR", "GOV", "king")  # not the Saudi guest
    assert mentions[majesty.refers_to[0]].text == "الملك عبدالله الثاني"
    assert not [m for m in mentions if m.text == "سموه"]  # no emir or crown prince named before: no one


def _code_of(text: str, surface: str, outlet: str | None) -> str | None:
    _, mentions = link_text(text, "2015-08-01", outlet=outlet)
    return next(m for m in mentions if m.text == surface).code


def test_a_local_outlet_lends_its_country_when_the_article_names_none():
    text = "وقررت وزارة الصحة إغلاق المستشفى بعد شكاوى المواطنين"
    assert _code_of(text, "وزارة الصحة", "عكاظ (Okaz)") == "SAU"
    assert _code_of(text, "وزارة الصحة", "newspaper from الكويت (name not given)") == "KWT"
    assert _code_of(text, "وزارة الصحة", "BBC News عربي") is None  # no home country
    assert _code_of(text, "وزارة الصحة", None) is None


def test_the_home_country_comes_second_to_the_country_the_article_is_about():
    about_iran = "قالت إيران إن إيران لن تتراجع. وأعلنت وزارة الصحة إغلاق المستشفى"
    assert _code_of(about_iran, "وزارة الصحة", "عكاظ (Okaz)") == "IRN"
    # No country dominates: the home country lends its code only when the article names it.
    several = "قالت الولايات المتحدة وإيران وفرنسا والسعودية إن الحل سياسي. وأعلنت وزارة الصحة"
    assert _code_of(several, "وزارة الصحة", "عكاظ (Okaz)") == "SAU"
    assert _code_of(several, "وزارة الصحة", "newspaper from الأردن (name not given)") is None


@pytest.mark.parametrize(
    ("outlet", "country"),
    [
        ("عكاظ (Okaz)", "SAU"),  # from the outlets table, by a part of the name
        ("JAWHARA FM", "TUN"),  # any case
        ("الوطن السعودية (Al-Watan)", "SAU"),  # the name names the country
        ("الرياض (Al-Riyadh)", "SAU"),  # or its capital
        ("المصري اليوم", "EGY"),  # or its demonym
        ("وكالة الأنباء الفرنسية", None),  # an international agency, listed with no home country
        ("القدس العربي", None),
        ("سكاي نيوز عربية (Sky News Arabia)", None),  # names no country
        ("", None),
        (None, None),
    ],
)
def test_outlet_country(outlet, country):
    assert outlet_country(outlet) == country


def test_the_kingdom_is_a_local_outlet_s_own_else_the_last_kingdom_named():
    text = "استقبل الملك عبدالله الثاني الرئيس المصري في عمان. وأكد الرئيس المصري دعم المملكة"
    assert _code_of(text, "المملكة", "عكاظ (Okaz)") == "SAU"  # a Saudi paper's kingdom is Saudi Arabia
    assert _code_of(text, "المملكة", None) == "JOR"  # not Egypt, the last country named: no kingdom
    # "بلاده" is still the country of whoever was named last.
    assert _code_of("وقال الرئيس المصري إن بلاده ترفض", "بلاده", "عكاظ (Okaz)") == "EGY"


def test_babylon_is_an_iraqi_place_not_apple_behind_a_preposition():
    _, mentions = link_text("أعلن نشطاء في بابل أن تظاهرة خرجت. وقالت آبل إن", "2018-07-20")
    linked = [(m.text, m.code) for m in mentions if m.code in ("IRQ", "MNC")]
    assert linked == [("بابل", "IRQ"), ("آبل", "MNC")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("رفضت إيران الشروط. ويسعى الكونجرس إلى إلغاء الاتفاق مع إيران", "USA"),
        ("وصوت الكنيست على القانون", "ISR"),
    ],
)
def test_a_house_known_as_one_country_s_seat_is_that_country_s_without_a_demonym(text, code):
    _, mentions = link_text(text, "2015-08-01")
    assert [m.code for m in mentions if m.sector == "LEG"] == [code]


@pytest.mark.parametrize(
    ("text", "title", "code"),
    [
        ("وقال وزير العدل الأمريكي إن", "وزير العدل الأمريكي", "USA"),
        ("وقالت وزيرة الصحة الفرنسية إن", "وزيرة الصحة الفرنسية", "FRA"),
        ("وقال وزير الإعلام اليمني إن", "وزير الإعلام اليمني", "YEM"),  # not "the Yemeni press"
        ("وقال وزير التخطيط والتعاون الدولي اليمني إن", "وزير التخطيط والتعاون الدولي اليمني", "YEM"),
        ("وأكد الوزير أن الممثلين الأمريكيين", "الوزير", "QAT"),  # the portfolio ends at "أن"
        ("والتقى الوزير الممثلين الأمريكيين", "الوزير", "QAT"),  # a plural demonym is not his
    ],
)
def test_a_minister_named_by_portfolio_takes_the_demonym_after_it(text, title, code):
    _, mentions = link_text("قالت قطر إن قطر تدعم قطر. " + text, "2018-01-01")
    minister = next(m for m in mentions if m.kind == "role")
    assert (minister.text, minister.code) == (title, code)


def test_a_titled_stranger_is_still_the_office_the_title_and_demonym_name():
    # "صالح" is only the surname of people we know: the name resolves to no one, the office still does.
    _, mentions = link_text("جمعته مقابلة بوزير الطاقة الجزائري صالح خيري", "2016-01-01")
    assert [(m.kind, m.code) for m in mentions] == [("role", "DZA")]
    # Without a country the title word may belong to a name ("أمير عياد"): nothing is named.
    _, mentions = link_text("وقال أمير عياد إن القرار صدر", "2016-01-01")
    assert [m.code for m in mentions if m.kind == "role"] == []


def test_a_minister_named_by_portfolio_is_no_one_the_people_files_list_under_another():
    # The people files list one Algerian "minister" in 2016 (a deputy defence minister); the energy
    # minister is not he, while the foreign minister, a role of its own, still names its holder.
    _, mentions = link_text("وقال وزير الطاقة الجزائري إن. وقال وزير الخارجية الجزائري إن", "2016-01-01")
    named = [(m.code, m.kb_id is not None) for m in mentions if m.kind == "role"]
    assert named == [("DZA", False), ("DZA", True)]
