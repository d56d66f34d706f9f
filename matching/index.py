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
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .factors import education_code, region_code_int
from .precedents import names_of
from .scoring import positions_in, saturation_matrix, weighted_tf
from .semantic import semantic_text
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
    list of term ``t`` with BM25 saturation values (column indices sorted).
    ``sem_texts`` holds each record's :func:`matching.semantic.semantic_text`
    (None for non-English records, or for all when the index has no
    semantic model); ``has_sem`` marks the records that have one.
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
    sem_texts: tuple[str | None, ...]
    has_sem: np.ndarray

    @property
    def n(self) -> int:
        """Number of documents."""
        return len(self.ids)

    @cached_property
    def name_positions(self) -> dict[str, np.ndarray]:
        """``normalised name -> columns`` of the documents known by that title or major (precedents)."""
        out: dict[str, list[int]] = {}
        for pos, (title, majors) in enumerate(zip(self.norm_titles, self.majors, strict=True)):
            for name in names_of(title, majors):
                out.setdefault(name, []).append(pos)
        return {k: np.asarray(v, dtype=np.int64) for k, v in out.items()}

    @cached_property
    def lacks(self) -> np.ndarray:
        """Per record, a bit for each factor of stage B it has no data for: skills (1), majors (2),
        industries (4), an English text for the ``semantic`` factor (8)."""
        bits = (~self.has_skills).astype(np.uint8)
        bits |= (~self.has_majors).astype(np.uint8) << 1
        bits |= (~self.has_ind).astype(np.uint8) << 2
        bits |= (~self.has_sem).astype(np.uint8) << 3
        return bits

    @cached_property
    def valid_days(self) -> tuple[int, int]:
        """``(first, last)`` day ordinal on which every record is within its validity window."""
        if not self.n:
            return (_NO_DATE_LO, _NO_DATE_HI)
        return (int(self.valid_from.max()), int(self.valid_until.min()))

    @cached_property
    def all_active(self) -> bool:
        """Whether no record is inactive by status."""
        return bool(self.active.all())

    @cached_property
    def kind_codes(self) -> frozenset[int]:
        """Codes (``KINDS`` positions) of the record kinds present."""
        return frozenset(np.unique(self.kind).tolist())

    @cached_property
    def _by_id(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.ids, kind="stable")
        return self.ids[order], order

    def positions_of(self, ids: np.ndarray) -> np.ndarray:
        """Column of each of ``ids`` (int64 array), -1 where the segment does not hold it
        (binary search in a sorted copy of the ids, made once per segment)."""
        return positions_in(*self._by_id, ids)


def _date_ord(d: dt.date | None, default: int) -> int:
    return d.toordinal() if d is not None else default


