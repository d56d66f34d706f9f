"""Scoring of candidates for one query and assembly of explained :class:`Match` results.

Two stages: (A) over every candidate sharing a term with the query, the
text, education and region factors are computed vectorised and the fuzzy
factors (title, skills, majors, industry) count as 0 where known; (B) the
best ``max(rerank_depth, offset + top_k)`` candidates by (A) get their real
fuzzy factors. Stage B can only raise a score, so it reorders the head.
"""

from __future__ import annotations

import math

import numpy as np
from rapidfuzz import fuzz, process

from .factors import education_code, education_compat, major_similarity, region_code_int, region_similarity
from .index import Segment, Snapshot
from .params import MatchParams
from .precedents import Precedents
from .scoring import accumulate, top_k_indices
from .text import normalize
from .types import KINDS, DocTokens, Explanation, Factor, Filters, FuzzyPair, Match, MatchDoc, TermContribution

__all__ = ["Scorer", "build_matches"]

_KIND_CODE = {k: i for i, k in enumerate(KINDS)}
#: Value assumed for a factor the query has data for but the candidate lacks.
NEUTRAL = 0.5


class Scorer:
    """Per-query state: weighted terms and their normalised contributions."""

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
    ) -> None:
        self.snap, self.params, self.query, self.toks, self.query_ok = snap, params, query, toks, query_ok
        self.precedents = precedents or Precedents()
        n = max(snap.n_live, 1)
        k1 = params.k1
        lam = params.association_weight if ew else 0.0

        def weigh(d: dict[str, float], cap: int) -> dict[str, float]:
            items = []
            for t, w in d.items():
                df = snap.df(t)
                if df > 0:
                    items.append((t, w * math.log1p((n - df + 0.5) / (df + 0.5))))  # scoring.idf, scalar
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
        self._rows: dict[tuple[int, int], dict[int, tuple[str, float]]] = {}

    def text(self, seg: Segment) -> np.ndarray:
        """Text value in [0, 1] for every document of ``seg`` (0 = no shared term)."""
        rows, wts = [], []
        for t, w in self.terms:
            r = seg.vocab.get(t)
            if r is not None:
                rows.append(r)
                wts.append(w)
        return accumulate(seg.matrix, np.asarray(rows, dtype=np.int64), np.asarray(wts, dtype=np.float64))

    def precedent(self, seg: Segment) -> np.ndarray:
        """``precedent`` factor value in [0, 1] for every document of ``seg``."""
        out = np.zeros(seg.n)
        if self.precedents.scores:
            where = seg.name_positions
            hits = [(cols, v) for name, v in self.precedents.scores.items() if (cols := where.get(name)) is not None]
            if hits:
                cols = np.concatenate([c for c, _ in hits])
                np.maximum.at(out, cols, np.repeat([v for _, v in hits], [len(c) for c, _ in hits]))
        return out

    def contributions(self, seg: Segment, pos: int, part: dict[str, float]) -> list[TermContribution]:
        """Terms of ``part`` present in document ``pos`` with their share of the text value."""
        if not part:
            return []
        key = (id(seg), id(part))
        by_row = self._rows.get(key)
        if by_row is None:
            by_row = {r: (t, w) for t, w in part.items() if (r := seg.vocab.get(t)) is not None}
            self._rows[key] = by_row
        m = seg.doc_terms
        lo, hi = m.indptr[pos], m.indptr[pos + 1]
        out = []
        for r, v in zip(m.indices[lo:hi].tolist(), m.data[lo:hi].tolist(), strict=True):
            hit = by_row.get(r)
            if hit is not None:
                out.append(TermContribution(hit[0], round(hit[1] * v, 6)))
        out.sort(key=lambda c: (-c.contribution, c.term))
        return out[:12]


