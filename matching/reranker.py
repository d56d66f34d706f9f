"""A learned re-ranker of the head: gradient-boosted trees over the factors of each candidate.

The blend of :mod:`matching.explain` weighs its factors with fixed weights.
How much a factor should count depends on the others, though: a strong
``precedent`` means more when the text agrees, a high ``semantic`` value means
less when every candidate has one. The re-ranker learns that from labelled
matches: a LambdaMART model (LightGBM's ``lambdarank`` objective, which
optimises nDCG directly) over :data:`FEATURES`, computed for the head of a
ranking (the ``rerank_depth`` best candidates, whose factors are all known).

At query time the flattened trees are walked by a compiled kernel
(:func:`matching.kernels.tree_sums`, with a bit-identical numpy fallback), so
LightGBM is needed only to fit a model (``scripts/fit_matching.py``), not to
serve one. The result enters the score as one more factor, ``reranker``,
its logistic value in [0, 1]: ``final = (blend + w * reranker) / (1 + w)``
with ``w = MatchParams.weight_reranker``; records outside the head count it
as 0, so they stay below the head as before.

Training data must be *out of fold*: the features of a training query come
from learned models (associations, precedents) fitted without it, as they
will be for a query the platform has never seen (a precedent model finds a
query it was fitted on as its own nearest neighbour, and a re-ranker fitted
on such features would learn to trust precedents far too much).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .kernels import tree_sums
from .packaged import load_packaged

__all__ = ["FEATURES", "LAMBDARANK_PARAMS", "Reranker", "head_features", "fit_reranker", "default_reranker"]

#: Features per head candidate, in column order: the blended score, the score relative to the head's
#: best, the rank in the head (0 = best), and the factors text, precedent, semantic and title_fuzzy
#: (0 where a factor does not apply).
FEATURES = ("score", "relative_score", "rank", "text", "precedent", "semantic", "title_fuzzy")


def _zero_none(values: Sequence[float | None] | np.ndarray | None, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n)
    if isinstance(values, np.ndarray):
        return values.astype(np.float64, copy=False)
    return np.fromiter((0.0 if v is None else v for v in values), dtype=np.float64, count=n)


def head_features(
    score: np.ndarray,
    text: np.ndarray,
    precedent: np.ndarray | None,
    semantic: Sequence[float | None] | None,
    title_fuzzy: Sequence[float | None] | None,
) -> np.ndarray:
    """The :data:`FEATURES` matrix of a head (rows in the order given).

    ``score`` is each candidate's blended score before the re-ranker; its
    rank is the number of candidates scoring higher, so records with equal
    factors get equal features and equal scores.
    """
    n = len(score)
    x = np.zeros((n, len(FEATURES)))
    if n == 0:
        return x
    desc = np.sort(-score)
    x[:, 0] = score
    x[:, 1] = score / max(float(-desc[0]), 1e-9)
    x[:, 2] = np.searchsorted(desc, -score, side="left")  # records scoring higher: ties share a rank
    x[:, 3] = text
    x[:, 4] = _zero_none(precedent, n)
    x[:, 5] = _zero_none(semantic, n)
    x[:, 6] = _zero_none(title_fuzzy, n)
    return x


@dataclass(frozen=True, eq=False)
class Reranker:
    """An ensemble of binary decision trees, flattened into arrays.

    Node ``j`` (over all trees) sends a row left when
    ``x[feature[j]] <= threshold[j]``; a child ``c >= 0`` is a node, ``c < 0``
    the leaf ``-c - 1`` with value ``leaf_value[-c - 1]``. ``roots[t]`` is
    tree ``t``'s first node (encoded the same way: a tree may be one leaf).
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf_value: np.ndarray
    roots: np.ndarray
    features: tuple[str, ...] = FEATURES
    #: Longest root-to-leaf path (derived): the steps the numpy fallback of :meth:`raw` takes.
    depth: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        if self.features != FEATURES:
            raise ValueError(f"re-ranker expects features {self.features}, this engine computes {FEATURES}")
        depth, frontier = 0, self.roots[self.roots >= 0]
        while len(frontier):
            depth += 1
            kids = np.concatenate([self.left[frontier], self.right[frontier]])
            frontier = kids[kids >= 0]
        object.__setattr__(self, "depth", depth)

    @property
    def n_trees(self) -> int:
        return len(self.roots)

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values for each row of ``x`` (compiled when numba is installed)."""
        return tree_sums(
            self.feature, self.threshold, self.left, self.right, self.leaf_value, self.roots, self.depth, x
        )

    def value(self, x: np.ndarray) -> np.ndarray:
        """The ``reranker`` factor: the logistic of :meth:`raw`, in [0, 1]."""
        return 1.0 / (1.0 + np.exp(-self.raw(x)))

    # ------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path,
            feature=self.feature,
            threshold=self.threshold,
            left=self.left,
            right=self.right,
            leaf_value=self.leaf_value,
            roots=self.roots,
            features=np.array(self.features),
        )

    @classmethod
    def load(cls, path: str | Path | io.BytesIO) -> Reranker:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                z["feature"].astype(np.int64),
                z["threshold"].astype(np.float64),
                z["left"].astype(np.int32),
                z["right"].astype(np.int32),
                z["leaf_value"].astype(np.float64),
                z["roots"].astype(np.int32),
                tuple(str(s) for s in z["features"]),
            )

    @classmethod
    def from_lightgbm(cls, model_dump: dict) -> Reranker:
        """Flatten ``lightgbm.Booster.dump_model()`` (numerical ``<=`` splits only)."""
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        leaves: list[float] = []
        names = tuple(model_dump["feature_names"])
        if names != FEATURES:
            raise ValueError(f"model was fitted on features {names}, expected {FEATURES}")

        def walk(node: dict) -> int:
            if "leaf_value" in node:
                leaves.append(float(node["leaf_value"]))
                return -len(leaves)
            if node.get("decision_type", "<=") != "<=":
                raise ValueError("only numerical '<=' splits are supported")
            j = len(feature)
            feature.append(int(node["split_feature"]))
            threshold.append(float(node["threshold"]))
            left.append(0)
            right.append(0)
            left[j] = walk(node["left_child"])
            right[j] = walk(node["right_child"])
            return j

        roots = [walk(t["tree_structure"]) for t in model_dump["tree_info"]]
        return cls(
            np.asarray(feature, dtype=np.int64),
            np.asarray(threshold, dtype=np.float64),
            np.asarray(left, dtype=np.int32),
            np.asarray(right, dtype=np.int32),
            np.asarray(leaves, dtype=np.float64),
            np.asarray(roots, dtype=np.int32),
        )


#: LightGBM settings of :func:`fit_reranker` (chosen by 5-fold cross-validation on the benchmark's dev split).
LAMBDARANK_PARAMS: dict[str, object] = {
    "objective": "lambdarank",
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 20,
    "seed": 1,
    "deterministic": True,
    "num_threads": 1,
    "verbose": -1,
}


def fit_reranker(groups: Sequence[tuple[np.ndarray, np.ndarray]], *, rounds: int = 200, seed: int = 1) -> Reranker:
    """Fit a LambdaMART model on ``(features, relevance)`` per query (needs ``lightgbm``).

    The settings (200 trees of 7 leaves, learning rate 0.05, at least 50
    rows per leaf, row and feature subsampling 0.8, nDCG truncated at 20)
    were chosen by 5-fold cross-validation on the benchmark's dev split;
    small trees and strong leaf minimums keep it from memorising queries.
    """
    import lightgbm as lgb  # training only: serving evaluates the trees in numpy

    groups = [(x, y) for x, y in groups if len(x)]
    if not groups or not any((y > 0).any() for _, y in groups):
        raise ValueError("need at least one query with a relevant candidate in its head")
    params = dict(LAMBDARANK_PARAMS, seed=seed)
    data = lgb.Dataset(
        np.vstack([x for x, _ in groups]),
        np.concatenate([y for _, y in groups]).astype(np.float64),
        group=[len(x) for x, _ in groups],
        feature_name=list(FEATURES),
        free_raw_data=True,
    )
    booster = lgb.train(params, data, num_boost_round=rounds)
    return Reranker.from_lightgbm(booster.dump_model())


def default_reranker() -> Reranker | None:
    """The shipped model (``matching/data/reranker.npz``), or None when it is not shipped."""
    return load_packaged("reranker.npz", Reranker.load)
