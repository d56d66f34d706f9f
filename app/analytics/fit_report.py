"""Major-industry fit report (专业结构与产业结构匹配状况报告).

For each region: how the schools' graduates and enrollment spread over industries (a
program counts for its first listed industry) against how demand spreads over them.

* shares: each industry's part of the region's demand, graduates and enrollment
* ``share_gap`` = graduate share - demand share
* ``coverage`` = graduates / demand (null without demand)
* ``fit_index`` = 1 - ½ Σ |graduate share - demand share| (1: same structure, 0: disjoint);
  ``enrollment_fit_index`` the same with enrollment shares
* best-served industries: highest coverage; worst-served: lowest coverage (industries with demand)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.analytics.labels import label
from app.analytics.queries import demand_rows, pipeline_rows, supply_rows
from app.analytics.scope import Scope

TOP = 3
ALL_REGIONS = "all"


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def _fit(rows: list[dict[str, Any]], field: str) -> float | None:
    if not any(r[field] for r in rows) or not any(r["demand"] for r in rows):
        return None
    return round(1 - 0.5 * sum(abs(r[f"{field}_share"] - r["demand_share"]) for r in rows), 4)


def _region(code: str, name: str, cells: dict[Any, dict[str, float]], lang: str) -> dict[str, Any]:
    totals = {m: sum(c[m] for c in cells.values()) for m in ("demand", "graduates", "available", "enrollment")}
    rows = []
    for industry, c in cells.items():
        rows.append({
            "industry": industry, "industry_name": label("industry", industry, lang),
            "demand": round(c["demand"], 2), "graduates": int(c["graduates"]), "available": int(c["available"]),
            "enrollment": int(c["enrollment"]),
            "demand_share": _share(c["demand"], totals["demand"]),
            "graduates_share": _share(c["graduates"], totals["graduates"]),
            "enrollment_share": _share(c["enrollment"], totals["enrollment"]),
            "coverage": round(c["graduates"] / c["demand"], 4) if c["demand"] else None,
        })
    for r in rows:
        r["share_gap"] = round(r["graduates_share"] - r["demand_share"], 4)
    rows.sort(key=lambda r: (-r["demand"], -r["graduates"], str(r["industry"])))
    with_demand = [r for r in rows if r["demand"]]
    ranked = sorted(with_demand, key=lambda r: (r["coverage"], str(r["industry"])))
    return {
        "region_code": code, "region_name": name,
        "totals": {k: (round(v, 2) if k == "demand" else int(v)) for k, v in totals.items()},
        "fit_index": _fit(rows, "graduates"), "enrollment_fit_index": _fit(rows, "enrollment"),
        "best_served": [r["industry"] for r in reversed(ranked[-TOP:])],
        "worst_served": [r["industry"] for r in ranked[:TOP]],
        "industries": rows,
    }


def fit_report(session: Session, scope: Scope) -> dict[str, Any]:
    """The report as a JSON-able dict: one section per region plus one for all regions."""
    keys = ["region", "industry"]
    cells: dict[Any, dict[Any, dict[str, float]]] = {}

    def cell(region: Any, industry: Any) -> dict[str, float]:
        return cells.setdefault(region, {}).setdefault(
            industry, {"demand": 0.0, "graduates": 0.0, "available": 0.0, "enrollment": 0.0})

    for r in demand_rows(session, scope, keys):
        cell(r["region"], r["industry"])["demand"] = float(r["demand"])
    for r in supply_rows(session, scope, keys):
        cell(r["region"], r["industry"]).update(graduates=float(r["graduates"]), available=float(r["supply"]))
    for r in pipeline_rows(session, scope, keys):
        cell(r["region"], r["industry"])["enrollment"] = float(r["pipeline"])
    overall: dict[Any, dict[str, float]] = {}
    for by_industry in cells.values():
        for industry, c in by_industry.items():
            o = overall.setdefault(industry, dict.fromkeys(c, 0.0))
            for m, v in c.items():
                o[m] += v
    lang = scope.lang
    regions = [_region(code, label("region", code, lang), cells[code], lang)
               for code in sorted(cells, key=lambda c: (c is None, c or ""))]
    all_name = "全部地区" if lang == "zh" else "All regions"
    return {
        "title": "专业结构与产业结构匹配状况报告" if lang == "zh" else "Major-industry structure fit report",
        "year_from": scope.year_from, "year_to": scope.year_to, "region_level": scope.region_level,
        "region_filter": scope.region_code, "lang": lang,
        "overall": _region(ALL_REGIONS, all_name, overall, lang),
        "regions": regions,
        "definitions": __doc__,
    }
