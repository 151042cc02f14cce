"""A linear model stored as plain data: a feature vocabulary (JSON) and a weight matrix (numpy .npz).

Training uses scikit-learn; inference needs only numpy, and loading never unpickles anything
(``numpy.load(allow_pickle=False)``), so a model directory from anywhere is safe to open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path

import numpy as np


@dataclass(slots=True)
class LinearModel:
    """``scores(features) = sigmoid/softmax(W[:, features].sum() + b)`` over string features."""

    labels: list[str]
    vocab: dict[str, int]
    weights: np.ndarray  # (n_labels, n_features), float32
    bias: np.ndarray  # (n_labels,)
    multiclass: bool = False  # softmax over labels instead of independent sigmoids
    # One row per feature, contiguous: gathering the rows of a sentence's features reads memory in order.
    # The last row is zeros and stands for every feature the vocabulary lacks (see ``logits_batch``).
    by_feature: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        weights = np.ascontiguousarray(self.weights.T, dtype=np.float64)
        self.by_feature = np.vstack([weights, np.zeros((1, weights.shape[1]))])

    def scores(self, features: list[str]) -> np.ndarray:
        """Probabilities per label for one feature list."""
        return self.scores_batch([features])[0]

    def scores_batch(self, rows: list[list[str]]) -> np.ndarray:
        """Probabilities, one row per feature list (see ``logits_batch``)."""
        z = self.logits_batch(rows)
        if self.multiclass:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return 1.0 / (1.0 + np.exp(-z))

    def logits_batch(self, rows: list[list[str]]) -> np.ndarray:
        """Linear scores, one row per feature list: one gather and one segmented sum for all of them.

        Why batched: the decoder scores every party of a sentence and every sentence of an article; numpy
        costs ~10 us per call whatever the size, so one call per batch instead of one per row. Unknown
        features look up the zero row instead of being filtered out, so the lookup is one ``map`` in C
        over all the rows' features, with no Python step per feature.
        """
        lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
        z = np.tile(self.bias.astype(np.float64), (len(rows), 1))
        filled = lengths > 0
        if filled.any():
            unknown = repeat(len(self.by_feature) - 1)
            flat = np.fromiter(
                map(self.vocab.get, chain.from_iterable(rows), unknown),
                dtype=np.intp,
                count=int(lengths.sum()),
            )
            starts = np.cumsum(lengths) - lengths
            z[filled] += np.add.reduceat(self.by_feature[flat], starts[filled], axis=0)
        return z

    def save(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        meta = {"labels": self.labels, "multiclass": self.multiclass, "vocab": self.vocab}
        (directory / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), "utf-8")
        np.savez_compressed(
            directory / f"{name}.npz", weights=self.weights.astype(np.float16), bias=self.bias
        )

    @classmethod
    def load(cls, directory: Path, name: str) -> LinearModel:
        meta = json.loads((directory / f"{name}.json").read_text("utf-8"))
        with np.load(directory / f"{name}.npz", allow_pickle=False) as arrays:
            weights = arrays["weights"].astype(np.float32)
            bias = arrays["bias"].astype(np.float64)
        return cls(meta["labels"], meta["vocab"], weights, bias, bool(meta["multiclass"]))

    @classmethod
    def from_sklearn(
        cls,
        labels: list[str],
        feature_names: list[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        multiclass: bool,
        min_weight: float = 1e-3,
    ) -> LinearModel:
        """Keep only features with a weight above ``min_weight`` for some label (keeps the model small)."""
        keep = np.flatnonzero(np.abs(coef).max(axis=0) >= min_weight)
        vocab = {feature_names[j]: k for k, j in enumerate(keep)}
        return cls(labels, vocab, coef[:, keep].astype(np.float32), intercept.astype(np.float64), multiclass)
