"""Typo-tolerant title/name search and keyword search.

:meth:`TitleSearch.search` finds titles despite a wrong, missing, extra or
swapped character: candidates come from a character n-gram inverted index
(padded bigrams for all text plus single CJK characters, scored by Dice
overlap over the query grams' posting lists only), then the best
``max_candidates`` are re-ranked with rapidfuzz ``ratio`` (normalised Indel
similarity). :meth:`TitleSearch.search_keywords` ranks records for a
multi-word query by BM25 over title and text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from .scoring import accumulate, idf, saturation_matrix, top_k_indices, weighted_tf
from .text import _CJK_RE, normalize, tokenize

__all__ = ["SearchHit", "TitleSearch", "char_grams"]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result: ``score`` in [0, 1]."""

    id: int
    score: float
    title: str


def char_grams(s: str) -> set[str]:
    """Character grams of a normalised string: padded bigrams plus single CJK characters."""
    if not s:
        return set()
    padded = f"\x02{s}\x03"
    grams = {padded[i : i + 2] for i in range(len(padded) - 1)}
    grams.update(ch for ch in s if _CJK_RE.match(ch))
    return grams


class TitleSearch:
    """Search index over record titles (and optionally texts).

    Parameters
    ----------
    max_candidates : int, default 200
        Candidates taken from the n-gram index for fuzzy re-ranking.

    Attributes
    ----------
    ids_ : ndarray of int64
    titles_ : tuple of str
    """

    def __init__(self, *, max_candidates: int = 200) -> None:
        self.max_candidates = max_candidates

    def fit(self, ids: Sequence[int], titles: Sequence[str], texts: Sequence[str] | None = None) -> TitleSearch:
        """Index ``titles`` (and ``texts`` for keyword search); returns ``self``."""
        if self.max_candidates < 1:
            raise ValueError("max_candidates must be >= 1")
        if len(ids) != len(titles) or (texts is not None and len(texts) != len(ids)):
            raise ValueError("ids, titles and texts must have the same length")
        self.ids_ = np.asarray(ids, dtype=np.int64)
        self.titles_ = tuple(titles)
        self._norm = [normalize(t) for t in titles]
        gram_ids: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        n_grams = np.zeros(len(titles), dtype=np.float64)
        for j, s in enumerate(self._norm):
            g = char_grams(s)
            n_grams[j] = len(g)
            for x in g:
                rows.append(gram_ids.setdefault(x, len(gram_ids)))
                cols.append(j)
        self._grams = gram_ids
        self._gram_matrix = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(gram_ids), len(titles))
        )
        self._n_grams = n_grams
        self._bm25 = None
        if texts is not None:
            vocab: dict[str, int] = {}
            tfs = [
                weighted_tf({"title": tokenize(t), "text": tokenize(x)}, {"title": 3.0, "text": 1.0})
                for t, x in zip(titles, texts, strict=True)
            ]
            m, df, _ = saturation_matrix(tfs, vocab, k1=1.2, b=0.75)
            self._bm25 = (vocab, m, np.asarray(idf(df, len(titles))))
        return self

    def search(self, query: str, *, top_k: int = 10) -> list[SearchHit]:
        """Titles most similar to ``query`` (typo tolerant), best first, ties by id."""
        q = normalize(query)
        grams = [self._grams[g] for g in sorted(char_grams(q)) if g in self._grams]
        if not grams or top_k <= 0:
            return []
        shared = accumulate(self._gram_matrix, np.asarray(grams, dtype=np.int64), np.ones(len(grams)))
        dice = 2.0 * shared / (self._n_grams + len(char_grams(q)))
        cand = top_k_indices(dice, self.ids_, self.max_candidates)
        cand = cand[dice[cand] > 0]
        if len(cand) == 0:
            return []
        sims = process.cdist([q], [self._norm[j] for j in cand], scorer=fuzz.ratio)[0] / 100.0
        order = np.lexsort((self.ids_[cand], -sims))[:top_k]
        return [SearchHit(int(self.ids_[cand[o]]), round(float(sims[o]), 6), self.titles_[cand[o]]) for o in order]

    def search_keywords(self, query: str, *, top_k: int = 10) -> list[SearchHit]:
        """Records matching the words of ``query`` in title or text, by BM25 (score / best possible).

        Requires ``texts`` at :meth:`fit`; otherwise titles are used via :meth:`search`.
        """
        if self._bm25 is None:
            return self.search(query, top_k=top_k)
        vocab, m, idfs = self._bm25
        terms = sorted(set(tokenize(query)))
        rows = np.asarray([vocab[t] for t in terms if t in vocab], dtype=np.int64)
        if len(rows) == 0 or top_k <= 0:
            return []
        w = idfs[rows]
        raw = accumulate(m, rows, w)
        upper = float(w.sum() * 2.2) + 1e-12  # k1 + 1 with k1 = 1.2
        top = top_k_indices(raw, self.ids_, top_k)
        return [
            SearchHit(int(self.ids_[j]), round(float(min(raw[j] / upper, 1.0)), 6), self.titles_[j])
            for j in top
            if raw[j] > 0
        ]
