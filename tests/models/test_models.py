"""The learned models: plain-data storage, safe loading, and a fresh training run matching the shipped one."""

import json
from pathlib import Path

import numpy as np
import pytest

from marsad.models import model_path
from marsad.models.linear import LinearModel
from marsad.models.train import file_hash, load

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT.parent / "shared" / "eval" / "train.jsonl"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def test_linear_model_round_trips_as_plain_data(tmp_path):
    model = LinearModel(
        ["a", "b"],
        {"x": 0, "y": 1},
        np.array([[1.0, -1.0], [0.5, 0.0]], dtype=np.float32),
        np.array([0.0, -1.0]),
        multiclass=True,
    )
    model.save(tmp_path, "m")
    loaded = LinearModel.load(tmp_path, "m")
    assert np.allclose(loaded.scores(["x", "unknown"]), model.scores(["x"]), atol=1e-3)
    assert loaded.scores(["x"]).sum() == pytest.approx(1.0)
    with np.load(tmp_path / "m.npz", allow_pickle=False) as arrays:
        assert set(arrays.files) == {"weights", "bias"}


@pytest.mark.parametrize("multiclass", [False, True])
def test_batched_scores_equal_one_row_at_a_time(multiclass):
    """One gather and segmented sum for many rows, empty and unknown-only rows included, equals the
    logistic / softmax of each row's weights summed by hand."""
    rng = np.random.default_rng(7)
    weights = rng.normal(size=(3, 6)).astype(np.float32)
    bias = rng.normal(size=3)
    vocab = {f"f{j}": j for j in range(6)}
    model = LinearModel(["a", "b", "c"], vocab, weights, bias, multiclass=multiclass)
    rows = [["f0", "f3"], [], ["nope"], ["f5", "f5", "f1", "nope"], ["f2"]]
    batch = model.scores_batch(rows)
    assert batch.shape == (5, 3)
    for row, got in zip(rows, batch, strict=True):
        z = bias + sum((weights[:, vocab[f]].astype(np.float64) for f in row if f in vocab), np.zeros(3))
        want = np.exp(z - z.max()) / np.exp(z - z.max()).sum() if multiclass else 1 / (1 + np.exp(-z))
        assert np.allclose(got, want) and np.allclose(model.scores(row), want)
    assert model.scores_batch([]).shape == (0, 3)


def test_shipped_model_records_its_training_data_and_is_small():
    report = json.loads((model_path() / "model.json").read_text())
    assert len(report["train_sha256"]) == 64 and report["thresholds"]
    size = sum(p.stat().st_size for p in model_path().iterdir())
    assert size < 5_000_000
    models = load(model_path())
    assert models.events is not None and len(models.types.labels) == 16


@pytest.mark.skipif(not TRAIN.exists(), reason="shared/eval/train.jsonl is not beside the repository")
def test_shipped_model_was_trained_on_this_train_file():
    assert json.loads((model_path() / "model.json").read_text())["train_sha256"] == file_hash(TRAIN)


@pytest.mark.skipif(not (TRAIN.exists() and DEV.exists()), reason="shared/eval is not beside the repository")
def test_retraining_from_scratch_reproduces_the_shipped_dev_scores(tmp_path):
    from marsad.evaluate import gold_events, score, system_events_from_run
    from marsad.models.coder import ModelCoder
    from marsad.models.train import train

    train(TRAIN, tmp_path / "model", log=lambda _m: None)
    gold = gold_events(DEV)
    fresh = ModelCoder(load(tmp_path / "model"))
    shipped_scores = score(gold, system_events_from_run(DEV))
    fresh_scores = score(gold, system_events_from_run(DEV, coder=fresh))
    assert abs(fresh_scores.strict.f1 - shipped_scores.strict.f1) <= 0.01
    assert abs(fresh_scores.types.f1 - shipped_scores.types.f1) <= 0.01


