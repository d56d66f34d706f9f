from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.api.deps import PageDep
from app.catalog.service import filter_entries, load_catalog
from app.core.enums import EducationLevel

router = APIRouter(prefix="/catalog", tags=["catalog"])

Q = Annotated[str | None, Query(max_length=100, description="Substring of code or name")]


def _page(entries: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {"items": entries[offset : offset + limit], "total": len(entries), "limit": limit, "offset": offset}


@router.get("/education-levels", summary="Education levels, lowest first")
def education_levels() -> dict[str, Any]:
    entries = list(load_catalog("education_levels"))
    return _page(entries, len(entries), 0)


@router.get("/employment-types", summary="Employment types")
def employment_types() -> dict[str, Any]:
    entries = list(load_catalog("employment_types"))
    return _page(entries, len(entries), 0)


@router.get("/cooperation-kinds", summary="Kinds of school-enterprise cooperation")
def cooperation_kinds() -> dict[str, Any]:
    entries = list(load_catalog("cooperation_kinds"))
    return _page(entries, len(entries), 0)


@router.get("/industries", summary="Industry clusters")
def industries(q: Q = None) -> dict[str, Any]:
    entries = filter_entries(load_catalog("industries"), q=q)
    return _page(entries, len(entries), 0)


@router.get("/regions", summary="Administrative divisions (6-digit codes)")
def regions(
    page: PageDep,
    q: Q = None,
    level: Annotated[str | None, Query(pattern="^(province|city|county)$")] = None,
    parent: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
) -> dict[str, Any]:
    entries = filter_entries(load_catalog("regions"), q=q, level=level, parent=parent)
    return _page(entries, page.limit, page.offset)


@router.get("/majors", summary="Vocational major catalog (MOE 2021, 2022 descriptions)")
def majors(
    page: PageDep,
    q: Q = None,
    level: EducationLevel | None = None,
    group: Annotated[str | None, Query(pattern=r"^\d{2,4}$", description="2-digit 大类 or 4-digit 专业类")] = None,
) -> dict[str, Any]:
    entries = filter_entries(load_catalog("majors"), q=q, level=level.value if level else None)
    if group:
        entries = [e for e in entries if str(e["code"]).startswith(group)]
    return _page(entries, page.limit, page.offset)


@router.get("/major-groups", summary="Major catalog groups (专业大类)")
def major_groups() -> dict[str, Any]:
    entries = list(load_catalog("major_groups"))
    return _page(entries, len(entries), 0)
