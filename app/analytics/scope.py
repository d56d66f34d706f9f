"""What an analytics request looks at (years, filters, grouping level) and its thresholds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query

from app.analytics.mapping import resolve_major
from app.catalog.service import normalise_industry
from app.core.config import Settings, get_settings
from app.core.enums import EducationLevel
from app.core.errors import InvalidInput

RegionLevel = Literal["county", "city", "province"]
Lang = Literal["zh", "en"]
#: Demand statuses counted as demand: every published demand (history needs the closed and
#: filled ones too); ``demand_status=open`` restricts to demands still open.
PUBLISHED = ("open", "filled", "closed")


@dataclass(frozen=True)
class Scope:
    year_from: int
    year_to: int
    region_code: str | None = None
    industry: str | None = None
    major_code: str | None = None
    major_category: str | None = None
    education_level: str | None = None
    region_level: RegionLevel = "county"
    demand_statuses: tuple[str, ...] = PUBLISHED
    lang: Lang = "zh"

    def years(self, year_from: int, year_to: int) -> Scope:
        return replace(self, year_from=year_from, year_to=year_to)

    @property
    def uses_majors(self) -> bool:
        return bool(self.major_code or self.major_category)


@dataclass(frozen=True)
class Thresholds:
    shortage_ratio: float
    surplus_ratio: float
    red_ratio: float
    min_demand: int
    min_supply: int
    unplaced_share: float
    trend_drop: float
    trend_years: int


def scope_params(
    year: Annotated[int | None, Query(ge=1990, le=2100, description="One year (default: this year)")] = None,
    year_from: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    region_code: Annotated[str | None, Query(pattern=r"^[1-9]\d{5}$", description="Region or prefix")] = None,
    industry: Annotated[str | None, Query(max_length=100, description="Industry slug or name")] = None,
    major: Annotated[str | None, Query(max_length=100, description="Major code, 专业类 code or name")] = None,
    education_level: EducationLevel | None = None,
    region_level: Annotated[RegionLevel, Query(description="Grouping level of regions")] = "county",
    demand_status: Annotated[Literal["published", "open"], Query(description="Which demands count")] = "published",
    lang: Annotated[Lang, Query(description="Label language")] = "zh",
) -> Scope:
    """Build the scope from query parameters: ``year``, or ``year_from``..``year_to``."""
    if year is not None and (year_from is not None or year_to is not None):
        raise InvalidInput.field("year", "give either year or year_from/year_to, not both", location="query")
    this_year = date.today().year
    start = year if year is not None else (year_from if year_from is not None else (year_to or this_year))
    end = year if year is not None else (year_to if year_to is not None else max(start, this_year))
    if start > end:
        raise InvalidInput.field("year_from", "year_from must not be after year_to", location="query")
    major_code = major_category = None
    if major:
        major_code, major_category = resolve_major(major)
        if major_code is None and major_category is None:
            raise InvalidInput.field("major", f"unknown major {major!r}", location="query")
        if major_code:
            major_category = None
    return Scope(
        year_from=start, year_to=end, region_code=region_code,
        industry=normalise_industry(industry) if industry else None,
        major_code=major_code, major_category=major_category,
        education_level=education_level.value if education_level else None,
        region_level=region_level, demand_statuses=PUBLISHED if demand_status == "published" else ("open",),
        lang=lang,
    )


def threshold_params(
    settings: Annotated[Settings, Depends(get_settings)],
    shortage_ratio: Annotated[float | None, Query(gt=0, description="Shortage if demand/supply >= this")] = None,
    surplus_ratio: Annotated[float | None, Query(ge=0, description="Surplus if demand/supply <= this")] = None,
    red_ratio: Annotated[float | None, Query(ge=0, description="Strong surplus signal (warnings)")] = None,
    min_demand: Annotated[int | None, Query(ge=0)] = None,
    min_supply: Annotated[int | None, Query(ge=0)] = None,
    unplaced_share: Annotated[float | None, Query(ge=0, le=1)] = None,
    trend_drop: Annotated[float | None, Query(ge=0)] = None,
    trend_years: Annotated[int | None, Query(ge=2, le=10)] = None,
) -> Thresholds:
    """Thresholds from settings, each overridable by the query parameter of the same name."""

    def pick(value: float | int | None, default: float | int) -> float | int:
        return default if value is None else value

    th = Thresholds(
        shortage_ratio=float(pick(shortage_ratio, settings.analytics_shortage_ratio)),
        surplus_ratio=float(pick(surplus_ratio, settings.analytics_surplus_ratio)),
        red_ratio=float(pick(red_ratio, settings.analytics_red_ratio)),
        min_demand=int(pick(min_demand, settings.analytics_min_demand)),
        min_supply=int(pick(min_supply, settings.analytics_min_supply)),
        unplaced_share=float(pick(unplaced_share, settings.analytics_unplaced_share)),
        trend_drop=float(pick(trend_drop, settings.analytics_trend_drop)),
        trend_years=int(pick(trend_years, settings.analytics_trend_years)),
    )
    if th.surplus_ratio >= th.shortage_ratio:
        raise InvalidInput.field("surplus_ratio", "surplus_ratio must be below shortage_ratio", location="query")
    return th


ScopeDep = Annotated[Scope, Depends(scope_params)]
ThresholdsDep = Annotated[Thresholds, Depends(threshold_params)]