def test_a_sentence_retelling_an_event_anchored_elsewhere_is_no_negative_example(tmp_path):
    from marsad.models.align import AlignStats, examples
    from marsad.models.train import retold_types

    text = ("أجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع الرئيس الإيراني مسعود بزشكيان.\n"
            "وخلال الاتصال الهاتفي بحث الرئيسان الأوضاع في سوريا.\n"
            "وفي سياق آخر أدانت مصر الهجوم.")
    event = {"type": "CONSULT", "actors": [{"code": "RUS"}, {"code": "IRN"}], "recipients": [],
             "evidence": "أجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا", "historical": False}
    gold = tmp_path / "gold.jsonl"
    row = {"id": "a1", "title": "", "date": "2024-12-02", "text": text, "events": [event]}
    gold.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    doc = next(examples(gold, AlignStats()))
    by_sentence = [retold_types(doc, i) for i in range(len(doc.views))]
    anchored = next(iter(doc.anchored))
    assert by_sentence[anchored] == set()  # the anchored sentence is a positive, not "retold"
    assert {"CONSULT"} in by_sentence  # the body sentence that retells the call
    assert all("ACCUSE" not in s for s in by_sentence)  # no gold ACCUSE: the condemnation stays a negative


def test_role_features_name_the_trigger_lemma_so_each_verb_keeps_its_own_frame():
    from marsad.models.align import article_views
    from marsad.models.features import role_features
    from marsad.pipeline import process, text_document

    article = process(text_document("وأدانت مصر الهجوم الإسرائيلي على غزة", "2024-01-01"), events=False)[0]
    view = next(v for v in article_views(article) if v.trig_hits)
    grouped = view.keys()

    def lemma_feats(etype, key):
        return {f for f in role_features(view, etype, key, grouped[key], False) if f.startswith("lemma")}

    assert "lemma/side=أدان/after" in lemma_feats("ACCUSE", "EGY")
    assert "lemma/side/prep=أدان/after/علي" in lemma_feats("ACCUSE", "PSE")  # "على غزة"
    assert "lemma/side/kind=أدان/after/state" in lemma_feats("ACCUSE", "EGY")  # a state, not a person
    assert not lemma_feats("THREATEN", "EGY")  # no THREATEN trigger in the sentence


def test_the_type_model_knows_whether_a_trigger_has_a_party_near_it():
    from marsad.models.align import article_views
    from marsad.models.features import type_features
    from marsad.pipeline import process, text_document

    text = "وأدانت مصر الهجوم على غزة. وجاءت الإدانة في وقت لاحق من اليوم بعد ساعات طويلة من الانتظار."
    article = process(text_document(text, "2024-01-01"), events=False)[0]
    views = [v for v in article_views(article) if v.trig_hits]
    near, alone = ({f for f in type_features(v) if f.startswith("trig_party=ACCUSE")} for v in views)
    assert near == {"trig_party=ACCUSE/True"}  # Egypt stands right before "أدانت"
    assert alone == {"trig_party=ACCUSE/False"}  # "الإدانة" with no party in its sentence


def test_the_type_model_knows_where_in_the_article_a_trigger_stands():
    from marsad.models.align import article_views
    from marsad.models.features import type_features
    from marsad.pipeline import process, text_document

    body = "وأدانت مصر الهجوم. وقال الوزير إن الطقس حار. وتابع أن الحل سياسي. وكانت مصر قد أدانت هجوما سابقا."
    article = process(text_document("مصر تدين الهجوم على غزة\n" + body, "2024-01-01"), events=False)[0]
    where = [
        sorted(f for f in type_features(v) if f.startswith("trig_where=ACCUSE"))
        for v in article_views(article)
        if any(t.type == "ACCUSE" for h in v.trig_hits for t in h.payloads)
    ]
    assert where == [["trig_where=ACCUSE/title"], ["trig_where=ACCUSE/lead"], ["trig_where=ACCUSE/body"]]


