"""Next year's demand and supply per industry or major, and a back-test of the method.

History: yearly demand (headcount by demand year) and supply (graduates by graduation year:
a past cohort's ``available`` shrinks as it is placed, so graduates are the comparable yearly
inflow) from the database over ``history_years`` years before the target. Years
without records after a key's first year count as 0. Method: :func:`app.analytics.trend.forecast_next`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.analytics.labels import label
from app.analytics.mapping import MajorMatcher
from app.analytics.queries import demand_rows, supply_rows
from app.analytics.scope import Scope
from app.analytics.supply_demand import ensure_mappings
from app.analytics.trend import backtest, error_metrics, forecast_next

MEASURES = ("demand", "supply")


def _series(session: Session, scope: Scope, dimension: str, first: int, last: int) -> dict[str, dict[Any, dict[int, float]]]:
    window = scope.years(first, last)
    raw: dict[str, dict[Any, dict[int, float]]] = {"demand": {}, "supply": {}}
    for r in demand_rows(session, window, [dimension, "year"]):
        raw["demand"].setdefault(r[dimension], {})[r["year"]] = float(r["demand"])
    for r in supply_rows(session, window, [dimension, "year"]):
        raw["supply"].setdefault(r[dimension], {})[r["year"]] = float(r["graduates"])
    for by_key in raw.values():
        for key, series in by_key.items():
            start = min(series)
            by_key[key] = {y: series.get(y, 0.0) for y in range(start, last + 1)}
    return raw


def forecast(
    session: Session, scope: Scope, dimension: str, *, target_year: int, history_years: int = 5,
    matcher: MajorMatcher | None = None,
) -> dict[str, Any]:
    """Forecast per key with its history, interval and method."""
    ensure_mappings(session, scope, dimension, matcher)
    series = _series(session, scope, dimension, target_year - history_years, target_year - 1)
    scheduled = {r[dimension]: int(r["graduates"]) for r in supply_rows(session, scope.years(target_year, target_year),
                                                                      [dimension])}
    keys = set(series["demand"]) | set(series["supply"])
    items = []
    for key in keys:
        item: dict[str, Any] = {"key": key, "label": label(dimension, key, scope.lang)}
        for measure in MEASURES:
            history = series[measure].get(key, {})
            fc = forecast_next(history, target_year)
            item[measure] = {"history": {str(y): round(v, 2) for y, v in sorted(history.items())},
                             "forecast": fc.as_dict() if fc else None}
        item["supply"]["scheduled"] = scheduled.get(key)
        d, s = item["demand"]["forecast"], item["supply"]["forecast"]
        item["gap"] = round((d["value"] if d else 0.0) - (s["value"] if s else 0.0), 2)
        items.append(item)
    items.sort(key=lambda i: (-abs(i["gap"]), str(i["key"])))
    return {"dimension": dimension, "target_year": target_year, "history_years": history_years,
            "method": forecast_next.__doc__, "items": items}


def backtest_forecasts(
    session: Session, scope: Scope, dimension: str, *, year_from: int, year_to: int,
    matcher: MajorMatcher | None = None,
) -> dict[str, Any]:
    """Rolling-origin back-test over ``year_from``..``year_to``: errors per measure, overall and per key."""
    ensure_mappings(session, scope, dimension, matcher)
    series = _series(session, scope, dimension, year_from, year_to)
    out: dict[str, Any] = {"dimension": dimension, "year_from": year_from, "year_to": year_to}
    for measure in MEASURES:
        all_points, per_key = [], []
        for key, history in sorted(series[measure].items(), key=lambda kv: str(kv[0])):
            points = backtest(history)
            if points:
                all_points.extend(points)
                per_key.append({"key": key, "label": label(dimension, key, scope.lang), **error_metrics(points)})
        out[measure] = {"overall": error_metrics(all_points), "keys": per_key}
    return out
