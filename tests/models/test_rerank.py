"""The reading reranker: k-best joint readings, the extra readings it must always see, and its choice."""

import itertools

import numpy as np

from marsad.models.decode import Proposal, Thresholds
from marsad.models.linear import LinearModel
from marsad.models.rerank import K_BEST, _k_best, candidate_readings, ranked, rule_reading
from marsad.records import Party

# none, actor, recipient, both
ROLES = np.array([[0.06, 0.8, 0.1, 0.04], [0.1, 0.15, 0.7, 0.05], [0.6, 0.3, 0.07, 0.03]])


PARTIES = {
    "USA": Party("USA", "GOV", kb_id="person:donald_trump"),
    "IRN": Party("IRN", "GOV", kb_id="country:IRN"),
    "GOV": Party(None, "GOV"),  # "الحكومة", no KB entry of its own
}


def _proposal(etype="ACCUSE", roles=ROLES, conjuncts=None, lemmas=()):
    keys = ["USA", "IRN", "GOV"][: len(roles)]
    return Proposal(0, etype, 0.9, True, keys, PARTIES, roles, conjuncts or {}, lemmas)


def test_k_best_equals_brute_force_order():
    logp = np.log(ROLES)
    combos = itertools.product(range(4), repeat=3)
    brute = sorted((sum(logp[i, c] for i, c in enumerate(combo)), combo) for combo in combos)[::-1]
    beam = _k_best(ROLES, 10)
    assert [combo for _, combo in beam[:8]] == [combo for _, combo in brute[:8]]  # 9th and 10th tie
    assert np.allclose([s for s, _ in beam], [s for s, _ in brute[:10]])


def test_readings_start_with_the_most_probable_and_always_have_an_actor():
    readings = candidate_readings(_proposal(), Thresholds(), None)
    assert (readings[0].actors, readings[0].recipients) == ({"USA"}, {"IRN"})
    assert all(r.actors for r in readings) and len(readings) <= K_BEST + 2
    assert [r.logp for r in readings] == sorted((r.logp for r in readings), reverse=True)


def test_the_rule_reading_is_offered_even_when_the_role_model_finds_it_unlikely():
    rule = rule_reading({"ACCUSE": ({"GOV"}, {"USA"}, False)}, "ACCUSE")
    readings = candidate_readings(_proposal(), Thresholds(), rule)
    offered = {(r.actors, r.recipients): r for r in readings}
    assert (frozenset({"GOV"}), frozenset({"USA"})) in offered
    assert "rule_same/t=True/ACCUSE" in offered[(frozenset({"GOV"}), frozenset({"USA"}))].features


def test_undirected_readings_merge_actors_and_recipients():
    readings = candidate_readings(_proposal("CONSULT"), Thresholds(), None)
    assert (readings[0].actors, readings[0].recipients) == ({"USA", "IRN"}, frozenset())
    assert len({(r.actors, r.recipients) for r in readings}) == len(readings)


def test_ranked_orders_each_proposals_readings_by_the_reranker():
    first = candidate_readings(_proposal(), Thresholds(), None)
    second = candidate_readings(_proposal("CONSULT"), Thresholds(), None)
    # A model that likes readings ranked second and dislikes everything else.
    model = LinearModel(["right"], {"rank=1": 0}, np.array([[5.0]], dtype=np.float32), np.array([-1.0]))
    out = ranked([first, [], second], model)
    assert out[0][0][0] is first[1] and out[1] == [] and out[2][0][0] is second[1]
    scores = [s for _, s in out[0]]
    assert scores[0] > 0.9 > scores[1] and scores == sorted(scores, reverse=True)


def test_readings_are_described_by_what_their_trigger_verb_usually_takes():
    readings = candidate_readings(_proposal(lemmas=("أدان",)), Thresholds(), None)
    best = readings[0]  # USA -> IRN
    assert {"lemma/nrec=أدان/1", "lemma/domestic=أدان/False"} <= set(best.features)
    no_lemma = candidate_readings(_proposal(), Thresholds(), None)[0]
    assert not any(f.startswith("lemma/") for f in no_lemma.features)