def test_proposals_carry_the_lemmas_of_their_type_triggers():
    from marsad.models import load_coder, model_path
    from marsad.models.align import article_views
    from marsad.models.decode import propose
    from marsad.pipeline import process, text_document

    article = process(text_document("وأدانت مصر الهجوم الإسرائيلي على غزة", "2024-01-01"), events=False)[0]
    proposals = propose(article_views(article), load_coder(model_path()).models, 0.0)
    by_type = {p.type: p.lemmas for p in proposals}
    assert by_type["ACCUSE"] == ("أدان",) and by_type["THREATEN"] == ()


def test_a_type_the_filter_dropped_whole_comes_back_only_when_reported_and_only_from_the_model():
    from marsad.models.filter import Pooled, kept_indices

    def pooled(etype, actor, *sources):
        return Pooled((etype, frozenset({actor}), frozenset()), sources=set(sources))

    items = [
        pooled("ACCUSE", "EGY", "model", "rule"),  # kept by the threshold
        pooled("SUPPORT", "ARE", "model"),
        pooled("SUPPORT", "SAU", "model"),  # dropped; the likeliest SUPPORT reading
        pooled("REJECT", "IRN", "rule"),  # dropped; rules alone never bring a type back
        pooled("AGREE", "TUR", "model"),  # dropped, its type under the floor
    ]
    keep = [0.9, 0.10, 0.15, 0.2, 0.3]
    reported = {"ACCUSE": 0.9, "SUPPORT": 0.6, "REJECT": 0.9, "AGREE": 0.3}
    assert kept_indices(items, keep, 0.5, 0.5, reported) == [0, 2]
    assert kept_indices(items, keep, 0.5, 1.01, reported) == [0]  # a floor over 1: dropped types stay dropped
    assert kept_indices(items, keep, 0.12, 0.5, reported) == [0, 2, 3, 4]  # SUPPORT is kept: ARE stays out
    assert kept_indices(items, keep, 0.5, 0.5, {}) == [0]  # no reported-types model: nothing comes back


def test_the_reported_types_rows_sum_up_each_type_of_the_pool():
    from marsad.models.filter import Pooled, type_rows

    def pooled(etype, actor, p_type):
        key = (etype, frozenset({actor}), frozenset())
        return Pooled(key, sources={"model"}, features={"p_type": p_type})

    items = [pooled("ACCUSE", "EGY", 0.4), pooled("ACCUSE", "ISR", 0.7), pooled("SUPPORT", "SAU", 0.2)]
    rows = type_rows(items, [0.3, 0.6, 0.1])
    assert list(rows) == ["ACCUSE", "SUPPORT"]
    accuse = rows["ACCUSE"]
    assert (accuse["best_keep"], accuse["second_keep"], accuse["events"]) == (0.6, 0.3, 2)
    assert accuse["sum_keep"] == pytest.approx(0.9)
    assert accuse["p_type"] == 0.7 and accuse["types_in_pool"] == 2 and accuse["type=ACCUSE"] == 1.0
    assert rows["SUPPORT"]["second_keep"] == 0.0


def test_the_second_filter_round_sees_each_events_surest_rivals_of_its_type():
    from marsad.models.filter import Pooled, rival_rows
    from marsad.records import Event, Evidence

    def pooled(etype, actors, recipients, start):
        event = Event(id="e", type=etype, evidence=[Evidence(text="", start=start, end=start + 1)])
        key = (etype, frozenset(actors), frozenset(recipients))
        return Pooled(key, events=[event], features={"p_type": 0.5})

    items = [
        pooled("ACCUSE", {"IRN"}, {"USA"}, 0),
        pooled("ACCUSE", {"USA"}, {"IRN"}, 0),  # the reverse, in the same sentence
        pooled("ACCUSE", {"IRN"}, set(), 40),  # fewer parties, another sentence
        pooled("SUPPORT", {"IRN"}, {"USA"}, 0),  # another type: no rival of the others
    ]
    first = [0.8, 0.3, 0.6, 0.9]
    rows = rival_rows(items, first)
    assert rows[0]["p_type"] == 0.5 and rows[0]["first_keep"] == 0.8  # its own features are kept
    reverse, narrower, other = rows[1], rows[2], rows[3]
    assert (reverse["rival_reversed"], reverse["rival_in_its_sentence"]) == (0.8, 0.8)
    assert reverse["surer_rivals"] == 2
    assert reverse["rival_gap"] == pytest.approx(0.5) and reverse["rival_with_fewer_parties"] == 0.6
    assert (narrower["rival_with_more_parties"], narrower["rival_in_its_sentence"]) == (0.8, 0.0)
    assert narrower["rival_reversed"] == 0.0  # it has no recipient to reverse
    assert rows[0]["rival_with_more_parties"] == 0.0 and rows[0]["rival_sharing_a_party"] == 0.6
    assert (other["surer_rivals"], other["rival_gap"], other["rival_sharing_a_party"]) == (0, -0.9, 0.0)


