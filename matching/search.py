"""Typo-tolerant title/name search and keyword search.

:meth:`TitleSearch.search` finds titles despite a wrong, missing, extra or
swapped character: candidates come from a character n-gram inverted index
(padded bigrams for all text plus single CJK characters, scored by Dice
overlap over the query grams' posting lists only), then the best
``max_candidates`` are re-ranked with rapidfuzz ``ratio`` (normalised Indel
similarity), except that a swap of two adjacent characters counts as one edit, as a
missing or extra character does (Indel counts it as two). :meth:`TitleSearch.search_keywords` ranks records for a
multi-word query by BM25 over title and text.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from .kernels import warm as warm_kernels
from .scoring import accumulate, idf, positions_in, saturation_matrix, top_k_indices, weighted_tf
from .text import _CJK_RE, normalize, tokenize

__all__ = ["SearchHit", "TitleSearch", "Tombstones", "char_grams"]

#: ``Tombstones.first_live`` of a title group with no live member.
_NO_LIVE = np.iinfo(np.int64).max


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result: ``score`` in [0, 1]."""

    id: int
    score: float
    title: str


def _count_swaps_once(q: str, sims: np.ndarray, titles: Sequence[str]) -> None:
    """Raise in place the similarity of titles one adjacent swap away from ``q`` to that of one edit.

    ``ratio`` counts a swap as two edits (a deletion and an insertion): 1 - 2 / (2 L), the same
    as a wrong character, so "中学医" ranked 中医 (one extra character, 0.8) above 中医学 (one
    swap, 0.67). A swap is one edit, as a missing or extra character is: 1 - 1 / (2 L).
    Only titles of the query's length with ratio 1 - 1 / L can be one swap away (``cdist`` gives
    float32 scores, hence the tolerance).
    """
    n = len(q)
    if n < 2:
        return
    for o in np.flatnonzero(np.abs(sims - (1.0 - 1.0 / n)) < 1e-5):
        t = titles[o]
        # equal length, one OSA edit, but two Levenshtein edits: a transposition, not a substitution
        if len(t) == n and OSA.distance(q, t, score_cutoff=1) == 1 and Levenshtein.distance(q, t, score_cutoff=2) == 2:
            sims[o] = 1.0 - 1.0 / (2 * n)


@dataclass(frozen=True, eq=False)
class Tombstones:
    """Records of a :class:`TitleSearch` that searches must skip (removed or superseded since
    the fit), made by :meth:`TitleSearch.tombstone`. ``mask`` marks their positions;
    ``first_live`` is each title group's smallest live id (``_NO_LIVE`` when none is left),
    the group's tie-break and the test of whether it can still give a hit."""

    mask: np.ndarray
    first_live: np.ndarray
    count: int


def char_grams(s: str) -> set[str]:
    """Character grams of a normalised string.

    Strings containing CJK: padded bigrams plus single CJK characters (one
    edit destroys at most 3 of them). Other strings: padded trigrams (one
    edit destroys at most 4).
    """
    if not s:
        return set()
    if _CJK_RE.search(s):
        padded = f"\x02{s}\x03"
        grams = {padded[i : i + 2] for i in range(len(padded) - 1)}
        grams.update(ch for ch in s if _CJK_RE.match(ch))
        return grams
    padded = f"\x02\x02{s}\x03\x03"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _grams_per_edit(s: str) -> int:
    return 3 if _CJK_RE.search(s) else 4


