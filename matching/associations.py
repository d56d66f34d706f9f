"""Learned query-term → supply-term associations (a pruned translation model).

Fitted from confirmed pairs (a demand and a program it was matched to: a
hire, a placement, an expert label). For every query term ``a`` the model
stores the (shrunken) average of the normalised term vectors of the supplies
that were relevant to training queries containing ``a``::

    A[a, :] = sum_q x_q[a] * ybar_q / (sum_q x_q[a] + shrinkage)

where ``x_q`` is the L2-normalised query term vector and ``ybar_q`` the
relevance-weighted mean of its relevant supplies' L2-normalised BM25 x idf
vectors. Each row keeps its ``top_k`` heaviest supply terms. At query time
``x_q @ A`` gives extra, weighted supply terms (query expansion). Everything
is keyed by term strings, never by record ids, so the model applies to new
records and a different pool.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .analysis import query_term_weights
from .kernels import accumulate_rows
from .packaged import load_packaged
from .scoring import idf as bm25_idf
from .scoring import saturation_matrix, top_k_indices, weighted_tf
from .types import DocTokens

__all__ = ["AssociationModel", "fit_associations", "default_associations", "DEFAULT_ASSOCIATION_QUERY_WEIGHTS"]

#: Query parts used to form ``x_q`` (titles generalise best across occupations).
DEFAULT_ASSOCIATION_QUERY_WEIGHTS: dict[str, float] = {
    "title": 1.0,
    "lead": 0.3,
    "rest": 0.0,
    "skills": 0.5,
    "majors": 0.5,
    "industries": 0.3,
}


@dataclass(frozen=True)
class AssociationModel:
    """Sparse ``query term x supply term`` association weights.

    Parameters
    ----------
    query_terms, supply_terms : tuple of str
        Row and column labels.
    matrix : scipy.sparse.csr_matrix of shape (len(query_terms), len(supply_terms))
    idf : ndarray of shape (len(query_terms),)
        Weight of each query term when forming ``x_q``.
    """

    query_terms: tuple[str, ...]
    supply_terms: tuple[str, ...]
    matrix: sp.csr_matrix
    idf: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "_row", {t: i for i, t in enumerate(self.query_terms)})

    @property
    def nnz(self) -> int:
        """Number of stored associations."""
        return int(self.matrix.nnz)

    def expand(
        self,
        tokens: DocTokens,
        *,
        weights: Mapping[str, float] = DEFAULT_ASSOCIATION_QUERY_WEIGHTS,
        max_terms: int = 64,
        max_query_terms: int = 64,
    ) -> dict[str, float]:
        """Expansion terms for a query: ``supply term -> weight`` (at most ``max_terms``)."""
        qw = query_term_weights(tokens, weights)
        row_of = self._row  # type: ignore[attr-defined]
        rows, vals = [], []
        for t, w in sorted(qw.items()):
            r = row_of.get(t)
            if r is not None:
                rows.append(r)
                vals.append(w * self.idf[r])
        if not rows:
            return {}
        r_arr = np.asarray(rows, dtype=np.int64)
        v_arr = np.asarray(vals, dtype=np.float64)
        if len(r_arr) > max_query_terms:
            keep = np.lexsort((r_arr, -v_arr))[:max_query_terms]
            r_arr, v_arr = r_arr[keep], v_arr[keep]
        v_arr /= np.linalg.norm(v_arr) or 1.0
        # e = A[rows].T @ v, summed row by row in this order (as the sparse mat-vec does)
        m = self.matrix
        e = accumulate_rows(m.indptr, m.indices, m.data, r_arr, v_arr, m.shape[1])
        nz = np.flatnonzero(e > 0)
        if len(nz) > max_terms:
            nz = nz[top_k_indices(e[nz], nz, max_terms)]
        return {self.supply_terms[j]: float(e[j]) for j in nz}

    def save(self, path: str | Path) -> None:
        """Write a compact ``.npz`` (float16 weights)."""
        m = self.matrix.tocsr()
        np.savez_compressed(
            path,
            query_terms=np.frombuffer("\n".join(self.query_terms).encode(), dtype=np.uint8),
            supply_terms=np.frombuffer("\n".join(self.supply_terms).encode(), dtype=np.uint8),
            data=m.data.astype(np.float16),
            indices=m.indices.astype(np.int32),
            indptr=m.indptr.astype(np.int64),
            idf=self.idf.astype(np.float32),
        )

    @classmethod
    def load(cls, path: str | Path | io.BytesIO) -> AssociationModel:
        """Read a model written by :meth:`save`."""
        with np.load(path) as z:
            q = tuple(bytes(z["query_terms"]).decode().split("\n")) if z["query_terms"].size else ()
            s = tuple(bytes(z["supply_terms"]).decode().split("\n")) if z["supply_terms"].size else ()
            m = sp.csr_matrix((z["data"].astype(np.float32), z["indices"], z["indptr"]), shape=(len(q), len(s)))
            return cls(q, s, m, z["idf"].astype(np.float64))


def fit_associations(
    queries: Sequence[DocTokens],
    supplies: Sequence[DocTokens],
    pairs: Sequence[tuple[int, int, float]],
    *,
    doc_field_weights: Mapping[str, float],
    k1: float = 2.0,
    b: float = 0.75,
    query_weights: Mapping[str, float] = DEFAULT_ASSOCIATION_QUERY_WEIGHTS,
    shrinkage: float = 0.3,
    top_k: int = 300,
    min_queries: int = 1,
    max_query_terms: int = 64,
) -> AssociationModel:
    """Fit an :class:`AssociationModel` from relevant (query, supply) pairs.

    Parameters
    ----------
    queries : sequence of DocTokens
        Demand records (their tokens).
    supplies : sequence of DocTokens
        The supply pool (used for idf and vector normalisation).
    pairs : sequence of (query index, supply index, relevance > 0)
    doc_field_weights, k1, b : as in :class:`matching.MatchParams`.
    query_weights : weights of query parts forming ``x_q``.
    shrinkage : pseudo-count added to a term's total query weight.
    top_k : supply terms kept per query term.
    min_queries : query terms seen in fewer training queries are dropped.
    max_query_terms : heaviest terms kept per query.

    Returns
    -------
    AssociationModel
    """
    vocab: dict[str, int] = {}
    sat, df, _ = saturation_matrix([weighted_tf(s.fields(), doc_field_weights) for s in supplies], vocab, k1=k1, b=b)
    n = len(supplies)
    sidf = np.asarray(bm25_idf(df, n))
    y = (sp.diags(sidf) @ sat).T.tocsr()  # supplies x terms
    norms = np.sqrt(np.asarray(y.multiply(y).sum(axis=1)).ravel())
    y = sp.diags(1.0 / np.maximum(norms, 1e-12)) @ y
    max_idf = float(bm25_idf(0.0, n))

    by_query: dict[int, list[tuple[int, float]]] = {}
    for qi, si, rel in pairs:
        if rel > 0:
            by_query.setdefault(qi, []).append((si, float(rel)))
    qids = sorted(by_query)
    qvocab: dict[str, int] = {}
    xr, xc, xv, rr, rc, rv = [], [], [], [], [], []
    for row, qi in enumerate(qids):
        qw = query_term_weights(queries[qi], query_weights)
        items = sorted(qw.items())
        w = np.array([v * (sidf[vocab[t]] if t in vocab else max_idf) for t, v in items])
        order = np.lexsort((np.arange(len(items)), -w))[:max_query_terms]
        norm = np.linalg.norm(w[order]) or 1.0
        for j in order:
            col = qvocab.setdefault(items[j][0], len(qvocab))
            xr.append(row)
            xc.append(col)
            xv.append(w[j] / norm)
        total = sum(r for _, r in by_query[qi])
        for si, r in by_query[qi]:
            rr.append(row)
            rc.append(si)
            rv.append(r / total)
    x = sp.csr_matrix((xv, (xr, xc)), shape=(len(qids), len(qvocab)))
    r_mat = sp.csr_matrix((rv, (rr, rc)), shape=(len(qids), n))
    ybar = r_mat @ y
    a = (x.T @ ybar).tocsr()
    weight_sum = np.asarray(x.sum(axis=0)).ravel()
    seen = np.asarray((x > 0).sum(axis=0)).ravel()
    a = (sp.diags(1.0 / (weight_sum + shrinkage)) @ a).tocsr()
    keep_rows = np.flatnonzero(seen >= min_queries)
    a = _prune_rows(a[keep_rows], top_k)
    used_cols = np.unique(a.indices)
    a = a[:, used_cols].tocsr()
    inv_q = {i: t for t, i in qvocab.items()}
    inv_s = {i: t for t, i in vocab.items()}
    q_terms = tuple(inv_q[i] for i in keep_rows)
    q_idf = np.array([sidf[vocab[t]] if t in vocab else max_idf for t in q_terms])
    return AssociationModel(q_terms, tuple(inv_s[i] for i in used_cols), a, q_idf)


def _prune_rows(a: sp.csr_matrix, k: int) -> sp.csr_matrix:
    a = a.tocsr()
    a.sort_indices()
    data, indices, indptr = [], [], [0]
    for i in range(a.shape[0]):
        s, e = a.indptr[i], a.indptr[i + 1]
        d, ix = a.data[s:e], a.indices[s:e]
        if len(d) > k:
            sel = np.sort(np.lexsort((ix, -d))[:k])
            d, ix = d[sel], ix[sel]
        data.append(d)
        indices.append(ix)
        indptr.append(indptr[-1] + len(d))
    return sp.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0),
            np.concatenate(indices) if indices else np.zeros(0, int),
            np.asarray(indptr),
        ),
        shape=a.shape,
    )


@functools.cache
def default_associations() -> AssociationModel | None:
    """The shipped model (``matching/data/associations.npz``), or None if absent."""
    return load_packaged("associations.npz", AssociationModel.load)
