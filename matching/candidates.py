"""Stage A of ranking: filtered candidates of a query and their vectorised scores.

Stage A scores every candidate (a record sharing a term with the query) by
its text, education and region factors, counting the fuzzy factors of stage B
as 0 where the candidate has the data and ``NEUTRAL`` where it lacks them.
Only the best ``depth`` stage-A scores matter for the page, so records whose
text value is too low to reach them are skipped before the per-record
factors are computed (:func:`head_pool`); the bound is exact, not a heuristic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .factors import education_code, education_lookup, region_code_int, region_similarity
from .index import Segment, Snapshot
from .kernels import live_positions, reaching, stage_a_scores, top_indices
from .params import MatchParams
from .scorer import Scorer
from .text import normalize
from .types import KINDS, Filters, MatchDoc

__all__ = ["NEUTRAL", "Candidates", "collect_candidates", "stage_a", "head_pool"]

_KIND_CODE = {k: i for i, k in enumerate(KINDS)}
#: Value assumed for a factor the query has data for but the candidate lacks.
NEUTRAL = 0.5
_NONE_DEAD = np.zeros(0, dtype=bool)
_NO_PREC = np.zeros(0)
#: Largest region similarity (see :func:`matching.factors.region_similarity`); NEUTRAL is below it.
_REGION_MAX = 1.0


def _filtered(seg: Segment, f: Filters, cand: np.ndarray) -> np.ndarray | None:
    """Which of the candidates ``cand`` (positions in ``seg``) pass the optional filters (None: all)."""
    keep: np.ndarray | None = None

    def both(m: np.ndarray) -> np.ndarray:
        return m if keep is None else keep & m

    if f.kinds is not None:
        keep = both(np.isin(seg.kind[cand], [_KIND_CODE[k] for k in f.kinds]))
    if f.region_prefix:
        digits = len(f.region_prefix)
        region = seg.region[cand]
        keep = both((region >= 0) & (region // 10 ** (6 - digits) == int(f.region_prefix)))
    if f.education_levels is not None:
        codes = [education_code(x) for x in f.education_levels] + [-1]
        keep = both(np.isin(seg.edu[cand], codes))
    if f.exclude_ids:
        keep = both(~np.isin(seg.ids[cand], list(f.exclude_ids)))
    if f.exclude_organization_ids:
        keep = both(~np.isin(seg.org[cand], list(f.exclude_organization_ids)))
    if f.industry:
        want = normalize(f.industry)
        keep = both(np.fromiter((want in seg.industries[i] for i in cand), dtype=bool, count=len(cand)))
    return keep


def _at_candidates(cand: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """Per candidate (ascending positions ``cand``) the largest of ``vals`` at its position in ``cols``, else 0."""
    out = np.zeros(len(cand))
    if len(cols) and len(cand):
        at = np.minimum(np.searchsorted(cand, cols), len(cand) - 1)
        hit = cand[at] == cols
        np.maximum.at(out, at[hit], vals[hit])
    return out


@dataclass(frozen=True, eq=False)
class Candidates:
    """Filtered candidates of one query over both segments, in segment order.

    ``seg_of[i]`` and ``pos[i]`` locate candidate ``i``; ``raw`` is its text
    value before saturation and ``ok`` whether both records can be scored;
    ``prec`` is its ``precedent`` factor value, or None when the query does
    not use that factor; ``semantic`` is whether the query uses the
    ``semantic`` factor.
    """

    segs: tuple[Segment, Segment]
    seg_of: np.ndarray
    pos: np.ndarray
    raw: np.ndarray
    ok: np.ndarray
    prec: np.ndarray | None = None
    semantic: bool = False

    def take(self, attr: str, idx: np.ndarray) -> np.ndarray:
        """Per-record array ``attr`` of the segments at candidates ``idx``."""
        pos = self.pos[idx]
        if not len(self.segs[1].ids) or not len(idx):
            return getattr(self.segs[0], attr)[pos]
        which = self.seg_of[idx]
        out = np.empty(len(idx), dtype=getattr(self.segs[0], attr).dtype)
        for si, seg in enumerate(self.segs):
            m = which == si
            out[m] = getattr(seg, attr)[pos[m]]
        return out


def collect_candidates(sc: Scorer, f: Filters, day: int) -> Candidates:
    """Records sharing a term with the query that pass the filters."""
    snap: Snapshot = sc.snap
    segs = (snap.main, snap.delta)
    seg_of, pos, raw, ok, prec = [], [], [], [], []
    for si, seg in enumerate(segs):
        if seg.n == 0:
            continue
        text = sc.text(seg)
        # one compiled pass for what every query checks (text, validity, tombstones, itself), then the
        # optional filters on the candidates only
        dead = snap.dead_mask if si == 0 and len(snap.dead) else _NONE_DEAD
        q = sc.query
        cand, cand_raw, cand_ok = live_positions(
            text,
            seg.active,
            seg.valid_from,
            seg.valid_until,
            day,
            dead,
            seg.ids,
            seg.kind,
            q.id,
            _KIND_CODE[q.kind] if _KIND_CODE[q.kind] in seg.kind_codes else -1,
            seg.ok,
            check_active=not seg.all_active,
            check_dates=not seg.valid_days[0] <= day <= seg.valid_days[1],
        )
        keep = _filtered(seg, f, cand)
        if keep is not None:
            cand, cand_raw, cand_ok = cand[keep], cand_raw[keep], cand_ok[keep]
        seg_of.append(np.full(len(cand), si, dtype=np.int8))
        pos.append(cand)
        raw.append(cand_raw)
        if sc.use_precedents:
            prec.append(_at_candidates(cand, *sc.precedent_hits(seg)))
        ok.append(cand_ok if sc.query_ok else np.zeros(len(cand), dtype=bool))

    def cat(xs: list[np.ndarray], dtype: type) -> np.ndarray:
        return xs[0] if len(xs) == 1 else np.concatenate(xs) if xs else np.zeros(0, dtype=dtype)

    return Candidates(
        segs,
        cat(seg_of, np.int8),
        cat(pos, np.int64),
        cat(raw, np.float64),
        cat(ok, bool),
        cat(prec, np.float64) if sc.use_precedents else None,
        sc.use_semantic,
    )


def _denominator(q: MatchDoc, p: MatchParams, use_precedents: bool, use_semantic: bool) -> float:
    # A factor counts iff the query has the data, so the denominator is the same for all candidates.
    den = p.weight_text + p.weight_education + (p.weight_precedent if use_precedents else 0.0)
    den += p.weight_semantic if use_semantic else 0.0
    for has_q, w in (
        (q.region_code, p.weight_region),
        (q.title, p.weight_title_fuzzy),
        (q.skills, p.weight_skills),
        (q.majors, p.weight_majors),
        (q.industries, p.weight_industry),
    ):
        if has_q:
            den += w
    return den


def stage_a(q: MatchDoc, p: MatchParams, cand: Candidates, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """``(score, text value, denominator)`` of candidates ``idx``."""
    text_v = cand.raw[idx]  # 1 - exp(-raw / text_scale), in place (x / -s is exactly -x / s)
    np.divide(text_v, -p.text_scale, out=text_v)
    np.exp(text_v, out=text_v)
    np.subtract(1.0, text_v, out=text_v)
    edu_table = education_lookup(education_code(q.education_level), query_is_demand=q.kind == "demand")
    den = _denominator(q, p, cand.prec is not None, cand.semantic)
    used = (bool(q.skills), bool(q.majors), bool(q.industries), cand.semantic)  # the order of Segment.lacks
    flag_w = [w * NEUTRAL if u else 0.0 for u, w in zip(used, _flag_weights(p), strict=True)]
    segs = cand.segs
    score = stage_a_scores(
        text_v,
        cand.seg_of[idx],
        cand.pos[idx],
        (segs[0].edu, segs[1].edu),
        (segs[0].region, segs[1].region),
        (segs[0].lacks, segs[1].lacks),
        edu_table,
        region_code_int(q.region_code) if q.region_code else -1,
        _NO_PREC if cand.prec is None else cand.prec[idx],
        np.array([p.weight_text, p.weight_education, p.weight_precedent, p.weight_region, NEUTRAL]),
        np.asarray(flag_w, dtype=np.float64),
        den,
    )
    if score is not None:
        return score, text_v, den
    # without numba: the same operations in the same order, vectorised
    num = p.weight_text * text_v + p.weight_education * edu_table[cand.take("edu", idx).astype(np.intp) + 1]
    if cand.prec is not None:
        num = num + p.weight_precedent * cand.prec[idx]
    if q.region_code:
        reg_v = region_similarity(region_code_int(q.region_code), cand.take("region", idx))
        num = num + p.weight_region * np.where(np.isnan(reg_v), NEUTRAL, reg_v)
    # stage A places 0 for candidates that have the data (stage B adds their real value), NEUTRAL otherwise
    for u, attr, w in zip(used, ("has_skills", "has_majors", "has_ind", "has_sem"), _flag_weights(p), strict=True):
        if u:
            num = num + w * NEUTRAL * ~cand.take(attr, idx).astype(bool)
    return num / den, text_v, den


def _flag_weights(p: MatchParams) -> tuple[float, float, float, float]:
    """Weights of the factors stage B adds, in the order of :attr:`matching.index.Segment.lacks`."""
    return (p.weight_skills, p.weight_majors, p.weight_industry, p.weight_semantic)


def head_pool(q: MatchDoc, p: MatchParams, cand: Candidates, scored: np.ndarray, depth: int) -> np.ndarray:
    """The scored candidates that can be among the ``depth`` best stage-A scores.

    Every stage-A score is ``(w_text * g(raw) + rest) / den`` with ``g``
    increasing and ``rest`` at most ``hi`` (known per query) for a record
    without a ``precedent`` value; records with one are always kept. The exact
    scores of the ``4 * depth`` records with the largest ``raw`` give a
    lower bound ``L`` of the ``depth``-th best score, so a record with
    ``(w_text * g(raw) + hi) / den < L`` cannot make the cut. The raw
    threshold is lowered by a relative 1e-9 so rounding never drops a
    record that could; records tied at the cut stay (ties go by id later).
    """
    if len(scored) <= 8 * depth:
        return scored
    every = len(scored) == len(cand.raw)  # the common case: no gathers
    raw = cand.raw if every else cand.raw[scored]
    # which of tied records is taken does not matter for a bound; 4 * depth rather than 2 * depth
    # tightens it (a third fewer records scored on synthetic queries) for 100 more exact scores
    top = scored[top_indices(raw, 4 * depth)]
    top_score, _, den = stage_a(q, p, cand, top)
    bound = float(np.partition(top_score, len(top_score) - depth)[len(top_score) - depth])
    edu_table = education_lookup(education_code(q.education_level), query_is_demand=q.kind == "demand")
    hi = p.weight_education * float(edu_table.max())
    if q.region_code:
        hi += p.weight_region * _REGION_MAX
    for has_q, w in (
        (q.skills, p.weight_skills),
        (q.majors, p.weight_majors),
        (q.industries, p.weight_industry),
        (cand.semantic, p.weight_semantic),
    ):
        if has_q:
            hi += w * NEUTRAL
    g_cut = (bound * den - hi) / p.weight_text
    if g_cut <= 0:
        return scored
    prec = _NO_PREC if cand.prec is None else cand.prec if every else cand.prec[scored]
    if g_cut > 1 and (prec > 0).any():  # only a precedent lifts a record that high (text value g < 1)
        return scored[prec > 0]
    if g_cut >= 1:  # unreachable in exact arithmetic (the top records reach it); keep all to be safe
        return scored
    raw_cut = -p.text_scale * math.log1p(-g_cut) * (1 - 1e-9)
    # the bound above leaves the precedent out: every record that has one is kept
    keep = reaching(raw, raw_cut, prec)
    return keep if every else scored[keep]