def test_the_filter_learns_that_a_background_event_dated_today_is_a_false_event():
    """The score leaves historical events out on both sides, and the filter is taught the same way."""
    from marsad.models.align import DocExample
    from marsad.models.filter import Pooled
    from marsad.models.train import _filter_labels
    from marsad.records import Event

    def gold(etype, actor, historical):
        return {"type": etype, "actors": [{"code": actor}], "recipients": [], "historical": historical}

    def pooled(etype, actor, historical):
        key = (etype, frozenset({actor}), frozenset())
        return Pooled(key, events=[Event(id="e", type=etype, historical=historical)])

    doc = DocExample("a1", [], [gold("REJECT", "USA", True), gold("ACCUSE", "IRN", False)])
    items = [
        pooled("REJECT", "USA", False),  # gold tells it as background: dated today, it is a false event
        pooled("REJECT", "USA", True),  # dated as background too: not scored, the key is in the gold
        pooled("ACCUSE", "IRN", False),
        pooled("ACCUSE", "EGY", False),
    ]
    assert _filter_labels(doc, items) == [0, 1, 1, 0]


def _pooled(text: str, etype: str) -> list:
    """The filter's pooled events of one type for a one-article text, with their features."""
    from marsad.models import load_coder, model_path
    from marsad.models.align import article_views
    from marsad.models.filter import pool
    from marsad.pipeline import process, text_document

    article = process(text_document(text, "2024-01-01"), events=False)[0]
    models = load_coder(model_path()).models
    return [p for p in pool(article, article_views(article), models) if p.key[0] == etype]


def test_the_filter_weighs_each_event_with_what_the_whole_article_says():
    text = (
        "مصر تدين الهجوم الإسرائيلي على غزة\n"
        "وأدانت مصر بشدة الهجوم الإسرائيلي على قطاع غزة. وقال وزير الخارجية المصري إن بلاده تدين التصعيد."
    )
    accuse = _pooled(text, "ACCUSE")
    assert accuse
    for p in accuse:
        assert p.features["doc_p_type"] >= p.features["p_type"]  # the article's surest sentence, any
        assert p.features["doc_type_sentences"] >= 2  # told in the title and in the body
    egypt = next(p for p in accuse if p.key[1] == {"EGY"})
    assert egypt.features["topic_actor"] == 1.0  # Egypt is the party the article names most


def test_the_filter_knows_a_party_that_is_only_a_sector():
    """ "دبلوماسيون" with no country named anywhere links to the sector GOV alone: rarely what is coded."""
    codeless = _pooled("اتهم دبلوماسيون الحكومة بالتقصير في حماية السفارات.", "ACCUSE")
    countries = _pooled("اتهمت فرنسا إيران بتهديد الملاحة في الخليج.", "ACCUSE")
    assert codeless and countries
    assert all(p.features["codeless_actors"] + p.features["codeless_recipients"] >= 1 for p in codeless)
    assert all(p.features["codeless_actors"] + p.features["codeless_recipients"] == 0 for p in countries)


