"""Learned precedents: supplies that demands like this one were matched to before.

A memory-based (k-nearest-neighbour) model fitted from confirmed pairs: hires,
placements, expert labels, or the benchmark's dev split. It stores every
training demand as an L2-normalised tf-idf vector over its analysed tokens
and, per demand, the supplies it was matched to, keyed by the supply's
normalised *name* (a program or major name such as 软件技术 or "Registered
Nursing"), never by record id. For a new demand ``q`` with neighbours ``N``
(the ``k`` most similar training demands)::

    s(key) = sum_{j in N} sim(q, j) ** power * rel(j, key) / sum_{j in N} sim(q, j) ** power

a similarity-weighted vote in [0, 1] (relevance is scaled to (0, 1]): 1 when
every neighbour was matched to that name, small when the neighbours disagree,
so the factor calibrates itself to how consistent the precedents are. A supply whose name
(title or one of its majors) is a key gets that value as the ``precedent``
factor. Because keys are names, what one school's 数控技术 graduates were
hired for carries over to another school's 数控技术 program; a program whose
name was never matched gets 0, and a demand unlike every training demand
(best similarity below ``min_similarity``) does not use the factor at all.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .analysis import query_term_weights
from .kernels import accumulate_rows
from .packaged import load_packaged
from .text import normalize
from .types import DocTokens

__all__ = ["PrecedentModel", "Precedents", "fit_precedents", "default_precedents", "PRECEDENT_QUERY_WEIGHTS"]

#: Query parts forming a demand's vector (title and lead describe an occupation best).
PRECEDENT_QUERY_WEIGHTS: dict[str, float] = {
    "title": 3.0,
    "lead": 2.0,
    "rest": 1.0,
    "skills": 2.0,
    "majors": 1.0,
}


@dataclass(frozen=True)
class Precedents:
    """The precedent scores for one query.

    Attributes
    ----------
    scores : dict of str to float
        ``normalised supply name -> value in (0, 1]``.
    neighbours : tuple of (str, float)
        Titles of the most similar training demands with their similarity.
    """

    scores: dict[str, float] = field(default_factory=dict)
    neighbours: tuple[tuple[str, float], ...] = ()

    def value(self, names: Sequence[str]) -> float:
        """Best score among ``names`` (already normalised); 0 if none is a key."""
        return max((self.scores.get(n, 0.0) for n in names), default=0.0)


@dataclass(frozen=True)
class PrecedentModel:
    """Training demands (tf-idf rows) and the supply names they were matched to.

    Parameters
    ----------
    terms : tuple of str
        Vocabulary (columns of ``queries``).
    idf : ndarray of shape (len(terms),)
    queries : scipy.sparse.csr_matrix of shape (n_demands, len(terms))
        L2-normalised rows.
    titles : tuple of str
        Training demand titles (for explanations).
    keys : tuple of str
        Normalised supply names (columns of ``targets``).
    targets : scipy.sparse.csr_matrix of shape (n_demands, len(keys))
        Relevance in (0, 1] (graded labels divided by the largest grade).
    """

    terms: tuple[str, ...]
    idf: np.ndarray
    queries: sp.csr_matrix
    titles: tuple[str, ...]
    keys: tuple[str, ...]
    targets: sp.csr_matrix

    def __post_init__(self) -> None:
        object.__setattr__(self, "_col", {t: i for i, t in enumerate(self.terms)})
        # term-major copy: a lookup reads only the rows of the demand's terms
        object.__setattr__(self, "_by_term", sp.csr_matrix(self.queries.T))

    @property
    def n_demands(self) -> int:
        """Number of training demands."""
        return int(self.queries.shape[0])

    def vector(self, tokens: DocTokens) -> tuple[np.ndarray, np.ndarray]:
        """``(columns, values)`` of the L2-normalised tf-idf vector of a demand."""
        col_of = self._col  # type: ignore[attr-defined]
        cols, vals = [], []
        for t, w in sorted(query_term_weights(tokens, PRECEDENT_QUERY_WEIGHTS).items()):
            c = col_of.get(t)
            if c is not None:
                cols.append(c)
                vals.append(w * self.idf[c])
        v = np.asarray(vals, dtype=np.float64)
        v /= np.linalg.norm(v) or 1.0
        return np.asarray(cols, dtype=np.int64), v

    def lookup(self, tokens: DocTokens, *, k: int = 10, power: float = 2.0, min_similarity: float = 0.1) -> Precedents:
        """Precedent scores for a demand (empty when no training demand is similar enough)."""
        cols, vals = self.vector(tokens)
        if not len(cols) or not self.n_demands:
            return Precedents()
        # queries @ v: each demand's terms in ascending column order, as the sparse mat-vec sums them
        # (a term the demand lacks adds an exact 0 there)
        order = np.argsort(cols)
        by_term = self._by_term  # type: ignore[attr-defined]
        sims = accumulate_rows(by_term.indptr, by_term.indices, by_term.data, cols[order], vals[order], self.n_demands)
        k = min(k, len(sims))
        nn = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        nn = nn[np.lexsort((nn, -sims[nn]))]
        nn = nn[sims[nn] > 0]
        if not len(nn) or sims[nn[0]] < min_similarity:
            return Precedents()
        w = sims[nn] ** power
        t = self.targets
        spans = [np.arange(t.indptr[j], t.indptr[j + 1]) for j in nn.tolist()]
        at = np.concatenate(spans)
        agg = np.bincount(
            t.indices[at], weights=t.data[at] * np.repeat(w, [len(x) for x in spans]), minlength=len(self.keys)
        )
        agg /= w.sum()
        hit = np.flatnonzero(agg > 0)
        scores = {self.keys[j]: float(min(agg[j], 1.0)) for j in hit.tolist()}
        neighbours = tuple((self.titles[j], round(float(sims[j]), 4)) for j in nn[:3])
        return Precedents(scores, neighbours)

    def save(self, path: str | Path) -> None:
        """Write a compact ``.npz``."""

        def strings(xs: Sequence[str]) -> np.ndarray:
            return np.frombuffer("\n".join(xs).encode(), dtype=np.uint8)

        q, t = self.queries.tocsr(), self.targets.tocsr()
        np.savez_compressed(
            path,
            terms=strings(self.terms),
            titles=strings(self.titles),
            keys=strings(self.keys),
            idf=self.idf.astype(np.float32),
            q_data=q.data.astype(np.float16),
            q_indices=q.indices.astype(np.int32),
            q_indptr=q.indptr.astype(np.int64),
            t_data=t.data.astype(np.float16),
            t_indices=t.indices.astype(np.int32),
            t_indptr=t.indptr.astype(np.int64),
        )

    @classmethod
    def load(cls, path: str | Path | io.BytesIO) -> PrecedentModel:
        """Read a model written by :meth:`save`."""
        with np.load(path) as z:

            def strings(name: str) -> tuple[str, ...]:
                return tuple(bytes(z[name]).decode().split("\n")) if z[name].size else ()

            terms, titles, keys = strings("terms"), strings("titles"), strings("keys")
            n = len(z["q_indptr"]) - 1
            q = sp.csr_matrix((z["q_data"].astype(np.float64), z["q_indices"], z["q_indptr"]), shape=(n, len(terms)))
            t = sp.csr_matrix((z["t_data"].astype(np.float64), z["t_indices"], z["t_indptr"]), shape=(n, len(keys)))
            return cls(terms, z["idf"].astype(np.float64), q, titles, keys, t)


def fit_precedents(
    queries: Sequence[DocTokens],
    titles: Sequence[str],
    supply_names: Sequence[str],
    pairs: Sequence[tuple[int, int, float]],
) -> PrecedentModel:
    """Fit a :class:`PrecedentModel` from relevant (query, supply) pairs.

    Parameters
    ----------
    queries : sequence of DocTokens
        Training demands.
    titles : sequence of str
        Their titles (shown in explanations).
    supply_names : sequence of str
        Name of each supply (program / major name); pairs refer to these by index.
    pairs : sequence of (query index, supply index, relevance > 0)

    Returns
    -------
    PrecedentModel
    """
    by_query: dict[int, dict[str, float]] = {}
    for qi, si, rel in pairs:
        key = normalize(supply_names[si])
        if rel > 0 and key:
            row = by_query.setdefault(qi, {})
            row[key] = max(row.get(key, 0.0), float(rel))
    qids = sorted(by_query)
    weights = [query_term_weights(queries[i], PRECEDENT_QUERY_WEIGHTS) for i in qids]
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, w in enumerate(weights):
        for t, v in sorted(w.items()):
            rows.append(r)
            cols.append(vocab.setdefault(t, len(vocab)))
            vals.append(v)
    x = sp.csr_matrix((vals, (rows, cols)), shape=(len(qids), len(vocab)))
    df = np.asarray((x > 0).sum(axis=0)).ravel()
    idf = np.log((1 + len(qids)) / (1 + df)) + 1.0
    x = (x @ sp.diags(idf)).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x = (sp.diags(1.0 / np.maximum(norms, 1e-12)) @ x).tocsr()
    keys = sorted({k for row in by_query.values() for k in row})
    key_col = {k: i for i, k in enumerate(keys)}
    top = max((v for row in by_query.values() for v in row.values()), default=1.0)
    tr, tc, tv = [], [], []
    for r, qi in enumerate(qids):
        for k, v in sorted(by_query[qi].items()):
            tr.append(r)
            tc.append(key_col[k])
            tv.append(v / top)
    t = sp.csr_matrix((tv, (tr, tc)), shape=(len(qids), len(keys)))
    inv = {i: t_ for t_, i in vocab.items()}
    return PrecedentModel(
        tuple(inv[i] for i in range(len(vocab))), idf, x, tuple(titles[i] for i in qids), tuple(keys), t
    )


@functools.cache
def default_precedents() -> PrecedentModel | None:
    """The shipped model (``matching/data/precedents.npz``), or None if absent."""
    return load_packaged("precedents.npz", PrecedentModel.load)


def names_of(title: str, majors: Sequence[str]) -> tuple[str, ...]:
    """Normalised names a supply is known by: its title and its majors."""
    out = [normalize(title)] + [normalize(m) for m in majors]
    return tuple(dict.fromkeys(x for x in out if x))