def _filter_mask(seg: Segment, cand: np.ndarray, f: Filters, day: int, query: MatchDoc) -> np.ndarray:
    mask = seg.active[cand] & (seg.valid_from[cand] <= day) & (seg.valid_until[cand] >= day)
    mask &= ~((seg.ids[cand] == query.id) & (seg.kind[cand] == _KIND_CODE[query.kind]))
    if f.kinds is not None:
        mask &= np.isin(seg.kind[cand], [_KIND_CODE[k] for k in f.kinds])
    if f.region_prefix:
        digits = len(f.region_prefix)
        mask &= (seg.region[cand] >= 0) & (seg.region[cand] // 10 ** (6 - digits) == int(f.region_prefix))
    if f.education_levels is not None:
        codes = [education_code(x) for x in f.education_levels] + [-1]
        mask &= np.isin(seg.edu[cand], codes)
    if f.industry:
        want = normalize(f.industry)
        mask &= np.fromiter((want in seg.industries[i] for i in cand), dtype=bool, count=len(cand))
    if f.exclude_ids:
        mask &= ~np.isin(seg.ids[cand], list(f.exclude_ids))
    if f.exclude_organization_ids:
        mask &= ~np.isin(seg.org[cand], list(f.exclude_organization_ids))
    return mask


def build_matches(
    sc: Scorer, f: Filters, day: int, top_k: int, offset: int, *, explain: bool = True
) -> tuple[list[Match], int]:
    """Filter, score, rank and explain; returns ``(page, total)``."""
    snap, p, q = sc.snap, sc.params, sc.query
    segs = (snap.main, snap.delta)
    parts = []
    for si, seg in enumerate(segs):
        if seg.n == 0:
            continue
        text = sc.text(seg)
        cand = np.flatnonzero(text > 0)
        mask = _filter_mask(seg, cand, f, day, q)
        if si == 0:
            mask &= ~snap.dead_mask[cand]
        cand = cand[mask]
        parts.append((si, cand, text[cand], sc.precedent(seg)[cand]))
    seg_of = np.concatenate([np.full(len(c), si, dtype=np.int8) for si, c, *_ in parts]) if parts else np.zeros(0)
    pos = np.concatenate([c for _, c, *_ in parts]) if parts else np.zeros(0, dtype=np.int64)
    raw = np.concatenate([t for _, _, t, _ in parts]) if parts else np.zeros(0)
    prec_v = np.concatenate([v for *_, v in parts]) if parts else np.zeros(0)
    ids = np.concatenate([segs[si].ids[c] for si, c, *_ in parts]) if parts else np.zeros(0, dtype=np.int64)
    ok = np.concatenate([segs[si].ok[c] for si, c, *_ in parts]) if parts else np.zeros(0, dtype=bool)
    if not sc.query_ok:
        ok[:] = False

    def col(attr: str) -> np.ndarray:
        return np.concatenate([getattr(segs[si], attr)[c] for si, c, *_ in parts]) if parts else np.zeros(0)

    # ---- stage A (vectorised)
    text_v = 1.0 - np.exp(-raw / p.text_scale)
    q_edu = education_code(q.education_level)
    cand_edu = col("edu").astype(np.int64)
    edu_v = education_compat(q_edu, cand_edu) if q.kind == "demand" else education_compat(cand_edu, q_edu)
    reg_v = region_similarity(region_code_int(q.region_code), col("region").astype(np.int64))
    # A factor counts iff the query has the data; a candidate lacking it gets NEUTRAL (stage A places 0
    # for candidates that have it; stage B adds their real value), so ``den`` is the same for all candidates.
    num = p.weight_text * text_v + p.weight_education * edu_v
    den = p.weight_text + p.weight_education
    use_prec = bool(sc.precedents.scores) and p.weight_precedent > 0
    if use_prec:
        num = num + p.weight_precedent * prec_v
        den += p.weight_precedent
    if q.region_code:
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
    score = num / den
    if f.min_score is not None:
        # Stage B can only add (fuzzy title/skills/majors/industry): drop only what cannot reach the
        # minimum even with every one of those at its best.
        best_extra = p.weight_title_fuzzy + p.weight_skills + p.weight_majors + p.weight_industry
        keep = ~ok | (score + best_extra / den >= f.min_score)
        seg_of, pos, raw, ids, ok, score = seg_of[keep], pos[keep], raw[keep], ids[keep], ok[keep], score[keep]
        text_v, edu_v, reg_v, prec_v = text_v[keep], edu_v[keep], reg_v[keep], prec_v[keep]
    scored = np.flatnonzero(ok)
    unscored = np.flatnonzero(~ok)
    # ---- stage B (fuzzy factors on the head)
    depth = max(p.rerank_depth, offset + top_k)
    head = scored[top_k_indices(score[scored], ids[scored], depth)]
    final = score.copy()
    details: dict[int, tuple] = {}
    qtitle = normalize(q.title)
    titles = [segs[seg_of[i]].norm_titles[pos[i]] for i in head]
    tsim = (
        process.cdist([qtitle], titles, scorer=fuzz.token_set_ratio)[0] / 100.0
        if qtitle and len(titles)
        else np.zeros(len(head))
    )
    for j, i in enumerate(head):
        seg = segs[seg_of[i]]
        extra, fired, missing, vals = _fuzzy_factors(q, seg, int(pos[i]), float(tsim[j]) if qtitle else None, p)
        final[i] = (score[i] * den + extra) / den
        details[int(i)] = (fired, missing, vals)
    if f.min_score is not None:  # records without a score cannot reach a minimum score
        scored = scored[np.round(final[scored], 6) >= f.min_score]  # compare what is reported (6 places)
        unscored = unscored[:0]
    total = len(scored) + len(unscored)
    need = offset + top_k
    # Outside the head, stage-A scores are final and below every head score, so the page comes from the
    # head plus the best ``need`` of the rest; only those are sorted.
    in_head = np.zeros(len(final), dtype=bool)
    in_head[head] = True
    rest = scored[~in_head[scored]]
    rest = rest[top_k_indices(final[rest], ids[rest], need)]
    pool = np.concatenate([scored[in_head[scored]], rest])
    order = pool[top_k_indices(final[pool], ids[pool], need)]
    if len(order) < need and len(unscored):
        unscored = unscored[top_k_indices(raw[unscored], ids[unscored], need - len(order))]
    else:
        unscored = unscored[:0]
    page = np.concatenate([order, unscored])[offset:need]
    prec_note = "similar demands matched before: " + "; ".join(f"{t} ({s:.2f})" for t, s in sc.precedents.neighbours)
    out = []
    for i in page:
        seg = segs[seg_of[i]]
        if not ok[i]:
            out.append(
                Match(
                    int(ids[i]),
                    KINDS[seg.kind[pos[i]]],
                    None,
                    True,
                    Explanation(synonyms=tuple(sorted(set(seg.synonyms[pos[i]]) | set(sc.toks.synonyms)))),
                )
            )
            continue
        if not explain:
            out.append(
                Match(int(ids[i]), KINDS[seg.kind[pos[i]]], round(float(min(max(final[i], 0.0), 1.0)), 6), False)
            )
            continue
        fired, missing, vals = details.get(int(i), ([], [], {}))
        factors = [
            Factor("text", round(float(text_v[i]), 6), p.weight_text),
            Factor("education", round(float(edu_v[i]), 6), p.weight_education),
            Factor("region", None if math.isnan(reg_v[i]) else float(reg_v[i]), p.weight_region),
        ]
        if use_prec:
            factors.append(Factor("precedent", round(float(prec_v[i]), 6), p.weight_precedent, prec_note))
        for name, w in (
            ("title_fuzzy", p.weight_title_fuzzy),
            ("skills", p.weight_skills),
            ("majors", p.weight_majors),
            ("industry", p.weight_industry),
        ):
            factors.append(Factor(name, vals.get(name), w))
        expl = Explanation(
            matched_terms=tuple(sc.contributions(seg, int(pos[i]), sc.q_part)),
            expanded_terms=tuple(sc.contributions(seg, int(pos[i]), sc.e_part)),
            fuzzy_pairs=tuple(FuzzyPair(*x) for x in fired),
            synonyms=tuple(sorted(set(seg.synonyms[pos[i]]) | set(sc.toks.synonyms))),
            factors=tuple(factors),
            missing_skills=tuple(missing),
        )
        out.append(
            Match(int(ids[i]), KINDS[seg.kind[pos[i]]], round(float(min(max(final[i], 0.0), 1.0)), 6), False, expl)
        )
    return out, total


def _factor(name: str, value: float | None, weight: float, query_has: bool) -> Factor:
    if not query_has:
        return Factor(name, None, 0.0, "query has no data: not counted")
    if value is None:
        return Factor(name, None, weight, f"candidate has no data: neutral {NEUTRAL}")
    return Factor(name, value, weight)


def _fuzzy_factors(
    q: MatchDoc, seg: Segment, pos: int, title_sim: float | None, p: MatchParams
) -> tuple[float, list, list, dict]:
    from .factors import skill_coverage

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
    cov, pairs, missing = skill_coverage(d_sk, s_sk, threshold=p.fuzzy_threshold)
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
        qi = {normalize(x) for x in q.industries}
        ov = len(qi & seg.industries[pos]) / min(len(qi), len(seg.industries[pos]))
        vals["industry"] = round(ov, 6)
        extra += p.weight_industry * ov
    return extra, fired, missing, vals
