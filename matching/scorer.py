"""Per-query scoring state: weighted query terms, text accumulation and term contributions."""

from __future__ import annotations

import math

import numpy as np

from .index import Segment, Snapshot
from .kernels import page_terms
from .params import MatchParams
from .precedents import Precedents
from .reranker import Reranker
from .scoring import accumulate
from .semantic import SemanticModel, semantic_text
from .types import DocTokens, MatchDoc, TermContribution

__all__ = ["Scorer"]

#: Terms listed per part in an explanation.
MAX_EXPLAINED_TERMS = 12


class Scorer:
    """Per-query state: weighted terms and their normalised contributions.

    Parameters
    ----------
    snap : Snapshot
        The index the query runs against.
    params : MatchParams
    query : MatchDoc
    toks : DocTokens
        The query's tokens.
    qw, ew : dict of str to float
        Raw query and expansion term weights (before idf).
    query_ok : bool
        Whether the query has enough content to be scored.
    precedents : Precedents, optional
        The query's learned precedents (demand queries); none by default.
    semantic : SemanticModel, optional
        Encoder of the ``semantic`` factor; the factor counts when it is
        given, its weight is positive and the query is English.
    reranker : Reranker, optional
        Learned re-ranker of the head (demand queries); the ``reranker``
        factor counts when it is given and its weight is positive.
    """

    def __init__(
        self,
        snap: Snapshot,
        params: MatchParams,
        query: MatchDoc,
        toks: DocTokens,
        qw: dict[str, float],
        ew: dict[str, float],
        *,
        query_ok: bool,
        precedents: Precedents | None = None,
        semantic: SemanticModel | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.snap, self.params, self.query, self.toks, self.query_ok = snap, params, query, toks, query_ok
        self.precedents = precedents or Precedents()
        #: Whether the ``precedent`` factor counts for this query.
        self.use_precedents = bool(self.precedents.scores) and params.weight_precedent > 0
        self.semantic = semantic
        #: The query's text to embed when the ``semantic`` factor counts for it, else None.
        self.sem_query = semantic_text(query) if semantic is not None and params.weight_semantic > 0 else None
        self.use_semantic = self.sem_query is not None
        #: The re-ranker when the ``reranker`` factor counts for this query, else None.
        self.reranker = reranker if reranker is not None and params.weight_reranker > 0 else None
        n = max(snap.n_live, 1)
        k1 = params.k1
        lam = params.association_weight if ew else 0.0

        def weigh(d: dict[str, float], cap: int) -> dict[str, float]:
            items = [
                (t, w * math.log1p((n - df + 0.5) / (df + 0.5)))  # scoring.idf, scalar
                for (t, w), df in zip(d.items(), snap.df_many(list(d)), strict=True)
                if df > 0
            ]
            items.sort(key=lambda x: (-x[1], x[0]))
            return dict(items[:cap])

        q = weigh(qw, params.max_query_terms)
        e = weigh(ew, params.max_expansion_terms)
        u1 = sum(q.values()) * (k1 + 1) or 1.0
        u2 = sum(e.values()) * (k1 + 1) or 1.0
        self.q_part = {t: v / u1 / (1 + lam) for t, v in q.items()}
        self.e_part = {t: lam * v / u2 / (1 + lam) for t, v in e.items()}
        combined = dict(self.q_part)
        for t, v in self.e_part.items():
            combined[t] = combined.get(t, 0.0) + v
        self.terms = sorted(combined.items())
        self._rows: dict[tuple[int, int], tuple[np.ndarray, list[str], np.ndarray]] = {}

    def text(self, seg: Segment) -> np.ndarray:
        """Text value in [0, 1] for every document of ``seg`` (0 = no shared term)."""
        rows, wts = [], []
        for t, w in self.terms:
            r = seg.vocab.get(t)
            if r is not None:
                rows.append(r)
                wts.append(w)
        return accumulate(seg.matrix, np.asarray(rows, dtype=np.int64), np.asarray(wts, dtype=np.float64))

    def precedent_hits(self, seg: Segment) -> tuple[np.ndarray, np.ndarray]:
        """``(positions, values)`` of the documents of ``seg`` with a precedent (a position may repeat: take the max)."""
        if self.use_precedents:
            where = seg.name_positions
            hits = [(cols, v) for name, v in self.precedents.scores.items() if (cols := where.get(name)) is not None]
            if hits:
                return np.concatenate([c for c, _ in hits]), np.repeat([v for _, v in hits], [len(c) for c, _ in hits])
        return np.zeros(0, dtype=np.int64), np.zeros(0)

    def semantic_values(self, texts: list[str | None]) -> list[float | None]:
        """``semantic`` factor value of each candidate text (None where a candidate has no English text)."""
        if self.semantic is None or self.sem_query is None:
            return [None] * len(texts)
        return self.semantic.similarities(self.sem_query, texts)

    def _part_rows(self, seg: Segment, part: dict[str, float]) -> tuple[np.ndarray, list[str], np.ndarray]:
        key = (id(seg), id(part))
        found = self._rows.get(key)
        if found is None:
            hits = sorted((r, t, w) for t, w in part.items() if (r := seg.vocab.get(t)) is not None)
            found = (
                np.asarray([h[0] for h in hits], dtype=np.int64),
                [h[1] for h in hits],
                np.asarray([h[2] for h in hits], dtype=np.float64),
            )
            self._rows[key] = found
        return found

    def contributions(self, seg: Segment, positions: list[int], part: dict[str, float]) -> list[list[TermContribution]]:
        """For each document position: terms of ``part`` it contains, with their share of the text value.

        Each list is sorted by contribution (descending, rounded to 6 places),
        then term, and holds at most :data:`MAX_EXPLAINED_TERMS` entries.
        """
        if not positions or not part:
            return [[] for _ in positions]
        rows, terms, wts = self._part_rows(seg, part)
        if len(rows) == 0:
            return [[] for _ in positions]
        m = seg.matrix  # each page record's largest term values (binary search in each posting list)
        # only the first MAX_EXPLAINED_TERMS and those whose rounded value ties with the last of them
        # can be listed (rounding to 6 places is monotone and moves a value by at most 5e-7)
        starts_a, kk_a, v_a = page_terms(
            m.indptr, m.indices, m.data, rows, wts, np.asarray(positions, dtype=np.int64), MAX_EXPLAINED_TERMS, 1e-6
        )
        starts, o_kk, o_v = starts_a.tolist(), kk_a.tolist(), v_a.tolist()
        out = []
        for lo, hi in zip(starts[:-1], starts[1:], strict=True):
            items: list[tuple[float, str]] = []
            for j in range(lo, hi):
                c = round(o_v[j], 6)
                if len(items) >= MAX_EXPLAINED_TERMS and c < -items[MAX_EXPLAINED_TERMS - 1][0]:
                    break
                items.append((-c, terms[o_kk[j]]))
            items.sort()
            out.append([TermContribution(t, -c) for c, t in items[:MAX_EXPLAINED_TERMS]])
        return out
