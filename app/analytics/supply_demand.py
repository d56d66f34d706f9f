"""Supply vs demand by one dimension, and the shortage / surplus lists built on it."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy.orm import Session

from app.analytics.demand_majors import refresh_demand_majors
from app.analytics.labels import label
from app.analytics.mapping import MajorMatcher
from app.analytics.queries import demand_rows, pipeline_rows, supply_rows
from app.analytics.scope import Scope, Thresholds

Dimension = Literal["industry", "major", "major_category", "region", "education_level"]
DIMENSIONS: tuple[str, ...] = ("industry", "major", "major_category", "region", "education_level")

DEFINITIONS = {
    "demand": "headcount of published demands whose year (valid_from, else created_at) is in range; "
              "split evenly over a demand's majors for per-major figures",
    "supply": "available graduates of cohorts graduating in range",
    "graduates": "graduates of cohorts graduating in range",
    "pipeline": "annual enrollment of open programs (next cohorts)",
    "gap": "demand - supply (positive: shortage)",
    "ratio": "demand / supply (null when supply is 0)",
    "program_industry": "a program counts for its first listed industry",
}


def ratio_of(demand: float, supply: float) -> float | None:
    return round(demand / supply, 6) if supply else None


def classify(demand: float, supply: float, th: Thresholds) -> str:
    """``low_confidence``, ``shortage``, ``surplus`` or ``balanced`` (edges inclusive)."""
    if demand < th.min_demand and supply < th.min_supply:
        return "low_confidence"
    ratio = ratio_of(demand, supply)
    if ratio is None or ratio >= th.shortage_ratio:
        return "shortage"
    if ratio <= th.surplus_ratio:
        return "surplus"
    return "balanced"


def _num(value: Any) -> float:
    return round(float(value or 0), 2)


def ensure_mappings(session: Session, scope: Scope, dimension: str, matcher: MajorMatcher | None) -> None:
    if scope.uses_majors or dimension in ("major", "major_category"):
        refresh_demand_majors(session, matcher=matcher)


def supply_vs_demand(
    session: Session, scope: Scope, dimension: str, *, matcher: MajorMatcher | None = None
) -> dict[str, Any]:
    """One row per key of ``dimension`` with demand, supply, pipeline, gap, ratio and counts."""
    ensure_mappings(session, scope, dimension, matcher)
    items: dict[Any, dict[str, Any]] = {}

    def row(key: Any) -> dict[str, Any]:
        return items.setdefault(key, {
            "key": key, "label": label(dimension, key, scope.lang), "demand": 0.0, "demands": 0,
            "enterprises": 0, "supply": 0, "graduates": 0, "pipeline": 0, "schools": 0,
        })

    for r in demand_rows(session, scope, [dimension]):
        row(r[dimension]).update(demand=_num(r["demand"]), demands=r["demands"], enterprises=r["enterprises"])
    for r in supply_rows(session, scope, [dimension]):
        row(r[dimension]).update(supply=int(r["supply"]), graduates=int(r["graduates"]), schools=r["schools"])
    for r in pipeline_rows(session, scope, [dimension]):
        row(r[dimension])["pipeline"] = int(r["pipeline"])
    by_source: dict[str, float] = {}
    if dimension in ("major", "major_category") or scope.uses_majors:
        for r in demand_rows(session, scope, [dimension, "source"]):
            row(r[dimension]).setdefault("demand_by_source", {})[r["source"]] = _num(r["demand"])
            by_source[r["source"]] = _num(by_source.get(r["source"], 0) + float(r["demand"]))
    for item in items.values():
        item["gap"] = _num(item["demand"] - item["supply"])
        item["ratio"] = ratio_of(item["demand"], item["supply"])
    ordered = sorted(items.values(), key=lambda i: (-i["demand"], -i["supply"], str(i["key"])))
    return {
        "dimension": dimension,
        "year_from": scope.year_from,
        "year_to": scope.year_to,
        "items": ordered,
        "totals": _totals(session, scope, ordered),
        "mapping": by_source or None,
        "definitions": DEFINITIONS,
    }


def _totals(session: Session, scope: Scope, items: list[dict[str, Any]]) -> dict[str, Any]:
    demand = demand_rows(session, scope, [])[0]
    supply = supply_rows(session, scope, [])[0]
    total_demand = _num(sum(i["demand"] for i in items))
    total_supply = int(sum(i["supply"] for i in items))
    return {
        "demand": total_demand, "demands": demand["demands"], "enterprises": demand["enterprises"],
        "supply": total_supply, "graduates": int(sum(i["graduates"] for i in items)),
        "pipeline": int(sum(i["pipeline"] for i in items)), "schools": supply["schools"],
        "gap": _num(total_demand - total_supply), "ratio": ratio_of(total_demand, total_supply),
    }


def imbalances(
    session: Session, scope: Scope, dimension: str, th: Thresholds, *, matcher: MajorMatcher | None = None
) -> dict[str, Any]:
    """Shortage (紧缺) and surplus (过剩) lists, with low-confidence keys set apart."""
    table = supply_vs_demand(session, scope, dimension, matcher=matcher)
    out: dict[str, list[dict[str, Any]]] = {"shortage": [], "surplus": [], "balanced": [], "low_confidence": []}
    for item in table["items"]:
        status = classify(item["demand"], item["supply"], th)
        entry = {k: item[k] for k in ("key", "label", "demand", "supply", "gap", "ratio", "graduates",
                                      "pipeline", "enterprises", "schools")}
        entry["reason"] = _reason(status, item, th)
        out[status].append(entry)
    out["shortage"].sort(key=lambda e: (-(e["ratio"] if e["ratio"] is not None else float("inf")), -e["gap"]))
    out["surplus"].sort(key=lambda e: (e["ratio"], e["gap"]))
    return {
        "dimension": dimension, "year_from": scope.year_from, "year_to": scope.year_to,
        "thresholds": {"shortage_ratio": th.shortage_ratio, "surplus_ratio": th.surplus_ratio,
                       "min_demand": th.min_demand, "min_supply": th.min_supply},
        **out,
    }


def _reason(status: str, item: dict[str, Any], th: Thresholds) -> str:
    d, s, r = item["demand"], item["supply"], item["ratio"]
    if status == "low_confidence":
        return f"demand {d:g} < {th.min_demand} and supply {s} < {th.min_supply}: too few to judge"
    if status == "shortage":
        if r is None:
            return f"demand {d:g} with no available graduates"
        return f"demand/supply {r:.2f} >= {th.shortage_ratio:g} ({d:g} wanted, {s} available)"
    if status == "surplus":
        return f"demand/supply {r:.2f} <= {th.surplus_ratio:g} ({d:g} wanted, {s} available)"
    return f"demand/supply {r:.2f} within ({th.surplus_ratio:g}, {th.shortage_ratio:g})"