def test_readings_are_described_by_the_kind_and_sector_of_party_on_each_side():
    readings = {(r.actors, r.recipients): r for r in candidate_readings(_proposal(), Thresholds(), None)}
    best = readings[(frozenset({"USA"}), frozenset({"IRN"}))]
    assert {"akb/t=person/ACCUSE", "rkb/t=country/ACCUSE", "asec/t=GOV/ACCUSE"} <= set(best.features)
    bare = next(r for (a, _), r in readings.items() if "GOV" in a)
    assert "akb/t=none/ACCUSE" in bare.features


def test_readings_are_described_by_what_kind_of_party_their_verb_takes_on_each_side():
    readings = {
        (r.actors, r.recipients): r
        for r in candidate_readings(_proposal(lemmas=("اعتقل",)), Thresholds(), None)
    }
    best = readings[(frozenset({"USA"}), frozenset({"IRN"}))]
    assert {"lemma/akb=اعتقل/person", "lemma/rkb=اعتقل/country"} <= set(best.features)
    assert "lemma/akb=اعتقل/country" not in best.features


def test_ranked_orders_by_better_and_reports_the_right_probability():
    readings = candidate_readings(_proposal(), Thresholds(), None)
    # "right" likes the first reading, "better" the second: the order follows "better", the scores "right".
    weights = np.array([[4.0, 0.0], [0.0, 4.0]], dtype=np.float32)
    model = LinearModel(["right", "better"], {"rank=0": 0, "rank=1": 1}, weights, np.array([-2.0, 0.0]))
    (first, p_first), (second, p_second), *_ = ranked([readings], model)[0]
    assert first is readings[1] and second is readings[0]
    assert p_first < 0.5 < p_second  # the "right" probability of each reading, not of its rank


def _logit_data(seed: int = 0):
    from scipy.sparse import csr_matrix

    rng = np.random.default_rng(seed)
    x = csr_matrix((rng.random((40, 6)) < 0.4).astype(np.float64))
    groups = np.repeat(np.arange(10), 4)
    labels = np.zeros(40, dtype=int)
    labels[[0, 5, 6, 10, 15, 17, 22, 27, 29, 33]] = 1  # group 9 (rows 36-39) has no right row
    return x, labels, groups


def test_conditional_logit_gradient_matches_finite_differences():
    from marsad.models.train import fit_conditional_logit

    x, labels, groups = _logit_data()
    w = fit_conditional_logit(x, labels, groups, c=0.5)

    # At the optimum the penalised gradient vanishes: check it against the loss by finite differences.
    def loss(v):
        z = x @ v
        out = 0.0
        for g in range(9):
            zg, yg = z[groups == g], labels[groups == g]
            out += np.log(np.exp(zg).sum()) - np.log(np.exp(zg[yg == 1]).sum())
        return out + v @ v / (2 * 0.5)

    eps = 1e-5
    numeric = np.array([(loss(w + eps * e) - loss(w - eps * e)) / (2 * eps) for e in np.eye(len(w))])
    assert np.abs(numeric).max() < 1e-3
    assert loss(w) < loss(np.zeros_like(w)) - 0.5  # it learned something


def test_conditional_logit_ignores_proposals_without_a_right_reading():
    from marsad.models.train import fit_conditional_logit

    x, labels, groups = _logit_data()
    w = fit_conditional_logit(x, labels, groups, c=0.5)
    keep = groups != 9
    alone = fit_conditional_logit(x[keep], labels[keep], groups[keep], c=0.5)
    assert np.allclose(w, alone, atol=1e-6)
    flipped = labels.copy()
    flipped[36] = 1  # group 9 now says something
    assert not np.allclose(fit_conditional_logit(x, flipped, groups, c=0.5), w, atol=1e-3)
