"""``/api/v1/analytics``: thin routes over the analytics services."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.analytics import destination, supply_demand
from app.analytics.demand_majors import rebuild_demand_majors
from app.analytics.engine_matcher import engine_matcher
from app.analytics.fit_report import fit_report
from app.analytics.forecast import backtest_forecasts, forecast
from app.analytics.labels import label
from app.analytics.mapping import MajorMatcher, map_demand_to_majors
from app.analytics.overview import overview
from app.analytics.report_render import to_csv, to_html
from app.analytics.scope import ScopeDep, ThresholdsDep
from app.analytics.warnings import LEVELS, major_warnings
from app.api.deps import SessionDep
from app.demands.service import get_demand

router = APIRouter(prefix="/analytics", tags=["analytics"])

REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"

DimensionQ = Annotated[
    Literal["industry", "major", "major_category", "region", "education_level"],
    Query(description="What to group by"),
]


def major_matcher(request: Request, session: SessionDep) -> MajorMatcher | None:
    """The demand→major fallback: ``app.state.major_matcher`` if set, else the live match index."""
    hook = getattr(request.app.state, "major_matcher", None)
    if hook is not None:
        return hook  # type: ignore[no-any-return]
    return engine_matcher(session, getattr(request.app.state, "match_index", None))


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
    demand_id: Annotated[int, Path(ge=1)], session: SessionDep, matcher: MatcherDep,
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
) -> dict[str, Any]:
    demand = get_demand(session, demand_id)
    mapping = map_demand_to_majors(demand, matcher=matcher)
    return {"demand_id": demand.id, "source": mapping.source, "note": mapping.note,
            "links": [{"major_code": link.major_code, "category_code": link.category_code,
                       "name": label("major", link.major_code, lang) if link.major_code
                       else label("major_category", link.category_code, lang),
                       "weight": round(link.weight, 6)} for link in mapping.links]}


@router.post("/demand-majors/rebuild", summary="Recompute every demand's major mapping (a job)")
def rebuild(session: SessionDep, matcher: MatcherDep) -> dict[str, int]:
    return {"mapped": rebuild_demand_majors(session, matcher=matcher)}


@router.get("/warnings", summary="Major early warning (专业预警): red / amber / green per major and region")
def warnings(
    session: SessionDep, scope: ScopeDep, th: ThresholdsDep, matcher: MatcherDep,
    level: Annotated[Literal[LEVELS] | None, Query(description="Only this level")] = None,  # type: ignore[valid-type]
) -> dict[str, Any]:
    """Evaluated for ``year`` (or ``year_to``); the trend looks back ``trend_years`` years."""
    return major_warnings(session, scope, th, level=level, matcher=matcher)


ForecastDimension = Annotated[Literal["industry", "major", "major_category"], Query()]


@router.get("/forecast", summary="Next year's demand and supply per industry or major, with an interval")
def forecast_next_year(
    session: SessionDep, scope: ScopeDep, matcher: MatcherDep, dimension: ForecastDimension = "industry",
    target_year: Annotated[int | None, Query(ge=1990, le=2101, description="Default: next year")] = None,
    history_years: Annotated[int, Query(ge=2, le=15)] = 5,
) -> dict[str, Any]:
    return forecast(session, scope, dimension, target_year=target_year or date.today().year + 1,
                    history_years=history_years, matcher=matcher)


@router.get("/forecast/backtest", summary="Rolling-origin back-test of the forecast: MAE, MAPE, coverage")
def forecast_backtest(
    session: SessionDep, scope: ScopeDep, matcher: MatcherDep, dimension: ForecastDimension = "industry",
) -> dict[str, Any]:
    """Forecasts each year in ``year_from``..``year_to`` from the years before it."""
    return backtest_forecasts(session, scope, dimension, year_from=scope.year_from, year_to=scope.year_to,
                              matcher=matcher)


@router.get(
    "/fit-report", summary="Major-industry fit report (专业结构与产业结构匹配状况报告): JSON, CSV or HTML",
    responses={200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {}}}},
)
def fit_report_(
    session: SessionDep, scope: ScopeDep,
    format: Annotated[Literal["json", "csv", "html"], Query(description="json, csv or printable html")] = "json",
) -> Any:
    report = fit_report(session, scope)
    name = f"fit-report-{scope.year_from}-{scope.year_to}"
    if format == "csv":
        return Response(to_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if format == "html":
        return Response(to_html(report), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}.html"',
                                 # a self-contained page: its own inline stylesheet, no scripts
                                 "Content-Security-Policy": REPORT_CSP})
    return report


@router.get("/overview", summary="Key indicators for the data cockpit")
def overview_(session: SessionDep, scope: ScopeDep, th: ThresholdsDep, matcher: MatcherDep) -> dict[str, Any]:
    return overview(session, scope, th, matcher=matcher)
