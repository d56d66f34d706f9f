"""Out-of-fold training data for the re-ranker (see :mod:`matching.reranker`).

The re-ranker learns from the factors the engine computes, and two of them
come from learned models (associations and precedents). Its training rows
must therefore come from models fitted *without* the query at hand: the
queries are split into folds, both models are fitted on all folds but one,
and the held-out fold's heads are ranked with them. Every query gets its
head features this way once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .associations import AssociationModel
from .params import MatchParams
from .precedents import PrecedentModel
from .ranker import Matcher
from .types import MatchDoc

__all__ = ["Pool", "FoldModels", "fold_of", "out_of_fold_heads"]

#: ``(associations, precedents)`` fitted on the training queries of a fold.
FoldModels = tuple[AssociationModel, PrecedentModel]


@dataclass(frozen=True)
class Pool:
    """Queries ranked against one set of supplies, with their labels (supply id -> relevance)."""

    supplies: Sequence[MatchDoc]
    queries: Sequence[MatchDoc]
    labels: Sequence[dict[int, float]]


def fold_of(i: int, folds: int) -> int:
    """The fold of a pool's ``i``-th query (queries are dealt round-robin)."""
    return i % folds


def out_of_fold_heads(
    pools: Sequence[Pool],
    fit_models: Callable[[list[list[int]]], FoldModels],
    *,
    folds: int = 5,
    params: MatchParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]], list[FoldModels]]:
    """Head ``(ids, features, relevance)`` of every query of every pool, and the models of each fold.

    ``fit_models`` gets, per pool, the indices of the training queries of a
    fold and returns the two models fitted on them.
    """
    if folds < 2:
        raise ValueError("folds must be >= 2")
    heads: list[list] = [[None] * len(p.queries) for p in pools]
    models: list[FoldModels] = []
    for f in range(folds):
        train = [[i for i in range(len(p.queries)) if fold_of(i, folds) != f] for p in pools]
        assoc, prec = fit_models(train)
        models.append((assoc, prec))
        for pi, pool in enumerate(pools):
            test = [i for i in range(len(pool.queries)) if fold_of(i, folds) == f]
            if not test:
                continue
            m = Matcher(params=params, associations=assoc, precedents=prec, reranker=None).fit(pool.supplies)
            for i in test:
                ids, x = m.head_features(pool.queries[i])
                rel = pool.labels[i]
                heads[pi][i] = (ids, x, np.array([rel.get(int(j), 0.0) for j in ids]))
        if progress:
            progress(f"fold {f + 1}/{folds}: head features")
    return heads, models
