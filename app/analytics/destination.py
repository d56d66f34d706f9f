"""Destination rate (去向落实率) per school, program and graduation year.

* ``placement_rate`` = people hired through the platform (placements with status ``hired``,
  summed ``count``) / graduates of the cohorts. Program placements count for the year they
  were created.
* ``reported_rate`` = (graduates - still available) / graduates, as the schools report it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cohorts.models import Cohort
from app.core.errors import InvalidInput
from app.core.listing import region_filter
from app.organizations.models import Organization
from app.placements.models import Placement
from app.programs.models import Program

GROUPS = ("school", "program", "year")
STATUSES = ("recommended", "contacted", "interviewing", "hired", "rejected")


def _keys(group_by: str) -> list[str]:
    keys = [k.strip() for k in group_by.split(",") if k.strip()]
    bad = [k for k in keys if k not in GROUPS]
    if bad or not keys:
        raise InvalidInput.field("group_by", f"group by one or more of {', '.join(GROUPS)}", location="query")
    return list(dict.fromkeys(keys))


def destination_rates(
    session: Session, *, group_by: str = "school", year_from: int, year_to: int,
    organization_id: int | None = None, region_code: str | None = None,
) -> dict[str, Any]:
    """Graduates, hires, pipeline by status and both rates per group."""
    keys = _keys(group_by)
    cohort_cols = {"school": Cohort.organization_id, "program": Cohort.program_id, "year": Cohort.graduation_year}
    place_cols = {"school": Placement.organization_id, "program": Placement.program_id, "year": Placement.year}
    c_keys = [cohort_cols[k].label(k) for k in keys]
    cstmt = select(*c_keys, func.sum(Cohort.graduates).label("g"), func.sum(Cohort.available).label("a")).where(
        Cohort.graduation_year >= year_from, Cohort.graduation_year <= year_to
    )
    p_keys = [place_cols[k].label(k) for k in keys]
    pstmt = select(*p_keys, Placement.status, func.sum(Placement.count).label("n")).where(
        Placement.year >= year_from, Placement.year <= year_to
    )
    if organization_id is not None:
        cstmt = cstmt.where(Cohort.organization_id == organization_id)
        pstmt = pstmt.where(Placement.organization_id == organization_id)
    if region_code:
        cstmt = cstmt.where(region_filter(Cohort.region_code, region_code))  # type: ignore[arg-type]
        pstmt = pstmt.where(Placement.program_id.in_(
            select(Program.id).where(region_filter(Program.region_code, region_code))  # type: ignore[arg-type]
        ))
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}

    def group(row: Any) -> dict[str, Any]:
        key = tuple(row._mapping[k] for k in keys)
        return groups.setdefault(key, {**dict(zip(keys, key, strict=True)), "graduates": 0, "available": 0,
                                       "hired": 0, "by_status": dict.fromkeys(STATUSES, 0)})

    for row in session.execute(cstmt.group_by(*c_keys)):
        group(row).update(graduates=int(row.g or 0), available=int(row.a or 0))
    for row in session.execute(pstmt.group_by(*p_keys, Placement.status)):
        g = group(row)
        g["by_status"][row.status] = int(row.n or 0)
    items = sorted(groups.values(), key=lambda g: tuple(str(g[k]) for k in keys))
    _name(session, items, keys)
    for g in items:
        g["hired"] = g["by_status"]["hired"]
        grads = g["graduates"]
        g["placement_rate"] = round(g["hired"] / grads, 4) if grads else None
        g["reported_rate"] = round((grads - g["available"]) / grads, 4) if grads else None
    total_g = sum(g["graduates"] for g in items)
    total_h = sum(g["hired"] for g in items)
    total_a = sum(g["available"] for g in items)
    return {
        "group_by": keys, "year_from": year_from, "year_to": year_to, "items": items,
        "totals": {"graduates": total_g, "hired": total_h, "available": total_a,
                   "placement_rate": round(total_h / total_g, 4) if total_g else None,
                   "reported_rate": round((total_g - total_a) / total_g, 4) if total_g else None},
        "definitions": {"placement_rate": "hired (platform placements) / graduates",
                        "reported_rate": "(graduates - available) / graduates"},
    }


def _name(session: Session, items: list[dict[str, Any]], keys: list[str]) -> None:
    if "school" in keys:
        ids = {g["school"] for g in items}
        names = dict(session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())
        for g in items:
            g["school_name"] = names.get(g["school"])
    if "program" in keys:
        ids = {g["program"] for g in items}
        names = dict(session.execute(select(Program.id, Program.name).where(Program.id.in_(ids))).all())
        for g in items:
            g["program_name"] = names.get(g["program"])