def build_segment(
    pairs: Iterable[tuple[MatchDoc, DocTokens]],
    *,
    field_weights: Mapping[str, float],
    k1: float,
    b: float,
    min_tokens: int,
    avg_len: float | None = None,
    semantic: bool = False,
) -> tuple[Segment, float]:
    """Build a segment from ``(doc, tokens)`` pairs, consumed once (a generator is fine).

    Only compact per-document metadata is kept (no token lists; with
    ``semantic`` the text to embed, see :mod:`matching.semantic`).
    Returns the segment and the average weighted length used.
    """
    kind_code = {k: i for i, k in enumerate(KINDS)}
    ints: dict[str, array] = {k: array("q") for k in ("ids", "kind", "edu", "region", "org", "vf", "vu")}
    flags: dict[str, array] = {k: array("b") for k in ("active", "ok", "sk", "mj", "ind")}
    titles: list[str] = []
    norm_titles: list[str] = []
    skills: list[tuple[str, ...]] = []
    majors: list[tuple[str, ...]] = []
    industries: list[frozenset[str]] = []
    synonyms: list[tuple[str, ...]] = []
    sem_texts: list[str | None] = []

    def tfs() -> Iterator[dict[str, float]]:
        for d, t in pairs:
            for key, v in (
                ("ids", d.id),
                ("kind", kind_code[d.kind]),
                ("edu", education_code(d.education_level)),
                ("region", region_code_int(d.region_code)),
                ("org", d.organization_id if d.organization_id is not None else -1),
                ("vf", _date_ord(d.valid_from, _NO_DATE_LO)),
                ("vu", _date_ord(d.valid_until, _NO_DATE_HI)),
            ):
                ints[key].append(v)
            for key, f in (
                ("active", d.is_active()),
                ("ok", sufficient(t, min_tokens)),
                ("sk", bool(d.skills)),
                ("mj", bool(d.majors)),
                ("ind", bool(d.industries)),
            ):
                flags[key].append(f)
            titles.append(d.title)
            norm_titles.append(normalize(d.title))
            skills.append(d.skills)
            majors.append(d.majors)
            industries.append(frozenset(normalize(i) for i in d.industries) if d.industries else _EMPTY)
            synonyms.append(t.synonyms)
            sem_texts.append(semantic_text(d) if semantic else None)
            yield weighted_tf(t.fields(), field_weights)

    vocab: dict[str, int] = {}
    matrix, df, avg = saturation_matrix(tfs(), vocab, k1=k1, b=b, avg_len=avg_len)

    def i64(key: str) -> np.ndarray:
        return np.asarray(ints[key], dtype=np.int64)

    def flag(key: str) -> np.ndarray:
        return np.asarray(flags[key], dtype=bool)

    seg = Segment(
        ids=i64("ids"),
        vocab=vocab,
        matrix=matrix,
        df=df,
        kind=i64("kind").astype(np.int8),
        edu=i64("edu").astype(np.int8),
        region=i64("region"),
        org=i64("org"),
        active=flag("active"),
        valid_from=i64("vf").astype(np.int32),  # day ordinals (int32: less to read per query)
        valid_until=i64("vu").astype(np.int32),
        ok=flag("ok"),
        has_skills=flag("sk"),
        has_majors=flag("mj"),
        has_ind=flag("ind"),
        titles=tuple(titles),
        norm_titles=tuple(norm_titles),
        skills=tuple(skills),
        majors=tuple(majors),
        industries=tuple(industries),
        synonyms=tuple(synonyms),
        sem_texts=tuple(sem_texts),
        has_sem=np.fromiter((x is not None for x in sem_texts), dtype=bool, count=len(sem_texts)),
    )
    return _summarised(seg), avg


_EMPTY: frozenset[str] = frozenset()


def _summarised(seg: Segment) -> Segment:
    """``seg`` with the whole-segment facts the candidate pass reads computed now, not on a request."""
    _ = seg.kind_codes, seg.valid_days, seg.all_active, seg.lacks
    return seg


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
    merged = Segment(
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
        sem_texts=tuple(main.sem_texts[i] for i in kp) + delta.sem_texts,
        has_sem=_cat(main.has_sem, delta.has_sem, keep),
    )
    return _summarised(merged)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What a reader sees: main + delta segments, tombstones and global stats.

    ``dead`` holds main-segment ids that were removed or superseded
    (``dead_mask`` marks their columns); ``delta_docs``/``delta_tokens`` are
    the delta's records, in its column order.
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

    def df_many(self, terms: list[str]) -> list[float]:
        """:meth:`df` of each of ``terms`` (one gather per segment)."""
        total = np.zeros(len(terms))
        for seg in (self.main, self.delta):
            if not seg.vocab:
                continue
            rows = np.fromiter((seg.vocab.get(t, -1) for t in terms), dtype=np.int64, count=len(terms))
            total += np.where(rows >= 0, seg.df[rows], 0.0)
        return total.tolist()

    def ids(self) -> set[int]:
        """Ids of all live documents."""
        live = {int(i) for i in self.main.ids[~self.dead_mask]}
        live.update(int(i) for i in self.delta.ids)
        return live
