"""Map a demand to the majors it asks for (the demand side of every per-major figure).

Order of precedence, recorded as the row ``source``:

1. ``wanted``: the demand's own ``majors`` resolved against the catalog (6-digit code,
   4-digit 专业类 code, exact name, or a name prefix), preferring the demand's education level.
2. ``matched``: a pluggable :data:`MajorMatcher` for demands without usable wanted majors:
   the matching engine (:mod:`app.analytics.engine_matcher`, majors of the best-matching
   programs) when the match index is ready, or whatever ``app.state.major_matcher`` holds.
3. ``classified``: a keyword classifier over the catalog: the demand's industry (its
   ``industry`` slug, or the industry whose catalog keywords occur most often in title,
   description and skills) maps to that industry's related 专业类 at the demand's level.
4. ``unmapped``: nothing applied.

The headcount is split evenly over the resulting links (weights sum to 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from app.catalog.service import load_catalog, majors_by_code

_CATALOG_LEVELS = ("vocational_bachelor", "higher_vocational", "secondary_vocational")
_LEVEL_PREFERENCE = ("higher_vocational", "vocational_bachelor", "secondary_vocational")
_BACHELOR_AND_UP = {"bachelor", "master", "doctorate"}


class DemandLike(Protocol):
    title: str
    description: str
    skills: list[str]
    majors: list[str]
    industry: str | None
    education_level: str


@dataclass(frozen=True)
class MajorLink:
    major_code: str | None
    category_code: str | None
    weight: float


@dataclass(frozen=True)
class DemandMapping:
    source: str
    links: tuple[MajorLink, ...]
    note: str = ""


#: The matching-engine hook: return a mapping with source ``matched``, or None to fall through.
MajorMatcher = Callable[[DemandLike], DemandMapping | None]


def _levels_for(level: str) -> tuple[str, ...]:
    if level in _CATALOG_LEVELS:
        return (level, *[lv for lv in _LEVEL_PREFERENCE if lv != level])
    if level in _BACHELOR_AND_UP:
        return ("vocational_bachelor", "higher_vocational", "secondary_vocational")
    return _LEVEL_PREFERENCE


@lru_cache
def _group_levels() -> dict[str, str]:
    """Education level of each 专业类 (4-digit) and 专业大类 (2-digit) code in the catalog."""
    out: dict[str, str] = {}
    for major in load_catalog("majors"):
        out.setdefault(major["code"][:4], major["level"])
        out.setdefault(major["code"][:2], major["level"])
    return out


@lru_cache
def _majors_by_name() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for major in load_catalog("majors"):
        out.setdefault(major["name"].casefold(), []).append(major)
    return out


def _pick(candidates: Iterable[dict[str, Any]], level: str) -> dict[str, Any] | None:
    by_level: dict[str, dict[str, Any]] = {}
    for major in sorted(candidates, key=lambda m: m["code"]):
        by_level.setdefault(major["level"], major)
    for lv in _levels_for(level):
        if lv in by_level:
            return by_level[lv]
    return None


def resolve_major(value: str, level: str = "any") -> tuple[str | None, str | None]:
    """``(major_code, category_code)`` for a wanted-major string, or ``(None, None)``."""
    text = value.strip()
    if not text:
        return None, None
    if text.isdigit() and len(text) == 6 and text in majors_by_code():
        return text, text[:4]
    if text.isdigit() and len(text) == 4 and any(c.startswith(text) for c in majors_by_code()):
        return None, text
    exact = _majors_by_name().get(text.casefold())
    if exact:
        picked = _pick(exact, level)
        return (picked["code"], picked["code"][:4]) if picked else (None, None)
    if len(text) >= 2:
        prefixed = [m for m in load_catalog("majors") if m["name"].startswith(text)]
        picked = _pick(prefixed, level)
        if picked:
            return picked["code"], picked["code"][:4]
    return None, None


def _even(pairs: Sequence[tuple[str | None, str | None]]) -> tuple[MajorLink, ...]:
    unique = list(dict.fromkeys(pairs))
    return tuple(MajorLink(code, cat, 1.0 / len(unique)) for code, cat in unique)


def map_wanted(demand: DemandLike) -> DemandMapping | None:
    resolved: list[Any] = []
    unknown: list[Any] = []
    for value in demand.majors or []:
        pair = resolve_major(value, demand.education_level)
        (resolved if pair != (None, None) else unknown).append(pair if pair != (None, None) else value)
    if not resolved:
        return None
    note = f"unresolved: {', '.join(unknown)}" if unknown else ""
    return DemandMapping("wanted", _even(resolved), note)


@lru_cache
def _industries() -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in load_catalog("industries")}


def classify_industry(demand: DemandLike) -> str | None:
    """The demand's industry slug, else the catalog industry with the most keyword hits."""
    if demand.industry and demand.industry in _industries():
        return demand.industry
    text = " ".join([demand.title or "", demand.description or "", *(demand.skills or [])]).casefold()
    best, best_hits = None, 0
    for code, industry in sorted(_industries().items()):
        hits = sum(1 for kw in industry.get("keywords", []) if kw and kw.casefold() in text)
        if hits > best_hits:
            best, best_hits = code, hits
    return best


def classify_by_keywords(demand: DemandLike) -> DemandMapping | None:
    industry = classify_industry(demand)
    if industry is None:
        return None
    links: list[tuple[str | None, str]] = []
    for group in _industries()[industry].get("related_major_groups", []):
        if len(group) == 6:
            links.append((group, group[:4]))
        elif len(group) == 4:
            links.append((None, group))
        else:  # a 专业大类: every 专业类 in it
            links.extend((None, cat) for cat in sorted(_group_levels()) if len(cat) == 4 and cat[:2] == group)
    for lv in _levels_for(demand.education_level):
        at_level = [link for link in links if _group_levels().get(link[1]) == lv]
        if at_level:
            how = "own industry" if demand.industry == industry else "keywords"
            return DemandMapping("classified", _even(at_level), f"industry {industry} ({how})")
    return None


def map_demand_to_majors(demand: DemandLike, *, matcher: MajorMatcher | None = None) -> DemandMapping:
    """The majors a demand asks for, and which mapping produced them (see module docstring)."""
    mapping = map_wanted(demand)
    if mapping is None and matcher is not None:
        mapping = matcher(demand)
    if mapping is None:
        mapping = classify_by_keywords(demand)
    return mapping or DemandMapping("unmapped", (MajorLink(None, None, 1.0),), "no major or industry found")
