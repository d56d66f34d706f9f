"""Major early warning (专业预警): red / amber / green per major and region.

Signals for the evaluated year (points):
  * demand/supply ratio <= red_ratio (2) or <= surplus_ratio (1)
  * the ratio falls over the last ``trend_years`` years by >= trend_drop of its mean a year (1)
  * share of graduates still unplaced (available / graduates) >= unplaced_share (1)
red: 3+ points, amber: 1-2, green: 0. Demand below min_demand and supply below min_supply:
``low_confidence`` (not warned on). A shortage (ratio >= shortage_ratio) is noted as a reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.analytics.labels import label
from app.analytics.mapping import MajorMatcher
from app.analytics.queries import demand_rows, supply_rows
from app.analytics.scope import Scope, Thresholds
from app.analytics.supply_demand import ensure_mappings, ratio_of
from app.analytics.trend import slope

LEVELS = ("red", "amber", "green", "low_confidence")
_MSG = {
    "zh": {
        "low": "样本过小：需求 {d:g} 人 < {md}，可供毕业生 {s} 人 < {ms}，不作预警",
        "red_ratio": "供需比 {r:.2f} ≤ {t:g}（需求 {d:g} 人，可供毕业生 {s} 人），严重供过于求",
        "surplus": "供需比 {r:.2f} ≤ {t:g}（需求 {d:g} 人，可供毕业生 {s} 人），供过于求",
        "falling": "供需比近{n}年持续下降，年均变化 {c:+.0%}（{series}）",
        "unplaced": "未落实去向毕业生占比 {u:.0%} ≥ {t:.0%}（{a}/{g} 人）",
        "shortage": "供需比 {r} ≥ {t:g}，人才紧缺，可考虑扩大招生",
    },
    "en": {
        "low": "too few to judge: demand {d:g} < {md} and available graduates {s} < {ms}",
        "red_ratio": "demand/supply {r:.2f} <= {t:g} ({d:g} wanted, {s} available): strong oversupply",
        "surplus": "demand/supply {r:.2f} <= {t:g} ({d:g} wanted, {s} available): oversupply",
        "falling": "demand/supply falling over {n} years, {c:+.0%} a year ({series})",
        "unplaced": "{u:.0%} of graduates still unplaced >= {t:.0%} ({a} of {g})",
        "shortage": "demand/supply {r} >= {t:g}: shortage, consider expanding enrollment",
    },
}


def _reason(lang: str, code: str, value: Any, threshold: Any, **fmt: Any) -> dict[str, Any]:
    return {"code": code, "value": value, "threshold": threshold, "message": _MSG[lang][code].format(**fmt)}


def evaluate(cells: dict[int, dict[str, float]], year: int, th: Thresholds, lang: str = "zh") -> dict[str, Any]:
    """Level, score, numbers and reasons for one major in one region from its yearly cells."""
    now = cells.get(year, {})
    d, s, g = round(now.get("demand", 0.0), 2), int(now.get("supply", 0)), int(now.get("graduates", 0))
    ratio = ratio_of(d, s)
    unplaced = round(s / g, 4) if g else None
    years = sorted(y for y in cells if cells[y].get("supply"))
    ratios = [ratio_of(cells[y].get("demand", 0.0), cells[y]["supply"]) or 0.0 for y in years]
    b = slope([float(y) for y in years], ratios)
    mean = sum(ratios) / len(ratios) if ratios else 0.0
    change = round(b / mean, 4) if b is not None and mean > 0 else None
    out: dict[str, Any] = {
        "demand": round(d, 2), "supply": s, "graduates": g, "ratio": ratio, "unplaced_share": unplaced,
        "trend": {"years": years, "ratios": [round(r, 4) for r in ratios],
                  "slope": round(b, 4) if b is not None else None, "relative_change": change},
    }
    if d < th.min_demand and s < th.min_supply:
        out.update(level="low_confidence", score=0, reasons=[
            _reason(lang, "low", {"demand": d, "supply": s}, {"min_demand": th.min_demand,
                    "min_supply": th.min_supply}, d=d, s=s, md=th.min_demand, ms=th.min_supply)])
        return out
    score, reasons = 0, []
    if ratio is not None and ratio <= th.red_ratio:
        score += 2
        reasons.append(_reason(lang, "red_ratio", ratio, th.red_ratio, r=ratio, t=th.red_ratio, d=d, s=s))
    elif ratio is not None and ratio <= th.surplus_ratio:
        score += 1
        reasons.append(_reason(lang, "surplus", ratio, th.surplus_ratio, r=ratio, t=th.surplus_ratio, d=d, s=s))
    if change is not None and len(years) >= 2 and change <= -th.trend_drop:
        score += 1
        series = " → ".join(f"{r:.2f}" for r in ratios)
        reasons.append(_reason(lang, "falling", change, -th.trend_drop, n=len(years), c=change, series=series))
    if unplaced is not None and unplaced >= th.unplaced_share:
        score += 1
        reasons.append(_reason(lang, "unplaced", unplaced, th.unplaced_share, u=unplaced, t=th.unplaced_share,
                               a=s, g=g))
    if ratio is None or ratio >= th.shortage_ratio:
        shown = "∞" if ratio is None else f"{ratio:.2f}"
        reasons.append(_reason(lang, "shortage", ratio, th.shortage_ratio, r=shown, t=th.shortage_ratio))
    out.update(level="red" if score >= 3 else "amber" if score >= 1 else "green", score=score, reasons=reasons)
    return out


def major_warnings(
    session: Session, scope: Scope, th: Thresholds, *, level: str | None = None,
    matcher: MajorMatcher | None = None,
) -> dict[str, Any]:
    """Warnings for every (major, region) with demand or supply in ``scope.year_to``."""
    year = scope.year_to
    ensure_mappings(session, scope, "major", matcher)
    window = scope.years(year - th.trend_years + 1, year)
    cells: dict[tuple[str, str | None], dict[int, dict[str, float]]] = {}
    for r in demand_rows(session, window, ["major", "region", "year"]):
        if r["major"]:
            cells.setdefault((r["major"], r["region"]), {}).setdefault(r["year"], {})["demand"] = float(r["demand"])
    for r in supply_rows(session, window, ["major", "region", "year"]):
        if r["major"]:
            cell = cells.setdefault((r["major"], r["region"]), {}).setdefault(r["year"], {})
            cell.update(supply=float(r["supply"]), graduates=float(r["graduates"]))
    items: list[dict[str, Any]] = []
    for (major, region), yearly in cells.items():
        if year not in yearly:
            continue
        item = {"major_code": major, "major_name": label("major", major, scope.lang),
                "region_code": region, "region_name": label("region", region, scope.lang)}
        item.update(evaluate(yearly, year, th, scope.lang))
        items.append(item)
    summary = {lv: sum(1 for i in items if i["level"] == lv) for lv in LEVELS}
    if level:
        items = [i for i in items if i["level"] == level]
    items.sort(key=lambda i: (LEVELS.index(i["level"]), -i["score"], i["ratio"] if i["ratio"] is not None
                              else float("inf"), i["major_code"], i["region_code"] or ""))
    return {
        "year": year, "trend_years": th.trend_years, "summary": summary, "items": items,
        "thresholds": {"red_ratio": th.red_ratio, "surplus_ratio": th.surplus_ratio,
                       "shortage_ratio": th.shortage_ratio, "unplaced_share": th.unplaced_share,
                       "trend_drop": th.trend_drop, "min_demand": th.min_demand, "min_supply": th.min_supply},
        "rules": __doc__,
    }
