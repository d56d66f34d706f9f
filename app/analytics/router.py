"""``/api/v1/analytics``: thin routes over the analytics services."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from app.analytics import destination, supply_demand
from app.analytics.demand_majors import rebuild_demand_majors
from app.analytics.mapping import MajorMatcher, map_demand_to_majors
from app.analytics.scope import ScopeDep, ThresholdsDep
from app.api.deps import SessionDep
from app.demands.service import get_demand

router = APIRouter(prefix="/analytics", tags=["analytics"])

DimensionQ = Annotated[
    Literal["industry", "major", "major_category", "region", "education_level"],
    Query(description="What to group by"),
]


def major_matcher(request: Request) -> MajorMatcher | None:
    """The matching engine's demand→major hook, when ``app/matches`` installed one on app.state."""
    return getattr(request.app.state, "major_matcher", None)


MatcherDep = Annotated[MajorMatcher | None, Depends(major_matcher)]


@router.get("/supply-demand", summary="Supply vs demand by industry, major, region or education level")
def supply_vs_demand(
    session: SessionDep, scope: ScopeDep, matcher: MatcherDep, dimension: DimensionQ = "industry"
) -> dict[str, Any]:
    return supply_demand.supply_vs_demand(session, scope, dimension, matcher=matcher)


@router.get("/imbalances", summary="Shortage (紧缺) and surplus (过剩) lists")
def imbalances(
    session: SessionDep, scope: ScopeDep, th: ThresholdsDep, matcher: MatcherDep, dimension: DimensionQ = "major"
) -> dict[str, Any]:
    return supply_demand.imbalances(session, scope, dimension, th, matcher=matcher)


@router.get("/destination-rates", summary="Destination rate (去向落实率) per school, program and year")
def destination_rates(
    session: SessionDep,
    group_by: Annotated[str, Query(description="Comma list of school, program, year")] = "school",
    year_from: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    organization_id: Annotated[int | None, Query(ge=1)] = None,
    region_code: Annotated[str | None, Query(pattern=r"^[1-9]\d{5}$")] = None,
) -> dict[str, Any]:
    this_year = date.today().year
    return destination.destination_rates(
        session, group_by=group_by, year_from=year_from or 1990, year_to=year_to or this_year + 5,
        organization_id=organization_id, region_code=region_code,
    )


@router.get("/demands/{demand_id}/majors", summary="How a demand maps to majors (and which mapping was used)")
def demand_majors(
    demand_id: Annotated[int, Path(ge=1)], session: SessionDep, matcher: MatcherDep
) -> dict[str, Any]:
    demand = get_demand(session, demand_id)
    mapping = map_demand_to_majors(demand, matcher=matcher)
    return {"demand_id": demand.id, "source": mapping.source, "note": mapping.note,
            "links": [{"major_code": link.major_code, "category_code": link.category_code,
                       "weight": round(link.weight, 6)} for link in mapping.links]}


@router.post("/demand-majors/rebuild", summary="Recompute every demand's major mapping (a job)")
def rebuild(session: SessionDep, matcher: MatcherDep) -> dict[str, int]:
    return {"mapped": rebuild_demand_majors(session, matcher=matcher)}
