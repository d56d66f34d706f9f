"""Immutable index segments and snapshots.

A :class:`Snapshot` is a large *main* segment, a small *delta* segment
holding recently added/updated records, and a set of *tombstoned* ids
(removed, or superseded by a newer version in the delta). Writers build a
new snapshot and publish it with one reference assignment, so readers always
see a complete, consistent structure. :func:`merge_segments` folds the delta
into the main segment with matrix operations only (no re-tokenisation).

The delta is scored with the main segment's average length, and idf is
computed at query time from both segments' document frequencies, so scores
do not jump when records move from delta to main.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .factors import education_code, region_code_int
from .scoring import saturation_matrix, weighted_tf
from .text import normalize
from .types import KINDS, DocTokens, MatchDoc

__all__ = ["Segment", "Snapshot", "build_segment", "merge_segments", "sufficient"]

_NO_DATE_LO = 0
_NO_DATE_HI = np.iinfo(np.int32).max


def sufficient(tokens: DocTokens, min_tokens: int) -> bool:
    """True if the record has at least ``min_tokens`` distinct content tokens (before synonyms)."""
    return tokens.content >= min_tokens


@dataclass(frozen=True, eq=False)
class Segment:
    """Column-aligned arrays for ``n`` documents plus a term-major matrix.

    ``matrix`` has shape ``(len(vocab), n)``; row ``vocab[t]`` is the posting
    list of term ``t`` with BM25 saturation values.
    """

    ids: np.ndarray
    vocab: dict[str, int]
    matrix: sp.csr_matrix
    df: np.ndarray
    kind: np.ndarray
    edu: np.ndarray
    region: np.ndarray
    org: np.ndarray
    active: np.ndarray
    valid_from: np.ndarray
    valid_until: np.ndarray
    ok: np.ndarray
    has_skills: np.ndarray
    has_majors: np.ndarray
    has_ind: np.ndarray
    titles: tuple[str, ...]
    norm_titles: tuple[str, ...]
    skills: tuple[tuple[str, ...], ...]
    majors: tuple[tuple[str, ...], ...]
    industries: tuple[frozenset[str], ...]
    synonyms: tuple[tuple[str, ...], ...]

    @property
    def n(self) -> int:
        """Number of documents."""
        return len(self.ids)

    def position(self) -> dict[int, int]:
        """``id -> column`` mapping (built on demand)."""
        return {int(i): p for p, i in enumerate(self.ids)}


def _date_ord(d: dt.date | None, default: int) -> int:
    return d.toordinal() if d is not None else default


def build_segment(
    docs: Sequence[MatchDoc],
    tokens: Sequence[DocTokens],
    *,
    field_weights: Mapping[str, float],
    k1: float,
    b: float,
    min_tokens: int,
    avg_len: float | None = None,
) -> tuple[Segment, float]:
    """Build a segment; returns it and the average weighted length used."""
    vocab: dict[str, int] = {}
    tfs = [weighted_tf(t.fields(), field_weights) for t in tokens]
    matrix, df, avg = saturation_matrix(tfs, vocab, k1=k1, b=b, avg_len=avg_len)
    kind_code = {k: i for i, k in enumerate(KINDS)}
    seg = Segment(
        ids=np.fromiter((d.id for d in docs), dtype=np.int64, count=len(docs)),
        vocab=vocab,
        matrix=matrix,
        df=df,
        kind=np.fromiter((kind_code[d.kind] for d in docs), dtype=np.int8, count=len(docs)),
        edu=np.fromiter((education_code(d.education_level) for d in docs), dtype=np.int8, count=len(docs)),
        region=np.fromiter((region_code_int(d.region_code) for d in docs), dtype=np.int64, count=len(docs)),
        org=np.fromiter(
            (d.organization_id if d.organization_id is not None else -1 for d in docs),
            dtype=np.int64,
            count=len(docs),
        ),
        active=np.fromiter((d.is_active() for d in docs), dtype=bool, count=len(docs)),
        valid_from=np.fromiter((_date_ord(d.valid_from, _NO_DATE_LO) for d in docs), dtype=np.int64, count=len(docs)),
        valid_until=np.fromiter((_date_ord(d.valid_until, _NO_DATE_HI) for d in docs), dtype=np.int64, count=len(docs)),
        ok=np.fromiter((sufficient(t, min_tokens) for t in tokens), dtype=bool, count=len(docs)),
        has_skills=np.fromiter((bool(d.skills) for d in docs), dtype=bool, count=len(docs)),
        has_majors=np.fromiter((bool(d.majors) for d in docs), dtype=bool, count=len(docs)),
        has_ind=np.fromiter((bool(d.industries) for d in docs), dtype=bool, count=len(docs)),
        titles=tuple(d.title for d in docs),
        norm_titles=tuple(normalize(d.title) for d in docs),
        skills=tuple(d.skills for d in docs),
        majors=tuple(d.majors for d in docs),
        industries=tuple(frozenset(normalize(i) for i in d.industries) for d in docs),
        synonyms=tuple(t.synonyms for t in tokens),
    )
    return seg, avg


def _cat(a: np.ndarray, b: np.ndarray, keep_a: np.ndarray) -> np.ndarray:
    return np.concatenate([a[keep_a], b])


def merge_segments(main: Segment, delta: Segment, dead: frozenset[int]) -> Segment:
    """Fold ``delta`` into ``main``, dropping tombstoned main ids (matrix ops only)."""
    keep = ~np.isin(main.ids, np.fromiter(dead, dtype=np.int64, count=len(dead)))
    vocab = dict(main.vocab)
    remap = np.empty(len(delta.vocab), dtype=np.int64)
    for t, r in delta.vocab.items():
        remap[r] = vocab.setdefault(t, len(vocab))
    v = len(vocab)
    m_main = main.matrix[:, np.flatnonzero(keep)]
    m_main = sp.vstack([m_main, sp.csr_matrix((v - m_main.shape[0], m_main.shape[1]), dtype=np.float32)])
    coo = delta.matrix.tocoo()
    m_delta = sp.csr_matrix((coo.data, (remap[coo.row], coo.col)), shape=(v, delta.n), dtype=np.float32)
    matrix = sp.hstack([m_main, m_delta], format="csr", dtype=np.float32)
    matrix.sort_indices()
    kp = np.flatnonzero(keep)
    return Segment(
        ids=_cat(main.ids, delta.ids, keep),
        vocab=vocab,
        matrix=matrix,
        df=np.diff(matrix.indptr).astype(np.float64),
        kind=_cat(main.kind, delta.kind, keep),
        edu=_cat(main.edu, delta.edu, keep),
        region=_cat(main.region, delta.region, keep),
        org=_cat(main.org, delta.org, keep),
        active=_cat(main.active, delta.active, keep),
        valid_from=_cat(main.valid_from, delta.valid_from, keep),
        valid_until=_cat(main.valid_until, delta.valid_until, keep),
        ok=_cat(main.ok, delta.ok, keep),
        has_skills=_cat(main.has_skills, delta.has_skills, keep),
        has_majors=_cat(main.has_majors, delta.has_majors, keep),
        has_ind=_cat(main.has_ind, delta.has_ind, keep),
        titles=tuple(main.titles[i] for i in kp) + delta.titles,
        norm_titles=tuple(main.norm_titles[i] for i in kp) + delta.norm_titles,
        skills=tuple(main.skills[i] for i in kp) + delta.skills,
        majors=tuple(main.majors[i] for i in kp) + delta.majors,
        industries=tuple(main.industries[i] for i in kp) + delta.industries,
        synonyms=tuple(main.synonyms[i] for i in kp) + delta.synonyms,
    )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What a reader sees: main + delta segments, tombstones and global stats.

    ``dead`` holds main-segment ids that were removed or superseded;
    ``delta_docs``/``delta_tokens`` are kept so the delta can be rebuilt on
    the next write.
    """

    main: Segment
    delta: Segment
    dead: frozenset[int]
    dead_mask: np.ndarray
    delta_docs: tuple[MatchDoc, ...]
    delta_tokens: tuple[DocTokens, ...]
    avg_len: float
    n_live: int
    version: int

    def df(self, term: str) -> float:
        """Document frequency of ``term`` over both segments (tombstones included)."""
        total = 0.0
        r = self.main.vocab.get(term)
        if r is not None:
            total += self.main.df[r]
        r = self.delta.vocab.get(term)
        if r is not None:
            total += self.delta.df[r]
        return total

    def ids(self) -> set[int]:
        """Ids of all live documents."""
        live = {int(i) for i in self.main.ids[~self.dead_mask]}
        live.update(int(i) for i in self.delta.ids)
        return live
