"""Scoring of candidates for one query and assembly of explained :class:`Match` results.

Two stages: (A) over every candidate sharing a term with the query, the
text, education and region factors are computed vectorised and the fuzzy
factors (title, skills, majors, industry) count as 0 where known; (B) the
best ``max(rerank_depth, offset + top_k)`` candidates by (A) get their real
fuzzy factors. Stage B can only raise a score, so it reorders the head.
Explanations are built only for the returned page.
"""

from __future__ import annotations

import math

import numpy as np
from rapidfuzz import fuzz, process

from .factors import (
    education_code,
    education_lookup,
    major_similarity,
    region_code_int,
    region_similarity,
    skill_coverage,
)
from .factors import normalize as cached_normalize
from .index import Segment
from .params import MatchParams
from .scorer import Scorer
from .scoring import top_k_indices
from .text import normalize
from .types import KINDS, Explanation, Factor, Filters, FuzzyPair, Match, MatchDoc

__all__ = ["Scorer", "build_matches"]

_KIND_CODE = {k: i for i, k in enumerate(KINDS)}
#: Value assumed for a factor the query has data for but the candidate lacks.
NEUTRAL = 0.5


def _filter_mask(seg: Segment, f: Filters, day: int, query: MatchDoc) -> np.ndarray:
    """Filters over the whole segment (contiguous arrays: cheaper than gathering candidates first)."""
    mask = seg.active & (seg.valid_from <= day) & (seg.valid_until >= day)
    self_pos = np.flatnonzero(seg.ids == query.id)
    if len(self_pos):
        mask[self_pos[seg.kind[self_pos] == _KIND_CODE[query.kind]]] = False
    if f.kinds is not None:
        mask &= np.isin(seg.kind, [_KIND_CODE[k] for k in f.kinds])
    if f.region_prefix:
        digits = len(f.region_prefix)
        mask &= (seg.region >= 0) & (seg.region // 10 ** (6 - digits) == int(f.region_prefix))
    if f.education_levels is not None:
        codes = [education_code(x) for x in f.education_levels] + [-1]
        mask &= np.isin(seg.edu, codes)
    if f.exclude_ids:
        mask &= ~np.isin(seg.ids, list(f.exclude_ids))
    if f.exclude_organization_ids:
        mask &= ~np.isin(seg.org, list(f.exclude_organization_ids))
    return mask


def _candidates(sc: Scorer, f: Filters, day: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """``(segment index, positions, raw text value)`` of the filtered candidates per segment."""
    snap, q = sc.snap, sc.query
    parts = []
    for si, seg in enumerate((snap.main, snap.delta)):
        if seg.n == 0:
            continue
        text = sc.text(seg)
        mask = (text > 0) & _filter_mask(seg, f, day, q)
        if si == 0 and len(snap.dead):
            mask &= ~snap.dead_mask
        cand = np.flatnonzero(mask)
        if f.industry:
            want = normalize(f.industry)
            cand = cand[np.fromiter((want in seg.industries[i] for i in cand), dtype=bool, count=len(cand))]
        parts.append((si, cand, text[cand]))
    return parts


def build_matches(
    sc: Scorer, f: Filters, day: int, top_k: int, offset: int, *, explain: bool = True
) -> tuple[list[Match], int]:
    """Filter, score, rank and explain; returns ``(page, total)``."""
    snap, p, q = sc.snap, sc.params, sc.query
    segs = (snap.main, snap.delta)
    parts = _candidates(sc, f, day)

    def col(attr: str) -> np.ndarray:
        if len(parts) == 1:
            return getattr(segs[parts[0][0]], attr)[parts[0][1]]
        return np.concatenate([getattr(segs[si], attr)[c] for si, c, _ in parts]) if parts else np.zeros(0)

    seg_of: np.ndarray
    pos: np.ndarray
    raw: np.ndarray
    if len(parts) == 1:
        seg_of, pos, raw = np.full(len(parts[0][1]), parts[0][0], dtype=np.int8), parts[0][1], parts[0][2]
    else:
        seg_of = np.concatenate([np.full(len(c), si, dtype=np.int8) for si, c, _ in parts]) if parts else np.zeros(0)
        pos = np.concatenate([c for _, c, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
        raw = np.concatenate([t for _, _, t in parts]) if parts else np.zeros(0)
    ids: np.ndarray = col("ids").astype(np.int64)
    ok: np.ndarray = col("ok").astype(bool) if sc.query_ok else np.zeros(len(pos), dtype=bool)

    # ---- stage A (vectorised)
    text_v: np.ndarray = 1.0 - np.exp(-raw / p.text_scale)
    edu_table = education_lookup(education_code(q.education_level), query_is_demand=q.kind == "demand")
    num = p.weight_text * text_v + p.weight_education * edu_table[col("edu").astype(np.intp) + 1]
    # A factor counts iff the query has the data; a candidate lacking it gets NEUTRAL (stage A places 0
    # for candidates that have it; stage B adds their real value), so ``den`` is the same for all candidates.
    den = p.weight_text + p.weight_education
    if q.region_code:
        reg_v = region_similarity(region_code_int(q.region_code), col("region"))
        num = num + p.weight_region * np.where(np.isnan(reg_v), NEUTRAL, reg_v)
        den += p.weight_region
    if q.title:
        den += p.weight_title_fuzzy
    for has_q, attr, w in (
        (q.skills, "has_skills", p.weight_skills),
        (q.majors, "has_majors", p.weight_majors),
        (q.industries, "has_ind", p.weight_industry),
    ):
        if has_q:
            num = num + w * NEUTRAL * ~col(attr).astype(bool)
            den += w
    score: np.ndarray = num / den
    if f.min_score is not None:
        # Stage B can only add (fuzzy title/skills/majors/industry): drop only what cannot reach the
        # minimum even with every one of those at its best.
        best_extra = p.weight_title_fuzzy + p.weight_skills + p.weight_majors + p.weight_industry
        keep = np.flatnonzero(~ok | (score + best_extra / den >= f.min_score))
        seg_of, pos, raw, ids, ok, score, text_v = (a[keep] for a in (seg_of, pos, raw, ids, ok, score, text_v))
    all_ok = bool(ok.all())
    scored = np.arange(len(ok)) if all_ok else np.flatnonzero(ok)
    unscored = np.flatnonzero(~ok)
    # ---- stage B (fuzzy factors on the head)
    depth = max(p.rerank_depth, offset + top_k)
    head = scored[top_k_indices(score if all_ok else score[scored], ids if all_ok else ids[scored], depth)]
    head_final, tsim = _rerank(q, segs, seg_of[head], pos[head], score[head], den, p)
    tsim_of = dict(zip(head.tolist(), tsim, strict=True))
    need = offset + top_k
    if f.min_score is not None:  # records without a score cannot reach a minimum score
        final = score.copy()
        final[head] = head_final
        scored = scored[np.round(final[scored], 6) >= f.min_score]  # compare what is reported (6 places)
        unscored = unscored[:0]
        keep_head = np.round(head_final, 6) >= f.min_score
        head, head_final = head[keep_head], head_final[keep_head]
    total = len(scored) + len(unscored)
    # Outside the head every stage-A score is final and at most the head's lowest stage-A score, and a
    # record tied with it has a larger id than every head record at that score (top_k_indices breaks
    # ties by id): such a record can reach the page only when the head holds fewer than ``need``
    # records, i.e. when there is no record outside the head.
    order = head[top_k_indices(head_final, ids[head], need)]
    if len(order) < need and len(unscored):
        unscored = unscored[top_k_indices(raw[unscored], ids[unscored], need - len(order))]
    else:
        unscored = unscored[:0]
    page = np.concatenate([order, unscored])[offset:need]
    final_of = dict(zip(head.tolist(), head_final.tolist(), strict=True))
    return _page(sc, segs, page, seg_of, pos, ids, ok, (final_of, tsim_of), text_v, explain), total


def _rerank(
    q: MatchDoc,
    segs: tuple[Segment, Segment],
    seg_of: np.ndarray,
    pos: np.ndarray,
    score: np.ndarray,
    den: float,
    p: MatchParams,
) -> tuple[np.ndarray, list[float | None]]:
    """Final scores of the head (stage-A score plus the fuzzy factors) and its title similarities."""
    qtitle = normalize(q.title)
    titles = [segs[s].norm_titles[i] for s, i in zip(seg_of.tolist(), pos.tolist(), strict=True)]
    tsim = (
        (process.cdist([qtitle], titles, scorer=fuzz.token_set_ratio)[0] / 100.0).tolist()
        if qtitle and titles
        else [None] * len(titles)
    )
    ratio = _PairRatio()
    final = score.copy()
    for j, (s, i) in enumerate(zip(seg_of.tolist(), pos.tolist(), strict=True)):
        extra = _fuzzy_factors(q, segs[s], i, tsim[j], p, ratio)[0]
        final[j] = (score[j] * den + extra) / den
    return final, tsim


class _PairRatio:
    """``fuzz.WRatio`` memoised for one query (skill names repeat across candidates)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], float] = {}

    def __call__(self, a: str, b: str) -> float:
        v = self._memo.get((a, b))
        if v is None:
            v = self._memo[(a, b)] = fuzz.WRatio(a, b)
        return v


def _page(
    sc: Scorer,
    segs: tuple[Segment, Segment],
    page: np.ndarray,
    seg_of: np.ndarray,
    pos: np.ndarray,
    ids: np.ndarray,
    ok: np.ndarray,
    head: tuple[dict[int, float], dict[int, float | None]],
    text_v: np.ndarray,
    explain: bool,
) -> list[Match]:
    """The returned matches, explained (term contributions computed for this page only)."""
    q, p = sc.query, sc.params
    final_of, tsim_of = head
    rows = page.tolist()
    contrib: dict[int, tuple] = {}
    if explain:
        for si, seg in enumerate(segs):
            mine = [i for i in rows if ok[i] and seg_of[i] == si]
            where = [int(pos[i]) for i in mine]
            for i, m_t, e_t in zip(
                mine, sc.contributions(seg, where, sc.q_part), sc.contributions(seg, where, sc.e_part), strict=True
            ):
                contrib[i] = (m_t, e_t)
    ratio = _PairRatio()
    out = []
    for i in rows:
        seg, at = segs[seg_of[i]], int(pos[i])
        kind = KINDS[seg.kind[at]]
        synonyms = tuple(sorted(set(seg.synonyms[at]) | set(sc.toks.synonyms)))
        if not ok[i]:
            out.append(Match(int(ids[i]), kind, None, True, Explanation(synonyms=synonyms)))
            continue
        value = round(float(min(max(final_of[i], 0.0), 1.0)), 6)
        if not explain:
            out.append(Match(int(ids[i]), kind, value, False))
            continue
        _, fired, missing, vals = _fuzzy_factors(q, seg, at, tsim_of[i], p, ratio)
        reg = region_similarity(region_code_int(q.region_code), seg.region[at : at + 1])[0]
        edu = education_lookup(education_code(q.education_level), query_is_demand=q.kind == "demand")
        factors = [
            Factor("text", round(float(text_v[i]), 6), p.weight_text),
            Factor("education", round(float(edu[int(seg.edu[at]) + 1]), 6), p.weight_education),
            Factor("region", None if math.isnan(reg) else float(reg), p.weight_region),
        ]
        for name, w in (
            ("title_fuzzy", p.weight_title_fuzzy),
            ("skills", p.weight_skills),
            ("majors", p.weight_majors),
            ("industry", p.weight_industry),
        ):
            factors.append(Factor(name, vals.get(name), w))
        expl = Explanation(
            matched_terms=tuple(contrib[i][0]),
            expanded_terms=tuple(contrib[i][1]),
            fuzzy_pairs=tuple(FuzzyPair(*x) for x in fired),
            synonyms=synonyms,
            factors=tuple(factors),
            missing_skills=tuple(missing),
        )
        out.append(Match(int(ids[i]), kind, value, False, expl))
    return out


def _fuzzy_factors(
    q: MatchDoc, seg: Segment, pos: int, title_sim: float | None, p: MatchParams, ratio: _PairRatio
) -> tuple[float, list, list, dict]:
    extra = 0.0
    fired: list[tuple[str, str, str, float]] = []
    vals: dict[str, float | None] = {}
    if title_sim is not None:
        vals["title_fuzzy"] = round(title_sim, 6)
        extra += p.weight_title_fuzzy * title_sim
        if title_sim * 100 >= p.fuzzy_threshold:
            fired.append(("title", q.title, seg.titles[pos], round(title_sim, 4)))
    demand_is_query = q.kind == "demand"
    d_sk, s_sk = (q.skills, seg.skills[pos]) if demand_is_query else (seg.skills[pos], q.skills)
    cov, pairs, missing = skill_coverage(d_sk, s_sk, threshold=p.fuzzy_threshold, ratio=ratio)
    if cov is not None:
        vals["skills"] = round(cov, 6)
        extra += p.weight_skills * cov
    fired += [("skills", a, b, s) for a, b, s in pairs]
    d_mj, s_mj = (q.majors, seg.majors[pos]) if demand_is_query else (seg.majors[pos], q.majors)
    mj, mpairs = major_similarity(d_mj, s_mj, threshold=p.fuzzy_threshold)
    if mj is not None:
        vals["majors"] = round(mj, 6)
        extra += p.weight_majors * mj
    fired += [("majors", a, b, s) for a, b, s in mpairs]
    if q.industries and seg.industries[pos]:
        qi = {cached_normalize(x) for x in q.industries}
        ov = len(qi & seg.industries[pos]) / min(len(qi), len(seg.industries[pos]))
        vals["industry"] = round(ov, 6)
        extra += p.weight_industry * ov
    return extra, fired, missing, vals