def test_the_filter_knows_what_kind_of_event_it_is():
    """Its type with each party and side, its shape and its trigger word, for the prior model."""
    accuse = _pooled("اتهمت فرنسا إيران بتهديد الملاحة في الخليج.", "ACCUSE")
    france = next(p for p in accuse if p.key[1] == {"FRA"} and p.key[2] == {"IRN"})
    assert {"ACCUSE|actor=FRA", "ACCUSE|recipient=IRN", "ACCUSE|pair=FRA>IRN"} <= set(france.traits)
    assert "ACCUSE|shape=one_to_one" in france.traits
    assert any(t.startswith("lemma=") and t.endswith("|shape=one_to_one") for t in france.traits)
    assert 0.0 < france.features["prior"] < 1.0  # the shipped prior model scored it for the filter


def test_the_prior_model_learns_out_of_fold_which_kinds_of_event_are_right():
    from functools import partial

    from marsad.models.align import DocExample
    from marsad.models.train import _out_of_fold_scores, fit_prior

    def traits(actor, recipient):
        return [f"ASSAULT|actor={actor}", f"ASSAULT|recipient={recipient}"]

    docs = [DocExample(f"d{n}", [], []) for n in range(20)]
    rows = {d.doc_id: [traits("ISR", "PSE"), traits("PSE", "ISR"), traits("GOV", "GOV")] for d in docs}
    labels = {d.doc_id: [1, 1, 0] for d in docs}
    scores = _out_of_fold_scores(docs, rows, labels, partial(fit_prior, seed=1), seed=1)
    for d in docs:  # every event is scored by a model that did not see its document
        right, also_right, wrong = scores[d.doc_id]
        assert min(right, also_right) > 0.5 > wrong
    model = fit_prior([r for d in docs for r in rows[d.doc_id]], [1, 1, 0] * len(docs), 1)
    assert model.scores(["ASSAULT|actor=ISR"])[0] > model.scores(["ASSAULT|actor=GOV"])[0]


def test_threshold_search_decoding_is_the_same_with_remembered_roles():
    """The search remembers each proposal's roles per setting of the role thresholds; a remembered
    reading must be the one the thresholds give, and events all of whose sentences are historical
    are not scored."""
    from marsad.evaluate import make_key
    from marsad.models.decode import Proposal, Thresholds
    from marsad.models.train import _system

    roles = np.array([[0.1, 0.7, 0.1, 0.1], [0.2, 0.1, 0.6, 0.1], [0.6, 0.2, 0.15, 0.05]])
    props = {
        "d": [
            Proposal(0, "ACCUSE", 0.9, True, ["EGY", "ISR", "USA"], {}, roles),
            Proposal(1, "ACCUSE", 0.9, True, ["EGY", "ISR", "USA"], {}, roles),
            Proposal(1, "PROTEST", 0.9, True, ["EGY", "ISR", "USA"], {}, roles),
        ]
    }
    hist = {("d", 0): False, ("d", 1): True}
    memo: dict = {}
    for actor in (0.5, 0.8, 0.5):
        th = Thresholds(actor=actor, actor_floor=0.75, recipient=0.5, recipient_floor=0.3)
        assert _system(props, th, hist, memo=memo) == _system(props, th, hist)
    assert len(memo) == 6  # three proposals under two settings of the role thresholds
    th = Thresholds(actor=0.5, recipient=0.5)
    assert _system(props, th, hist) == {"d": [make_key("ACCUSE", ["EGY"], ["ISR"])]}  # PROTEST: historical


def test_a_domestic_events_recipient_is_another_mention_of_its_key_than_the_actor():
    from marsad.models import load_coder, model_path
    from marsad.models.align import article_views
    from marsad.models.decode import Choice, events_from, propose
    from marsad.pipeline import process, text_document

    text = "اتهم الرئيس المصري جماعة الإخوان المسلمين بالتحريض على العنف في مصر"
    article = process(text_document(text, "2024-01-01"), events=False)[0]
    views = article_views(article)
    accuse = next(p for p in propose(views, load_coder(model_path()).models, 0.0) if p.type == "ACCUSE")
    [event] = events_from(views, [Choice(accuse, ["EGY"], ["EGY"])], "doc")
    [actor], [recipient] = event.actors, event.recipients
    assert actor.text == "الرئيس المصري"
    assert recipient.code == "EGY" and recipient.span != actor.span and recipient.kb_id != actor.kb_id
