"""Story clustering: signatures are deterministic, republished copies join their original's story,
different articles on the same topic stay apart, and replaying the index rebuilds the same ids."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from marsad.dedup.stories import NUM_PERM, StoryIndex, jaccard, shingles, signature

MIN_WORDS = 60  # as in benchmarks/bench_dedup.py: shorter items are mostly headline and boilerplate
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample_corpus.jsonl"
BOILERPLATE = ("المصدر: وكالة الأنباء الرسمية", "تابعونا على فيسبوك وتويتر وتيليغرام لمتابعة آخر الأخبار",
               "جميع الحقوق محفوظة © 2024")


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    with SAMPLE.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return [dict(r, text=paragraphs(r["text"])) for r in records]


def paragraphs(text: str) -> str:
    """The sample's one-line texts laid out in paragraphs of two sentences, as an outlet prints them."""
    sentences = [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()]
    return "\n".join(". ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))


def republish(text: str, headline: str, rng: random.Random) -> str:
    """A copy as outlets make it: new headline, paragraphs reordered, 2% of words changed, boilerplate."""
    paras = text.split("\n")
    rng.shuffle(paras)
    toks = "\n".join(paras).split(" ")
    for i in rng.sample(range(len(toks)), max(1, round(0.02 * len(toks)))):
        toks[i] = "كلمة"
    return "\n".join([headline, " ".join(toks), *BOILERPLATE])


def test_shingles_are_normalised_word_triples() -> None:
    assert shingles("قال الرئيس الأمريكي اليوم") == {"قال الرييس الامريكي".encode(),
                                                      "الرييس الامريكي اليوم".encode()}
    assert shingles("ترامب") == {"ترامب".encode()}
    assert shingles("  ...  ") == set()
    assert shingles("قال الرئيسُ", k=5) == {"قال الرييس".encode()}


def test_signature_is_deterministic_and_ignores_diacritics() -> None:
    text = "أعلن الرئيس الفرنسي إيمانويل ماكرون اليوم عن خطة جديدة لدعم الاقتصاد"
    sig = signature(text)
    assert sig.dtype == np.uint64 and sig.shape == (NUM_PERM,)
    assert np.array_equal(sig, signature(text))
    marked = "أعلنَ الرئيسُ الفرنسيّ إيمانويل ماكرون اليوم عن خطة جديدة لدعم الاقتصاد"
    assert np.array_equal(sig, signature(marked))
    assert jaccard(sig, signature("خطة جديدة لدعم الاقتصاد أعلنها وزير المالية")) < 0.5


def test_signature_is_the_same_in_another_process() -> None:
    text = "وقال المتحدث باسم الخارجية إن الوفد سيزور العاصمة الأسبوع المقبل"
    code = f"from marsad.dedup.stories import signature; print(signature({text!r}).tolist())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123"})
    assert json.loads(out.stdout) == signature(text).tolist()


def test_copies_cluster_and_distinct_stories_do_not(articles: list[dict]) -> None:
    rng = random.Random(3)
    index = StoryIndex()
    for art in articles:
        assert index.add(art["id"], signature(art["text"])) == f"story:{art['id']}"  # all distinct
    for n, art in enumerate(articles):
        if len(art["text"].split()) < MIN_WORDS:
            continue
        other = articles[(n + 1) % len(articles)]["title"]
        copy = republish(art["text"], other, rng)
        assert index.add(f"copy-{n}", signature(copy)) == f"story:{art['id']}", art["id"]
    assert len(index) > 1.8 * len(articles)


def test_incremental_rebuild_gives_the_same_ids(articles: list[dict]) -> None:
    rng = random.Random(5)
    stream = [(a["id"], signature(a["text"])) for a in articles[:15]]
    stream += [(f"c{n}", signature(republish(a["text"], "عاجل", rng))) for n, a in enumerate(articles[:15])]
    rng.shuffle(stream)
    first = StoryIndex()
    ids = [first.add(aid, sig) for aid, sig in stream]
    rebuilt = StoryIndex()
    assert [rebuilt.add(aid, sig) for aid, sig in stream] == ids
    assert [rebuilt.story_of(aid) for aid, _ in stream] == ids
    assert first.add(stream[0][0], stream[0][1]) == ids[0]  # replaying one id changes nothing
    assert len(first) == len(stream)


def test_empty_texts_never_merge() -> None:
    index = StoryIndex()
    assert index.add("a", signature("")) == "story:a"
    assert index.add("b", signature("...")) == "story:b"


def test_bad_signature_shape_is_rejected() -> None:
    with pytest.raises(ValueError):
        StoryIndex().add("a", np.zeros(3, dtype=np.uint64))


def test_reordered_paragraphs_and_short_lines_leave_the_signature_unchanged() -> None:
    p1 = "وقال وزير الخارجية في مؤتمر صحفي عقده اليوم في العاصمة إن المفاوضات ستستأنف الأسبوع المقبل"
    p2 = "وأضاف أن بلاده تدعم كل الجهود الرامية إلى وقف إطلاق النار وفتح الممرات الإنسانية أمام المدنيين"
    copy = "\n".join(["عاجل: استئناف المفاوضات", p2, "المصدر: وكالات", p1])
    assert shingles(copy) == shingles(f"{p1}\n{p2}")
    assert np.array_equal(signature(copy), signature(f"{p1}\n{p2}"))
