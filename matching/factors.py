"""Structured factors, each a value in [0, 1] or ``None`` when unknown (neutral).

* education: a demand for level L is fully met by L and up to two levels
  above (0.9 further above), 0.5 one level below, 0.2 two below, else 0;
  ``any`` on either side is 1.
* region: same district 1.0, same city (first 4 digits) 0.8, same province
  (first 2) 0.5, elsewhere 0.2; unknown on either side is neutral.
* majors: catalogue codes compare exactly (1.0), by 专业类 (first 4 digits,
  0.7) or 专业大类 (first 2, 0.3); names compare with rapidfuzz ``WRatio``.
* skills: share of the demand's skills that the supply covers (fuzzy).
* industry: overlap / size of the smaller list.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .text import normalize as _normalize
from .types import EDUCATION_LEVELS

__all__ = [
    "EDU_ANY",
    "education_code",
    "education_compat",
    "education_lookup",
    "skill_coverage_many",
    "region_code_int",
    "region_similarity",
    "major_similarity",
    "skill_coverage",
]

EDU_ANY = -1
_EDU_INDEX = {lvl: i for i, lvl in enumerate(EDUCATION_LEVELS)}


@functools.lru_cache(maxsize=100_000)
def normalize(s: str) -> str:
    """Cached :func:`matching.text.normalize` (skill and major names repeat a lot)."""
    return _normalize(s)


def education_code(level: str) -> int:
    """Integer code of an education level (``any`` → :data:`EDU_ANY`)."""
    return _EDU_INDEX.get(level, EDU_ANY)


def education_compat(demand_code: np.ndarray | int, supply_code: np.ndarray | int) -> np.ndarray:
    """Vectorised education compatibility of demand and supply level codes."""
    d = np.asarray(demand_code)
    s = np.asarray(supply_code)
    diff = s - d
    out = np.select(
        [diff > 2, diff >= 0, diff == -1, diff == -2],
        [0.9, 1.0, 0.5, 0.2],
        default=0.0,
    )
    return np.where((d == EDU_ANY) | (s == EDU_ANY), 1.0, out).astype(np.float64)


@functools.lru_cache(maxsize=64)
def education_lookup(query_code: int, *, query_is_demand: bool) -> np.ndarray:
    """Compatibility of ``query_code`` with every candidate code, indexed by ``code + 1``.

    ``education_lookup(q, query_is_demand=True)[codes + 1]`` equals
    ``education_compat(q, codes)`` (one gather instead of a ``select``).
    """
    codes = np.arange(EDU_ANY, len(EDUCATION_LEVELS))
    table = education_compat(query_code, codes) if query_is_demand else education_compat(codes, query_code)
    table.setflags(write=False)
    return table


def region_code_int(code: str | None) -> int:
    """Region code as int, ``-1`` for unknown."""
    return int(code) if code else -1


def region_similarity(query_region: int, regions: np.ndarray) -> np.ndarray:
    """Vectorised region similarity; NaN where either side is unknown."""
    regions = np.asarray(regions)
    if query_region < 0:
        return np.full(len(regions), np.nan)
    # integer ranges instead of ``regions // 100 == query_region // 100`` (same result, no division)
    city, prov = query_region // 100 * 100, query_region // 10000 * 10000
    out = np.full(regions.shape, 0.2)
    out[(regions >= prov) & (regions < prov + 10000)] = 0.5
    out[(regions >= city) & (regions < city + 100)] = 0.8
    out[regions == query_region] = 1.0
    out[regions < 0] = np.nan
    return out


def _is_code(s: str) -> bool:
    return s.isdigit() and 2 <= len(s) <= 6


def major_similarity(
    wanted: Sequence[str], offered: Sequence[str], *, threshold: float = 85.0
) -> tuple[float | None, list[tuple[str, str, float]]]:
    """Best similarity between wanted and offered majors, and the pairs that fired.

    Returns ``(None, [])`` when either side is empty.
    """
    if not wanted or not offered:
        return None, []
    best = 0.0
    fired: list[tuple[str, str, float]] = []
    for w in wanted:
        wn = normalize(w).replace(" ", "")
        for o in offered:
            on = normalize(o).replace(" ", "")
            if not wn or not on:
                continue
            if _is_code(wn) and _is_code(on):
                if wn == on:
                    v = 1.0
                elif len(wn) >= 4 and len(on) >= 4 and wn[:4] == on[:4]:
                    v = 0.7
                elif wn[:2] == on[:2]:
                    v = 0.3
                else:
                    v = 0.0
            elif _is_code(wn) or _is_code(on):
                continue
            else:
                v = fuzz.WRatio(wn, on) / 100.0
                if v * 100 < threshold:
                    continue
            if v > 0:
                fired.append((w, o, round(v, 4)))
                best = max(best, v)
    return best, fired


def skill_coverage(
    demand_skills: Sequence[str],
    supply_skills: Sequence[str],
    *,
    threshold: float = 85.0,
    ratio: Callable[[str, str], float] = fuzz.WRatio,
) -> tuple[float | None, list[tuple[str, str, float]], list[str]]:
    """Share of demand skills covered by supply skills.

    Returns ``(value, fired pairs, missing demand skills)``; value is None
    when either side has no skills (missing skills are still listed when
    only the supply side is empty). ``ratio`` compares two normalised names
    (0-100); pass a memoised ``fuzz.WRatio`` when scoring many candidates.
    """
    if not demand_skills or not supply_skills:
        return _coverage(demand_skills, supply_skills, [], threshold)
    sup = [normalize(s) for s in supply_skills]
    scores = []
    for d in demand_skills:
        dn = normalize(d)
        scores.append([100.0 if dn == sn else ratio(dn, sn) for sn in sup])
    return _coverage(demand_skills, supply_skills, scores, threshold)


def skill_coverage_many(
    fixed: Sequence[str],
    others: Sequence[Sequence[str]],
    *,
    fixed_is_demand: bool,
    threshold: float = 85.0,
) -> list[tuple[float | None, list[tuple[str, str, float]], list[str]]]:
    """:func:`skill_coverage` of one skill list against many, with one ``WRatio`` matrix.

    ``fixed`` is the query's list, the demand side when ``fixed_is_demand``
    (else the supply side); ``others`` are the candidates' lists. Each result
    equals ``skill_coverage(fixed, other)`` (or ``(other, fixed)``): the same
    scores in the same order, so the same value, pairs and missing skills.
    Equal results for equal lists are the same objects: do not mutate them.
    """
    col: dict[str, int] = {}
    for sk in others:
        for x in sk:
            col.setdefault(x, len(col))
    f_norm = [normalize(x) for x in fixed]
    o_norm = [normalize(x) for x in col]
    if f_norm and o_norm:
        m = process.cdist(f_norm, o_norm, scorer=fuzz.WRatio, dtype=np.float64).tolist()
        for a, fn in enumerate(f_norm):  # equal names score 100 (WRatio gives 0 for two empty ones)
            row = m[a]
            for j, on in enumerate(o_norm):
                if fn == on:
                    row[j] = 100.0
    else:
        m = [[] for _ in f_norm]
    memo: dict[tuple[str, ...], tuple[float | None, list[tuple[str, str, float]], list[str]]] = {}
    out = []
    for sk in others:
        key = tuple(sk)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = _coverage_from(fixed, sk, [col[x] for x in sk], m, fixed_is_demand, threshold)
        out.append(hit)
    return out


def _coverage_from(
    fixed: Sequence[str],
    other: Sequence[str],
    cols: list[int],
    m: list[list[float]],
    fixed_is_demand: bool,
    threshold: float,
) -> tuple[float | None, list[tuple[str, str, float]], list[str]]:
    if fixed_is_demand:  # rows of m are the demand's skills, columns the candidates' supply skills
        return _coverage(fixed, other, [[row[j] for j in cols] for row in m], threshold)
    return _coverage(other, fixed, [[row[j] for row in m] for j in cols], threshold)


def _coverage(
    demand: Sequence[str], supply: Sequence[str], scores: list[list[float]], threshold: float
) -> tuple[float | None, list[tuple[str, str, float]], list[str]]:
    """:func:`skill_coverage` given ``scores[i][j]``, demand skill ``i`` against supply skill ``j`` (0-100)."""
    if not demand:
        return None, [], []
    if not supply:
        return None, [], list(demand)
    fired: list[tuple[str, str, float]] = []
    missing: list[str] = []
    covered = 0.0
    for d, row in zip(demand, scores, strict=True):
        best, best_s = 0.0, ""
        for s, v in zip(supply, row, strict=True):
            if v > best:
                best, best_s = v, s
        if best >= threshold:
            covered += best / 100.0
            fired.append((d, best_s, round(best / 100.0, 4)))
        else:
            missing.append(d)
    return covered / len(demand), fired, missing
