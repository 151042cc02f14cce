"""Gradient-boosted trees stored as plain data: feature names (JSON) and node arrays (numpy .npz).

The event filter judges a pooled event from a dozen numbers (how sure the type, role and reading models
are, who proposed it, how many sentences carry it) whose meaning depends on each other: a low actor
probability matters less when the reranker put the reading first. Trees learn such interactions where a
linear model over the same numbers cannot. Training uses scikit-learn's histogram gradient boosting;
inference needs only numpy and walks every tree for every row at once, one level per step, so scoring
the pooled events of an article is a few dozen array operations whatever their number. Loading never
unpickles anything (``numpy.load(allow_pickle=False)``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import numpy as np

Row = dict[str, float]  # named numeric features; a name left out is 0


def dense(rows: list[Row], names: list[str]) -> np.ndarray:
    """The rows as a matrix with one column per name, in ``names`` order; unknown names are ignored.

    Every value lands in one scatter: unknown names go to a spare last column that is cut off, so no
    Python step runs per value.
    """
    spare = len(names)
    column = {name: j for j, name in enumerate(names)}
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    total = int(lengths.sum())
    cols = np.fromiter(map(column.get, chain.from_iterable(rows), repeat(spare)), dtype=np.intp, count=total)
    values = np.fromiter(chain.from_iterable(map(dict.values, rows)), dtype=np.float64, count=total)
    x = np.zeros((len(rows), spare + 1), dtype=np.float64)
    x[np.repeat(np.arange(len(rows)), lengths), cols] = values
    return np.ascontiguousarray(x[:, :spare])


@dataclass(slots=True)
class TreeEnsemble:
    """``p = sigmoid(baseline + sum of one leaf value per tree)`` over named numeric features.

    The nodes of all trees sit in flat arrays, each tree's from its root in ``roots``; children are
    indices into the same arrays. A leaf is its own child on both sides, so walking ``depth`` steps from
    the roots ends on a leaf for every tree and every row.
    """

    label: str
    names: list[str]
    roots: np.ndarray  # int64 (n_trees,)
    feature: np.ndarray  # int64 (n_nodes,): the column a split node tests
    threshold: np.ndarray  # float64: go left when the value is <= threshold
    left: np.ndarray  # int64
    right: np.ndarray  # int64
    value: np.ndarray  # float64: the leaf values (0 at split nodes)
    baseline: float
    depth: int

    @property
    def labels(self) -> list[str]:
        return [self.label]

    def scores_batch(self, rows: list[Row]) -> np.ndarray:
        """Probabilities, one row per feature dict (one column: ``label``)."""
        x = dense(rows, self.names).ravel()
        row_start = (np.arange(len(rows)) * len(self.names))[:, None]
        node = np.broadcast_to(self.roots, (len(rows), len(self.roots)))
        for _ in range(self.depth):
            go_left = x[row_start + self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        z = self.baseline + self.value[node].sum(axis=1)
        return (1.0 / (1.0 + np.exp(-z)))[:, None]

    def save(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        meta = {
            "kind": "trees",
            "label": self.label,
            "names": self.names,
            "baseline": self.baseline,
            "depth": self.depth,
        }
        (directory / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), "utf-8")
        np.savez_compressed(directory / f"{name}.npz", **{k: getattr(self, k) for k in ARRAYS})

    @classmethod
    def load(cls, directory: Path, name: str) -> TreeEnsemble:
        meta = json.loads((directory / f"{name}.json").read_text("utf-8"))
        with np.load(directory / f"{name}.npz", allow_pickle=False) as saved:
            arrays = {k: saved[k] for k in ARRAYS}
        return cls(
            meta["label"], meta["names"], **arrays, baseline=float(meta["baseline"]), depth=int(meta["depth"])
        )

    @classmethod
    def from_sklearn(cls, label: str, names: list[str], clf: Any) -> TreeEnsemble:
        """From a fitted binary ``HistGradientBoostingClassifier`` (numeric features, no missing values)."""
        trees = [predictors[0].nodes for predictors in clf._predictors]
        sizes = np.array([len(nodes) for nodes in trees], dtype=np.int64)
        roots = np.cumsum(sizes) - sizes
        nodes = np.concatenate(trees)
        leaf = nodes["is_leaf"].astype(bool)
        own = np.arange(len(nodes), dtype=np.int64)
        offset = np.repeat(roots, sizes)
        return cls(
            label,
            names,
            roots,
            feature=np.where(leaf, 0, nodes["feature_idx"]).astype(np.int64),
            threshold=np.where(leaf, 0.0, nodes["num_threshold"]),
            left=np.where(leaf, own, nodes["left"].astype(np.int64) + offset),
            right=np.where(leaf, own, nodes["right"].astype(np.int64) + offset),
            value=np.where(leaf, nodes["value"], 0.0),
            baseline=float(np.ravel(clf._baseline_prediction)[0]),
            depth=int(nodes["depth"].max()),
        )


ARRAYS = ("roots", "feature", "threshold", "left", "right", "value")
