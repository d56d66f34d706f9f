"""Demand use cases: CRUD, idempotent external sync and list queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.catalog.service import normalise_industry
from app.core import records
from app.core.enums import OWNER_KINDS
from app.core.listing import apply_sort, json_list_contains, region_filter, text_contains
from app.core.pagination import PageParams, paginate
from app.demands.models import Demand
from app.demands.schemas import DemandBody, DemandCreate, DemandFilters, DemandUpsert


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    if "industry" in values:
        values["industry"] = normalise_industry(values["industry"])
    return values


SPEC = records.RecordSpec(
    entity="demand",
    model=Demand,
    body_schema=DemandBody,
    owner_kinds=OWNER_KINDS["demand"],
    sortable=("created_at", "updated_at", "title", "headcount", "salary_min", "salary_max",
              "valid_from", "valid_until", "status"),
    normalise=_normalise,
)


def create_demand(session: Session, body: DemandCreate, *, actor: Principal | None = None) -> Demand:
    return records.create_record(session, SPEC, body.model_dump(), actor=actor)


def get_demand(session: Session, demand_id: int, *, actor: Principal | None = None) -> Demand:
    return records.get_record(session, SPEC, demand_id, actor=actor)


def update_demand(
    session: Session, demand_id: int, patch: dict[str, Any], *, actor: Principal | None = None
) -> Demand:
    return records.update_record(session, SPEC, demand_id, patch, actor=actor)


def delete_demand(
    session: Session, demand_id: int, *, cascade: bool = False, actor: Principal | None = None
) -> None:
    records.delete_record(session, SPEC, demand_id, actor=actor)


def upsert_demand(
    session: Session, external_id: str, body: DemandUpsert, *, actor: Principal | None = None
) -> tuple[Demand, records.Outcome]:
    """Create or replace the organization's demand with this external id."""
    organization_id, data = records.split_upsert_body(body, external_id)
    return records.upsert_external(session, SPEC, organization_id, external_id, data, actor=actor)


def list_demands(
    session: Session, filters: DemandFilters, page: PageParams, *, actor: Principal | None = None
) -> tuple[Sequence[Demand], int]:
    stmt = records.tenancy.restrict_visible(select(Demand), SPEC, actor)
    f = filters
    if f.organization_id is not None:
        stmt = stmt.where(Demand.organization_id == f.organization_id)
    if f.external_id:
        stmt = stmt.where(Demand.external_id == f.external_id)
    if f.status:
        stmt = stmt.where(Demand.status == f.status.value)
    if f.education_level:
        stmt = stmt.where(Demand.education_level == f.education_level.value)
    if f.employment_type:
        stmt = stmt.where(Demand.employment_type == f.employment_type.value)
    if f.region_code:
        stmt = stmt.where(region_filter(Demand.region_code, f.region_code))
    if f.industry:
        stmt = stmt.where(Demand.industry == normalise_industry(f.industry))
    if f.skill:
        stmt = stmt.where(json_list_contains(Demand.skills, f.skill))
    if f.major:
        stmt = stmt.where(json_list_contains(Demand.majors, f.major))
    if f.q:
        stmt = stmt.where(text_contains(Demand.title, Demand.description, needle=f.q))
    if f.active_on:
        stmt = stmt.where(
            or_(Demand.valid_from.is_(None), Demand.valid_from <= f.active_on),
            or_(Demand.valid_until.is_(None), Demand.valid_until >= f.active_on),
        )
    if f.updated_since:
        stmt = stmt.where(Demand.updated_at >= f.updated_since)
    stmt = apply_sort(stmt, Demand, f.sort, SPEC.sortable)
    return paginate(session, stmt, page)