class TitleSearch:
    """Search index over record titles (and optionally texts).

    Parameters
    ----------
    max_candidates : int, default 200
        Candidates taken from the n-gram index for fuzzy re-ranking.
    max_edits : int, default 1
        Edits for which candidate generation is exact: one edit destroys at
        most ``e`` of the query's grams (``e`` = 3 for CJK, 4 otherwise; see
        :func:`char_grams`), so a title within ``max_edits`` edits shares at
        least ``len(grams) - e * max_edits`` of them (q-gram lemma); titles
        below that are only considered when nothing reaches it.
        Titles further away can still be found, but are not guaranteed.

    Attributes
    ----------
    ids_ : ndarray of int64
    titles_ : tuple of str
    """

    def __init__(self, *, max_candidates: int = 200, max_edits: int = 1) -> None:
        self.max_candidates = max_candidates
        self.max_edits = max_edits

    def fit(
        self,
        ids: Sequence[int],
        titles: Sequence[str],
        texts: Sequence[str] | None = None,
        *,
        keyword_tokens: Sequence[tuple[Sequence[str], Sequence[str]]] | None = None,
    ) -> TitleSearch:
        """Index ``titles`` (and ``texts`` for keyword search); returns ``self``.

        ``keyword_tokens`` gives each record's ``(title tokens, text tokens)`` for the keyword
        search instead of tokenising ``texts`` here (e.g. ``DocTokens.title`` and
        ``DocTokens.text``, which also hold the synonym expansions); ``texts`` is then not needed.
        """
        if self.max_candidates < 1 or self.max_edits < 0:
            raise ValueError("max_candidates must be >= 1 and max_edits >= 0")
        if len(ids) != len(titles) or any(x is not None and len(x) != len(ids) for x in (texts, keyword_tokens)):
            raise ValueError("ids, titles, texts and keyword_tokens must have the same length")
        warm_kernels()  # not on the first search
        self.ids_ = np.asarray(ids, dtype=np.int64)
        self.titles_ = tuple(titles)
        # Catalogue names repeat (many schools run 软件技术): index each distinct normalised title once.
        groups: dict[str, list[int]] = {}
        for pos, t in enumerate(titles):
            groups.setdefault(normalize(t), []).append(pos)
        self._norm = list(groups)
        self._members = [np.asarray(sorted(v, key=lambda p: self.ids_[p]), dtype=np.int64) for v in groups.values()]
        self._first_id = np.asarray([self.ids_[m[0]] for m in self._members], dtype=np.int64)
        self._group_of = np.empty(len(titles), dtype=np.int64)
        for g, m in enumerate(self._members):
            self._group_of[m] = g
        self._by_id = np.argsort(self.ids_, kind="stable")
        self._sorted_ids = self.ids_[self._by_id]
        gram_ids: dict[str, int] = {}
        rows, cols = array("i"), array("i")  # typed: a million distinct titles hold ~10M pairs
        n_grams = np.zeros(len(self._norm), dtype=np.float64)
        for j, s in enumerate(self._norm):
            g = char_grams(s)
            n_grams[j] = len(g)
            rows.extend(gram_ids.setdefault(x, len(gram_ids)) for x in g)
            cols.extend(itertools.repeat(j, len(g)))
        self._grams = gram_ids
        self._gram_matrix = sp.csr_matrix(
            (
                np.ones(len(rows), dtype=np.float32),
                (np.frombuffer(rows, dtype=np.int32), np.frombuffer(cols, dtype=np.int32)),
            ),
            shape=(len(gram_ids), len(self._norm)),
        )
        self._n_grams = n_grams
        self._title_grams = self._gram_matrix.T.tocsr()  # titles x grams
        self._gram_df = np.diff(self._gram_matrix.indptr)
        self._bm25 = None
        if keyword_tokens is None and texts is not None:
            keyword_tokens = [(tokenize(t), tokenize(x)) for t, x in zip(titles, texts, strict=True)]
        if keyword_tokens is not None:
            vocab: dict[str, int] = {}
            # a generator: the matrix is built from compact arrays, no list of a million dicts
            tfs = (weighted_tf({"title": t, "text": x}, {"title": 3.0, "text": 1.0}) for t, x in keyword_tokens)
            m, df, _ = saturation_matrix(tfs, vocab, k1=1.2, b=0.75)
            self._bm25 = (vocab, m, np.asarray(idf(df, len(titles))))
        return self

    def positions_of(self, ids: Sequence[int]) -> np.ndarray:
        """Positions of those of ``ids`` this index holds (binary search in the sorted ids)."""
        found = positions_in(self._sorted_ids, self._by_id, np.asarray(ids, dtype=np.int64))
        return np.unique(found[found >= 0])

    def tombstone(self, positions: np.ndarray, prior: Tombstones | None = None) -> Tombstones | None:
        """``prior`` plus the records at ``positions``; ``prior`` itself when nothing is new.
        Costs a copy of two arrays and a look at the touched title groups only."""
        mask = prior.mask if prior is not None else np.zeros(len(self.ids_), dtype=bool)
        new = positions[~mask[positions]]
        if not len(new):
            return prior
        mask = mask.copy()
        mask[new] = True
        first_live = (prior.first_live if prior is not None else self._first_id).copy()
        for g in np.unique(self._group_of[new]).tolist():
            live = self._members[g][~mask[self._members[g]]]
            first_live[g] = self.ids_[live[0]] if len(live) else _NO_LIVE
        return Tombstones(mask, first_live, (prior.count if prior is not None else 0) + len(new))

    def search(
        self, query: str, *, top_k: int = 10, gone: Tombstones | None = None, fallback: bool = True
    ) -> list[SearchHit]:
        """Titles most similar to ``query`` (typo tolerant), best first, ties by id; records in
        ``gone`` are skipped (at no cost per skipped record). Without ``fallback`` only titles
        within ``max_edits`` edits by the q-gram count are considered, never the weaker ones
        (an index in parts asks every part so first)."""
        q = normalize(query)
        q_grams = char_grams(q)
        grams = np.asarray(sorted(self._grams[g] for g in q_grams if g in self._grams), dtype=np.int64)
        if len(grams) == 0 or top_k <= 0:
            return []
        shared_all = accumulate(self._gram_matrix, grams, np.ones(len(grams)))
        # q-gram lemma: a title within max_edits edits shares at least this many of the query's grams
        need = max(1, len(q_grams) - _grams_per_edit(q) * self.max_edits)
        first_id = self._first_id if gone is None else gone.first_live
        if gone is not None:
            shared_all = np.where(first_id != _NO_LIVE, shared_all, 0)  # groups with no live member
        cand = np.flatnonzero(shared_all >= need)
        if len(cand) == 0 and fallback:
            cand = np.flatnonzero(shared_all > 0)
        shared = shared_all[cand]
        dice = 2.0 * shared / (self._n_grams[cand] + len(q_grams))
        if len(cand) > self.max_candidates:
            keep = top_k_indices(dice, first_id[cand], self.max_candidates)
            cand = cand[keep]
        names = [self._norm[j] for j in cand]
        sims = process.cdist([q], names, scorer=fuzz.ratio)[0] / 100.0
        _count_swaps_once(q, sims, names)
        hits: list[SearchHit] = []
        for o in np.lexsort((first_id[cand], -sims)):
            for pos in self._members[cand[o]]:
                if gone is not None and gone.mask[pos]:
                    continue
                hits.append(SearchHit(int(self.ids_[pos]), round(float(sims[o]), 6), self.titles_[pos]))
                if len(hits) >= top_k:  # members are in id order: the rest of a tie comes later
                    break
            if len(hits) >= top_k:
                break
        return hits[:top_k]

    def search_keywords(self, query: str, *, top_k: int = 10, gone: Tombstones | None = None) -> list[SearchHit]:
        """Records matching the words of ``query`` in title or text, by BM25 (score / best possible);
        records in ``gone`` are skipped.

        Requires ``texts`` at :meth:`fit`; otherwise titles are used via :meth:`search`.
        """
        if self._bm25 is None:
            return self.search(query, top_k=top_k, gone=gone)
        vocab, m, idfs = self._bm25
        terms = sorted(set(tokenize(query)))
        rows = np.asarray([vocab[t] for t in terms if t in vocab], dtype=np.int64)
        if len(rows) == 0 or top_k <= 0:
            return []
        w = idfs[rows]
        raw = accumulate(m, rows, w)
        if gone is not None:
            raw = np.where(gone.mask, 0.0, raw)
        upper = float(w.sum() * 2.2) + 1e-12  # k1 + 1 with k1 = 1.2
        top = top_k_indices(raw, self.ids_, top_k)
        return [
            SearchHit(int(self.ids_[j]), round(float(min(raw[j] / upper, 1.0)), 6), self.titles_[j])
            for j in top
            if raw[j] > 0
        ]
