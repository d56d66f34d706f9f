"""Scoring of candidates for one query and assembly of explained :class:`Match` results.

Two stages: (A) over every candidate sharing a term with the query, the
text, education and region factors are computed vectorised and the fuzzy
factors (title, skills, majors, industry) and the ``semantic`` factor count
as 0 where known; (B) the best ``max(rerank_depth, offset + top_k)``
candidates by (A) get their real values. Stage B can only raise a score, so
it reorders the head. For a demand query, the learned re-ranker
(:mod:`matching.reranker`) then adds its ``reranker`` factor to the head:
``(score + w * value) / (1 + w)``, every record below the head counting 0.
Explanations are built only for the returned page.
"""

from __future__ import annotations

import math

import numpy as np
from rapidfuzz import fuzz, process

from .candidates import Candidates, collect_candidates, head_pool, stage_a
from .factors import (
    education_code,
    education_lookup,
    major_similarity,
    region_code_int,
    region_similarity,
    skill_coverage,
    skill_coverage_many,
)
from .factors import normalize as cached_normalize
from .index import Segment
from .params import MatchParams
from .reranker import head_features
from .scorer import Scorer
from .scoring import top_k_indices
from .text import normalize
from .types import KINDS, Explanation, Factor, Filters, FuzzyPair, Match, MatchDoc

__all__ = ["Scorer", "build_matches"]

SEMANTIC_NOTE = "cosine similarity of the two texts' sentence embeddings (all-MiniLM-L6-v2)"
RERANKER_NOTE = (
    "learned re-ranker (gradient-boosted trees over the factors above, fitted on labelled matches); "
    "score = (blend of the other factors + weight * value) / (1 + weight)"
)


