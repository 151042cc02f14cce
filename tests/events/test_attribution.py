"""Attribution: the words that name who an event is attributed to, cut verbatim from the sentence."""

import pytest

from marsad.events.attribution import attribution
from marsad.events.units import Unit
from marsad.pipeline import process, text_document
from marsad.text.normalize import normalize


def _source(sentence: str, trigger_word: str | None = None) -> str | None:
    """Attribution of an event whose trigger is ``trigger_word`` (None: read from the whole sentence)."""
    unit = Unit(sentence, 0, normalize(sentence), False)
    start = unit.norm.text.find(normalize(trigger_word).text) if trigger_word else None
    return attribution(unit, [], start)


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("وقال الكرملين في بيان إن روسيا تدعم سوريا.", "الكرملين في بيان"),  # the medium stays with it
        ("أفاد بيان صادر عن الرئاسة المصرية بأن السيسي تلقى اتصالا.", "بيان صادر عن الرئاسة المصرية"),
        ("وقال مصدر أمني، الأحد، إن الجيش شن غارات.", "مصدر أمني"),
        ("قتل خمسة مدنيين في غارة على غزة، بحسب وكالة الأنباء الفلسطينية.", "وكالة الأنباء الفلسطينية"),
        ('وفقا لوكالة "فارس" الإيرانية، قصفت طائرات مواقع.', 'وكالة "فارس" الإيرانية'),  # no glued "ل"
        ("ذكرت صحيفة «الشرق الأوسط» أن الرياض استدعت السفير.", "صحيفة «الشرق الأوسط»"),
        ("وذكرت وكالة رويترز نقلا عن مصادر أن الجيش شن غارات.", "وكالة رويترز"),  # the next cue ends it
        ("حسبما ذكرت صحيفة نيويورك تايمز فإن واشنطن ستفرض عقوبات.", "صحيفة نيويورك تايمز"),
    ],
)
def test_sources_after_their_cues(sentence, source):
    assert _source(sentence) == source
    # Every source is cut from the sentence itself, diacritics and quotes as written.
    assert source in sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "بوتين وبزشكيان يؤكدان دعم الأسد",  # what the verb says, not who says it (no linked party here)
        "وتم التوقيع بحسب الاتفاق الموقع بين البلدين.",  # "in accordance with", not "according to"
        "وشكر كوشنر الرئيس على نقل السفارة الأمريكية إلى القدس.",  # "نقل" moves, it does not report
        "استقبل الرئيس السيسي وزير الخارجية الأمريكي في القاهرة.",
    ],
)
def test_no_source_where_none_is_named(sentence):
    assert _source(sentence) is None


def test_a_reporting_verb_after_the_trigger_does_not_attribute_it():
    sentence = "أدانت مصر الهجوم على المسجد، وقال مصدر أمني إن التحقيق بدأ."
    assert _source(sentence, "أدانت") is None
    assert _source(sentence, "التحقيق") == "مصدر أمني"
    # An "according to" phrase attributes its whole sentence, wherever it stands.
    assert _source("أدانت مصر الهجوم، بحسب وكالة الأنباء الرسمية.", "أدانت") == "وكالة الأنباء الرسمية"


def test_a_reporting_verb_s_addressee_is_not_its_source():
    text = "وقالت ميركل للصحافيين إن ألمانيا تدعم الاتفاق النووي مع إيران"
    events = [e for a in process(text_document(text, "2024-12-02"), use_model=False) for e in a.events]
    assert events and {e.attribution for e in events} == {"ميركل"}


def test_events_carry_their_attribution_through_both_coders():
    text = "بوتين وبزشكيان يؤكدان دعم الأسد في اتصال هاتفي"
    doc = text_document(text, "2024-12-02")
    by_coder = {
        use_model: [e for a in process(doc, use_model=use_model) for e in a.events]
        for use_model in (False, True)
    }
    for use_model, events in by_coder.items():
        # Which events a coder keeps from one bare sentence is the models' business (the shipped model
        # takes the call, not the support); every event it keeps is told by the same speakers.
        assert events, use_model
        # The speakers named right before the verb, joined by "و", linked by the KB.
        assert {e.attribution for e in events} == {"بوتين وبزشكيان"}, use_model
    assert "SUPPORT" in {e.type for e in by_coder[False]}
