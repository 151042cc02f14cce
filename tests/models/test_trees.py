"""The tree ensemble stored as plain arrays scores exactly as the scikit-learn model it came from."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from marsad.models.trees import TreeEnsemble, dense


def _fitted(seed: int = 0) -> tuple[HistGradientBoostingClassifier, list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((600, 4))
    x[:, 3] = rng.integers(0, 3, 600)  # a small-integer column, like the filter's counts
    y = ((x[:, 0] > 0.5) & (x[:, 1] < 0.7) | (x[:, 3] == 2)).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=6, early_stopping=False, random_state=0)
    return clf.fit(x, y), ["a", "b", "c", "d"], x


def test_exported_trees_reproduce_sklearn_probabilities() -> None:
    clf, names, x = _fitted()
    trees = TreeEnsemble.from_sklearn("keep", names, clf)
    rows = [dict(zip(names, map(float, r), strict=True)) for r in x[:50]]
    ours = trees.scores_batch(rows)[:, 0]
    assert np.allclose(ours, clf.predict_proba(x[:50])[:, 1], atol=1e-9)
    assert ours.min() < 0.2 and ours.max() > 0.8  # the data separates: a constant model would fail


def test_saved_trees_load_without_pickle_and_score_the_same(tmp_path) -> None:
    clf, names, x = _fitted(1)
    trees = TreeEnsemble.from_sklearn("keep", names, clf)
    trees.save(tmp_path, "events")
    loaded = TreeEnsemble.load(tmp_path, "events")
    rows = [dict(zip(names, map(float, r), strict=True)) for r in x[:20]]
    assert np.array_equal(loaded.scores_batch(rows), trees.scores_batch(rows))
    assert loaded.labels == ["keep"]


def test_missing_names_count_as_zero_and_unknown_names_are_ignored() -> None:
    x = dense([{"b": 2.0, "zzz": 9.0}, {}], ["a", "b"])
    assert x.tolist() == [[0.0, 2.0], [0.0, 0.0]]
    clf, names, _ = _fitted()
    trees = TreeEnsemble.from_sklearn("keep", names, clf)
    assert trees.scores_batch([]).shape == (0, 1)
