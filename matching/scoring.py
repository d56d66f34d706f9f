"""Scoring primitives: BM25F term weights, query weighting and score accumulation.

The text relevance used by :class:`matching.Matcher` is a BM25F variant:

* a document's term frequency is the field-weighted sum of its per-field
  frequencies (title counts more than description, skills and majors are
  fields of their own);
* the stored value per (term, document) is the BM25 saturation
  ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len))``, in
  ``[0, k1 + 1)``;
* the query side is a weighted bag of terms (sublinear tf, title and the
  leading sentence of the description weigh more than the rest), multiplied
  by the term's idf at query time, so idf can follow incremental updates.

Scores are accumulated only over the posting lists of the query terms
(a term-major CSR matrix), never over the whole collection.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .kernels import accumulate_rows, top_indices

__all__ = ["weighted_tf", "saturation_matrix", "idf", "accumulate", "top_k_indices"]


def weighted_tf(fields: Mapping[str, Sequence[str]], weights: Mapping[str, float]) -> dict[str, float]:
    """Return field-weighted term frequencies.

    Parameters
    ----------
    fields : mapping of str to sequence of str
        Tokens per field name.
    weights : mapping of str to float
        Weight per field name; fields missing from ``weights`` are ignored.

    Returns
    -------
    dict
        ``term -> sum over fields of weight * count``.
    """
    tf: dict[str, float] = {}
    for name, toks in fields.items():
        w = weights.get(name, 0.0)
        if w <= 0.0:
            continue
        for t in toks:
            tf[t] = tf.get(t, 0.0) + w
    return tf


def saturation_matrix(
    docs_tf: Iterable[Mapping[str, float]],
    vocab: dict[str, int],
    *,
    k1: float,
    b: float,
    avg_len: float | None = None,
    grow_vocab: bool = True,
) -> tuple[sp.csr_matrix, np.ndarray, float]:
    """Build the term-major BM25 saturation matrix.

    ``docs_tf`` is consumed once (it may be a generator); the intermediate
    storage is compact typed arrays, so a million documents fit in memory.

    Parameters
    ----------
    docs_tf : iterable of mapping
        Weighted term frequencies per document (see :func:`weighted_tf`).
    vocab : dict
        ``term -> row``; new terms are appended when ``grow_vocab``.
    k1, b : float
        BM25 parameters.
    avg_len : float, optional
        Average weighted length to normalise with (default: of ``docs_tf``).
    grow_vocab : bool, default True
        Add unseen terms to ``vocab``; otherwise they are dropped.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix of shape (len(vocab), n_docs)
        float32 saturation values, rows are terms.
    df : ndarray of shape (len(vocab),)
        Document frequency per term.
    avg_len : float
        The average length used.
    """
    rows = array("i")
    tfs = array("f")
    counts = array("i")
    lengths = array("d")
    for d in docs_tf:
        n_before = len(rows)
        total = 0.0
        for t, f in d.items():
            total += f
            r = vocab.get(t)
            if r is None:
                if not grow_vocab:
                    continue
                r = vocab[t] = len(vocab)
            rows.append(r)
            tfs.append(f)
        counts.append(len(rows) - n_before)
        lengths.append(total)
    n_docs = len(counts)
    length_arr = np.frombuffer(lengths, dtype=np.float64) if n_docs else np.zeros(0)
    if avg_len is None:
        avg_len = float(length_arr.mean()) if n_docs and length_arr.mean() > 0 else 1.0
    cols = (
        np.repeat(np.arange(n_docs, dtype=np.int32), np.frombuffer(counts, dtype=np.int32))
        if n_docs
        else (np.zeros(0, dtype=np.int32))
    )
    tf = np.frombuffer(tfs, dtype=np.float32) if len(tfs) else np.zeros(0, dtype=np.float32)
    norm = (k1 * (1.0 - b + b * length_arr / avg_len)).astype(np.float32)
    vals = tf * np.float32(k1 + 1.0) / (tf + norm[cols])
    row_arr = np.frombuffer(rows, dtype=np.int32) if len(rows) else np.zeros(0, dtype=np.int32)
    m = sp.csr_matrix((vals, (row_arr, cols)), shape=(len(vocab), n_docs), dtype=np.float32)
    m.sum_duplicates()
    m.sort_indices()
    df = np.diff(m.indptr).astype(np.float64)
    return m, df, float(avg_len)


def idf(df: np.ndarray | float, n_docs: int) -> np.ndarray | float:
    """BM25 idf, ``log(1 + (N - df + 0.5) / (df + 0.5))``, always positive."""
    return np.log1p((n_docs - np.asarray(df) + 0.5) / (np.asarray(df) + 0.5))


def accumulate(matrix: sp.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum ``weights[i] * matrix[rows[i]]`` into a dense score vector.

    Only the posting lists of ``rows`` are read, so the cost is the total
    posting length of the query terms plus one pass over ``n_docs``. The
    rows are summed in compiled code (:func:`matching.kernels.accumulate_rows`),
    term by term in the order of ``rows``, so every document's sum is formed
    in the same order as a plain loop would.
    """
    n = matrix.shape[1]
    if len(rows) == 0 or n == 0:
        return np.zeros(n, dtype=np.float64)
    return accumulate_rows(
        matrix.indptr,
        matrix.indices,
        matrix.data,
        np.asarray(rows, dtype=np.int64),
        np.asarray(weights, dtype=np.float64),
        n,
    )


def positions_in(sorted_ids: np.ndarray, order: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Position of each of ``ids`` among the ids that ``sorted_ids = all_ids[order]`` sorts,
    -1 where absent (binary search)."""
    if not len(sorted_ids):
        return np.full(len(ids), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return np.where(sorted_ids[at] == ids, order[at], -1)


def top_k_indices(scores: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores, best first, ties broken by ascending id."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if k < n:
        # the k-th best score (which of several tied at it is picked does not matter: all are taken next)
        kth = scores[top_indices(scores, k)].min()
        # include every element tied with the k-th score so the id tie-break is exact
        part = np.flatnonzero(scores >= kth)
    else:
        part = np.arange(n)
    order = np.lexsort((ids[part], -scores[part]))
    return part[order][:k]


def sublinear(count: float) -> float:
    """``1 + log(count)`` for positive counts, else 0."""
    return 1.0 + math.log(count) if count > 0 else 0.0
