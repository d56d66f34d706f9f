"""Key indicators for the data cockpit (数据驾驶舱)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.analytics.destination import destination_rates
from app.analytics.mapping import MajorMatcher
from app.analytics.queries import demand_rows, supply_rows
from app.analytics.scope import Scope, Thresholds
from app.analytics.warnings import major_warnings
from app.core.listing import region_filter
from app.demands.models import Demand

TREND_YEARS = 5


def overview(session: Session, scope: Scope, th: Thresholds, *, matcher: MajorMatcher | None = None) -> dict[str, Any]:
    """Open demands and headcount (now), available graduates, placement and warnings for ``scope.year_to``."""
    year = scope.year_to
    stmt = select(func.count(Demand.id), func.coalesce(func.sum(Demand.headcount), 0)).where(Demand.status == "open")
    if scope.region_code:
        stmt = stmt.where(region_filter(Demand.region_code, scope.region_code))  # type: ignore[arg-type]
    open_demands, open_headcount = session.execute(stmt).one()
    this_year = scope.years(year, year)
    supply = supply_rows(session, this_year, [])[0]
    rates = destination_rates(session, group_by="year", year_from=year, year_to=year,
                              region_code=scope.region_code)["totals"]
    warnings = major_warnings(session, this_year, th, matcher=matcher)
    history = scope.years(year - TREND_YEARS + 1, year)
    demand_by_year = {r["year"]: round(float(r["demand"]), 2) for r in demand_rows(session, history, ["year"])}
    supply_by_year = {r["year"]: int(r["supply"]) for r in supply_rows(session, history, ["year"])}
    years = list(range(year - TREND_YEARS + 1, year + 1))
    return {
        "year": year,
        "open_demands": int(open_demands), "open_headcount": int(open_headcount),
        "available_graduates": int(supply["supply"]), "graduates": int(supply["graduates"]),
        "placement_rate": rates["placement_rate"], "reported_rate": rates["reported_rate"],
        "hired": rates["hired"],
        "warnings": warnings["summary"],
        "trend": {"years": years, "demand": [demand_by_year.get(y, 0) for y in years],
                  "supply": [supply_by_year.get(y, 0) for y in years]},
    }