def build_matches(
    sc: Scorer,
    f: Filters,
    day: int,
    top_k: int,
    offset: int,
    *,
    explain: bool = True,
    capture: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[list[Match], int]:
    """Filter, score, rank and explain; returns ``(page, total)``.

    With ``capture``, the head's ids and re-ranker features (best first, before the re-ranker)
    are appended to it.
    """
    p, q = sc.params, sc.query
    cand = collect_candidates(sc, f, day)
    ok = cand.ok
    depth = max(p.rerank_depth, offset + top_k)
    need = offset + top_k
    scored = np.arange(len(ok)) if ok.all() else np.flatnonzero(ok)
    unscored = np.flatnonzero(~ok)
    # ---- stage A (vectorised; without a minimum score only records that can reach the head)
    if f.min_score is None:
        pool = head_pool(q, p, cand, scored, depth)
        score, text_v, den = stage_a(q, p, cand, pool)
    else:
        score, text_v, den = stage_a(q, p, cand, np.arange(len(ok)))
        # Stage B can only add (fuzzy title/skills/majors/industry): drop only what cannot reach the
        # minimum even with every one of those at its best.
        best_extra = p.weight_title_fuzzy + p.weight_skills + p.weight_majors + p.weight_industry
        best_extra += p.weight_semantic if cand.semantic else 0.0
        reach = score + best_extra / den
        if sc.reranker is not None:  # the re-ranker's value is at most 1
            reach = (reach + p.weight_reranker) / (1 + p.weight_reranker)
        reach = reach >= f.min_score
        scored, unscored = np.flatnonzero(ok & reach), np.flatnonzero(~ok)
        pool, score, text_v = scored, score[scored], text_v[scored]
    pool_ids = cand.take("ids", pool).astype(np.int64)
    # ---- stage B (fuzzy factors on the head)
    best = top_k_indices(score, pool_ids, depth)
    head = pool[best]
    sem = _semantic(sc, cand, head)
    head_final, tsim, fuzzy = _rerank(q, cand.segs, cand.seg_of[head], cand.pos[head], score[best], den, p, sem)
    head_ids = pool_ids[best]
    learned: list[float | None] = [None] * len(head)
    reranked = False
    if capture is not None or sc.reranker is not None:
        x = head_features(head_final, text_v[best], None if cand.prec is None else cand.prec[head], sem, tsim)
        if capture is not None:
            at = np.lexsort((head_ids, -head_final))
            capture.append((head_ids[at], x[at]))
        else:
            w = p.weight_reranker
            lv = sc.reranker.value(x)
            learned = lv.tolist()
            head_final = (head_final + w * lv) / (1 + w)
            reranked = True
    rows = head.tolist()
    known = (
        dict(zip(rows, head_final.tolist(), strict=True)),
        dict(zip(rows, tsim, strict=True)),
        dict(zip(rows, text_v[best].tolist(), strict=True)),
        dict(zip(rows, fuzzy, strict=True)),
        dict(zip(rows, sem, strict=True)),
        dict(zip(rows, learned, strict=True)),
    )
    if f.min_score is not None:  # records without a score cannot reach a minimum score
        # outside the head the re-ranker's factor counts 0 (only this count reads those scores)
        final = score / (1 + p.weight_reranker) if reranked else score.copy()
        final[best] = head_final
        n_scored = int(np.count_nonzero(np.round(final, 6) >= f.min_score))  # compare what is reported (6 places)
        unscored = unscored[:0]
        keep = np.round(head_final, 6) >= f.min_score
        best, head, head_final, head_ids = best[keep], head[keep], head_final[keep], head_ids[keep]
    else:
        n_scored = len(scored)
    total = n_scored + len(unscored)
    # Outside the head every stage-A score is final and at most the head's lowest stage-A score, and a
    # record tied with it has a larger id than every head record at that score (top_k_indices breaks
    # ties by id): such a record can reach the page only when the head holds fewer than ``need``
    # records, i.e. when there is no record outside the head.
    order = head[top_k_indices(head_final, head_ids, need)]
    if len(order) < need and len(unscored):
        unscored = unscored[top_k_indices(cand.raw[unscored], cand.take("ids", unscored), need - len(order))]
    else:
        unscored = unscored[:0]
    page = np.concatenate([order, unscored])[offset:need]
    return _page(sc, cand, page, known, explain), total


def _semantic(sc: Scorer, cand: Candidates, head: np.ndarray) -> list[float | None]:
    """``semantic`` factor of the head's records (None where it does not count)."""
    if not cand.semantic:
        return [None] * len(head)
    texts = [
        cand.segs[s].sem_texts[i] for s, i in zip(cand.seg_of[head].tolist(), cand.pos[head].tolist(), strict=True)
    ]
    return sc.semantic_values(texts)


def _rerank(
    q: MatchDoc,
    segs: tuple[Segment, Segment],
    seg_of: np.ndarray,
    pos: np.ndarray,
    score: np.ndarray,
    den: float,
    p: MatchParams,
    sem: list[float | None],
) -> tuple[np.ndarray, list[float | None], list[tuple[float, list, list, dict]]]:
    """Final scores of the head (stage-A score plus the fuzzy and semantic factors), its title similarities
    and fuzzy factors."""
    qtitle = normalize(q.title)
    titles = [segs[s].norm_titles[i] for s, i in zip(seg_of.tolist(), pos.tolist(), strict=True)]
    tsim = (
        (process.cdist([qtitle], titles, scorer=fuzz.token_set_ratio)[0] / 100.0).tolist()
        if qtitle and titles
        else [None] * len(titles)
    )
    ratio = _PairRatio()
    where = list(zip(seg_of.tolist(), pos.tolist(), strict=True))
    coverage = skill_coverage_many(
        q.skills, [segs[s].skills[i] for s, i in where], fixed_is_demand=q.kind == "demand", threshold=p.fuzzy_threshold
    )
    final = score.copy()
    fuzzy = []
    for j, (s, i) in enumerate(where):
        ff = _fuzzy_factors(q, segs[s], i, tsim[j], p, ratio, coverage[j])
        fuzzy.append(ff)
        extra = ff[0]
        sv = sem[j]
        if sv is not None:  # records without an English text already have NEUTRAL from stage A
            extra += p.weight_semantic * sv
        final[j] = (score[j] * den + extra) / den
    return final, tsim, fuzzy


class _PairRatio:
    """``fuzz.WRatio`` and skill coverage memoised for one query (skill lists repeat across candidates)."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], float] = {}
        self._coverage: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple] = {}

    def __call__(self, a: str, b: str) -> float:
        v = self._memo.get((a, b))
        if v is None:
            v = self._memo[(a, b)] = fuzz.WRatio(a, b)
        return v

    def coverage(self, demand: tuple[str, ...], supply: tuple[str, ...], threshold: float) -> tuple:
        """:func:`matching.factors.skill_coverage` (its lists are shared: do not mutate them)."""
        key = (demand, supply)
        hit = self._coverage.get(key)
        if hit is None:
            hit = self._coverage[key] = skill_coverage(demand, supply, threshold=threshold, ratio=self)
        return hit


def _page(
    sc: Scorer,
    cand: Candidates,
    page: np.ndarray,
    known: tuple[
        dict[int, float],
        dict[int, float | None],
        dict[int, float],
        dict[int, tuple[float, list, list, dict]],
        dict[int, float | None],
        dict[int, float | None],
    ],
    explain: bool,
) -> list[Match]:
    """The returned matches, explained (term contributions computed for this page only)."""
    q, p = sc.query, sc.params
    segs, seg_of, pos, ok = cand.segs, cand.seg_of, cand.pos, cand.ok
    final_of, tsim_of, text_of, fuzzy_of, sem_of, learned_of = known
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
    edu = education_lookup(education_code(q.education_level), query_is_demand=q.kind == "demand")
    page_regions = region_similarity(region_code_int(q.region_code), cand.take("region", page))
    regions = dict(zip(rows, page_regions.tolist(), strict=True))
    prec_note = "similar demands matched before: " + "; ".join(f"{t} ({s:.2f})" for t, s in sc.precedents.neighbours)
    out = []
    for i in rows:
        seg, at = segs[seg_of[i]], int(pos[i])
        kind, doc_id = KINDS[seg.kind[at]], int(seg.ids[at])
        synonyms = tuple(sorted(set(seg.synonyms[at]) | set(sc.toks.synonyms)))
        if not ok[i]:
            out.append(Match(doc_id, kind, None, True, Explanation(synonyms=synonyms)))
            continue
        value = round(float(min(max(final_of[i], 0.0), 1.0)), 6)
        if not explain:
            out.append(Match(doc_id, kind, value, False))
            continue
        # stage B computed them for every scored record that can be on the page
        _, fired, missing, vals = fuzzy_of[i] if i in fuzzy_of else _fuzzy_factors(q, seg, at, tsim_of[i], p, ratio)
        reg = regions[i]
        factors = [
            Factor("text", round(text_of[i], 6), p.weight_text),
            Factor("education", round(float(edu[int(seg.edu[at]) + 1]), 6), p.weight_education),
            Factor("region", None if math.isnan(reg) else float(reg), p.weight_region),
        ]
        if cand.prec is not None:
            factors.append(Factor("precedent", round(float(cand.prec[i]), 6), p.weight_precedent, prec_note))
        if cand.semantic:
            sv = sem_of[i]
            factors.append(Factor("semantic", None if sv is None else round(sv, 6), p.weight_semantic, SEMANTIC_NOTE))
        for name, w in (
            ("title_fuzzy", p.weight_title_fuzzy),
            ("skills", p.weight_skills),
            ("majors", p.weight_majors),
            ("industry", p.weight_industry),
        ):
            factors.append(Factor(name, vals.get(name), w))
        if sc.reranker is not None:
            lv = learned_of.get(i)
            factors.append(
                Factor("reranker", round(lv if lv is not None else 0.0, 6), p.weight_reranker, RERANKER_NOTE)
            )
        expl = Explanation(
            matched_terms=tuple(contrib[i][0]),
            expanded_terms=tuple(contrib[i][1]),
            fuzzy_pairs=tuple(FuzzyPair(*x) for x in fired),
            synonyms=synonyms,
            factors=tuple(factors),
            missing_skills=tuple(missing),
        )
        out.append(Match(doc_id, kind, value, False, expl))
    return out


def _fuzzy_factors(
    q: MatchDoc,
    seg: Segment,
    pos: int,
    title_sim: float | None,
    p: MatchParams,
    ratio: _PairRatio,
    coverage: tuple | None = None,
) -> tuple[float, list, list, dict]:
    """``(extra score, fired pairs, missing skills, factor values)``; ``coverage`` is the record's skill
    coverage when the caller computed it for many records at once."""
    extra = 0.0
    fired: list[tuple[str, str, str, float]] = []
    vals: dict[str, float | None] = {}
    if title_sim is not None:
        vals["title_fuzzy"] = round(title_sim, 6)
        extra += p.weight_title_fuzzy * title_sim
        if title_sim * 100 >= p.fuzzy_threshold:
            fired.append(("title", q.title, seg.titles[pos], round(title_sim, 4)))
    demand_is_query = q.kind == "demand"
    if coverage is None:
        d_sk, s_sk = (q.skills, seg.skills[pos]) if demand_is_query else (seg.skills[pos], q.skills)
        coverage = ratio.coverage(d_sk, s_sk, p.fuzzy_threshold)
    cov, pairs, missing = coverage
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
