"""The three grouped aggregations everything else is built from (SQL GROUP BY, no row loading).

* demand: headcount of demands (split by ``demand_major.weight`` when majors are involved)
* supply: available graduates and graduates of cohorts, by graduation year
* pipeline: annual enrollment of open programs

Each takes a :class:`Scope` and the keys to group by and returns plain dicts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, distinct, func, select
from sqlalchemy.orm import Session

from app.analytics.models import DemandMajor
from app.analytics.scope import Scope
from app.analytics.sql import demand_in_years, demand_year, json_first, region_group
from app.cohorts.models import Cohort
from app.core.errors import InvalidInput
from app.core.listing import region_filter
from app.demands.models import Demand
from app.programs.models import Program

MAJOR_KEYS = {"major", "major_category", "source"}


def _demand_key(key: str, scope: Scope) -> ColumnElement[Any]:
    keys: dict[str, Any] = {
        "industry": Demand.industry,
        "major": DemandMajor.major_code,
        "major_category": DemandMajor.category_code,
        "source": DemandMajor.source,
        "region": region_group(Demand.region_code, scope.region_level),
        "education_level": Demand.education_level,
        "year": demand_year(),
    }
    if key not in keys:
        raise InvalidInput.field("dimension", f"cannot group demand by {key!r}", location="query")
    return keys[key]


def _program_key(key: str, scope: Scope, region_column: Any) -> ColumnElement[Any]:
    keys: dict[str, Any] = {
        "industry": json_first(Program.industries),
        "major": Program.major_code,
        "major_category": func.substr(Program.major_code, 1, 4),
        "region": region_group(region_column, scope.region_level),
        "education_level": Program.education_level,
        "year": Cohort.graduation_year,
    }
    if key not in keys:
        raise InvalidInput.field("dimension", f"cannot group supply by {key!r}", location="query")
    return keys[key]


def _grouped(session: Session, inner: Select[Any], keys: list[str], sums: dict[str, str],
             distincts: dict[str, str]) -> list[dict[str, Any]]:
    sub = inner.subquery()
    cols = [sub.c[k] for k in keys]
    measures = [func.coalesce(func.sum(sub.c[col]), 0).label(name) for name, col in sums.items()]
    measures += [func.count(distinct(sub.c[col])).label(name) for name, col in distincts.items()]
    stmt = select(*cols, *measures)
    if cols:
        stmt = stmt.group_by(*cols).order_by(*cols)
    return [dict(row._mapping) for row in session.execute(stmt)]


def demand_rows(session: Session, scope: Scope, keys: list[str]) -> list[dict[str, Any]]:
    """Rows with the keys plus ``demand`` (headcount), ``demands`` and ``enterprises``."""
    uses_majors = scope.uses_majors or bool(MAJOR_KEYS & set(keys))
    measure = Demand.headcount * DemandMajor.weight if uses_majors else Demand.headcount
    inner: Select[Any] = select(
        *[_demand_key(k, scope).label(k) for k in keys],
        measure.label("m"), Demand.id.label("did"), Demand.organization_id.label("org"),
    ).select_from(Demand).where(demand_in_years(scope.year_from, scope.year_to), Demand.status.in_(scope.demand_statuses))
    if uses_majors:
        inner = inner.join(DemandMajor, DemandMajor.demand_id == Demand.id)
    if scope.major_code:
        inner = inner.where(DemandMajor.major_code == scope.major_code)
    if scope.major_category:
        inner = inner.where(DemandMajor.category_code == scope.major_category)
    if scope.region_code:
        inner = inner.where(region_filter(Demand.region_code, scope.region_code))  # type: ignore[arg-type]
    if scope.industry:
        inner = inner.where(Demand.industry == scope.industry)
    if scope.education_level:
        inner = inner.where(Demand.education_level == scope.education_level)
    return _grouped(session, inner, keys, {"demand": "m"}, {"demands": "did", "enterprises": "org"})


def _program_filters(stmt: Select[Any], scope: Scope, region_column: Any) -> Select[Any]:
    if scope.major_code:
        stmt = stmt.where(Program.major_code == scope.major_code)
    if scope.major_category:
        stmt = stmt.where(Program.major_code.like(scope.major_category + "%"))
    if scope.region_code:
        stmt = stmt.where(region_filter(region_column, scope.region_code))
    if scope.industry:
        stmt = stmt.where(json_first(Program.industries) == scope.industry)
    if scope.education_level:
        stmt = stmt.where(Program.education_level == scope.education_level)
    return stmt


def supply_rows(session: Session, scope: Scope, keys: list[str]) -> list[dict[str, Any]]:
    """Rows with the keys plus ``supply`` (available), ``graduates``, ``cohorts`` and ``schools``."""
    inner: Select[Any] = (
        select(
            *[_program_key(k, scope, Cohort.region_code).label(k) for k in keys],
            Cohort.available.label("a"), Cohort.graduates.label("g"),
            Cohort.id.label("cid"), Cohort.organization_id.label("org"),
        )
        .select_from(Cohort)
        .join(Program, Program.id == Cohort.program_id)
        .where(Cohort.graduation_year >= scope.year_from, Cohort.graduation_year <= scope.year_to)
    )
    inner = _program_filters(inner, scope, Cohort.region_code)
    return _grouped(session, inner, keys, {"supply": "a", "graduates": "g"}, {"cohorts": "cid", "schools": "org"})


def pipeline_rows(session: Session, scope: Scope, keys: list[str]) -> list[dict[str, Any]]:
    """Rows with the keys plus ``pipeline`` (annual enrollment of open programs) and ``programs``."""
    if "year" in keys:
        raise InvalidInput.field("dimension", "enrollment has no year", location="query")
    inner: Select[Any] = select(
        *[_program_key(k, scope, Program.region_code).label(k) for k in keys],
        Program.annual_enrollment.label("e"), Program.id.label("pid"), Program.organization_id.label("org"),
    ).where(Program.status == "open")
    inner = _program_filters(inner, scope, Program.region_code)
    return _grouped(session, inner, keys, {"pipeline": "e"}, {"programs": "pid", "program_schools": "org"})
