"""Program (major) use cases: CRUD, idempotent external sync and list queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.catalog.service import normalise_industries, normalise_industry
from app.cohorts.models import Cohort
from app.core import records
from app.core.enums import OWNER_KINDS
from app.core.errors import Conflict
from app.core.listing import apply_sort, json_list_contains, region_filter, text_contains
from app.core.pagination import PageParams, paginate
from app.programs.models import Program
from app.programs.schemas import ProgramBody, ProgramCreate, ProgramFilters, ProgramUpsert


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    if "industries" in values and values["industries"] is not None:
        values["industries"] = normalise_industries(values["industries"])
    return values


SPEC = records.RecordSpec(
    entity="program",
    model=Program,
    body_schema=ProgramBody,
    owner_kinds=OWNER_KINDS["program"],
    sortable=("created_at", "updated_at", "name", "major_code", "annual_enrollment", "status"),
    normalise=_normalise,
)


def create_program(session: Session, body: ProgramCreate, *, actor: Principal | None = None) -> Program:
    return records.create_record(session, SPEC, body.model_dump(), actor=actor)


def get_program(session: Session, program_id: int, *, actor: Principal | None = None) -> Program:
    return records.get_record(session, SPEC, program_id, actor=actor)


def update_program(
    session: Session, program_id: int, patch: dict[str, Any], *, actor: Principal | None = None
) -> Program:
    return records.update_record(session, SPEC, program_id, patch, actor=actor)


def delete_program(
    session: Session, program_id: int, *, cascade: bool = False, actor: Principal | None = None
) -> None:
    """Delete a program; its cohorts go too only when ``cascade`` is set (else 409)."""
    program = records.get_writable_record(session, SPEC, program_id, actor=actor)
    cohorts = session.scalars(select(Cohort).where(Cohort.program_id == program.id)).all()
    if cohorts and not cascade:
        raise Conflict(
            f"program {program_id} still has {len(cohorts)} cohort(s); delete them first or pass cascade=true"
        )
    from app.cohorts.service import delete_cohorts

    delete_cohorts(session, cohorts)
    extra = {"deleted_cohorts": [c.id for c in cohorts]} if cohorts else None
    records.delete_record(session, SPEC, program_id, actor=actor, extra_changes=extra)


def upsert_program(
    session: Session, external_id: str, body: ProgramUpsert, *, actor: Principal | None = None
) -> tuple[Program, records.Outcome]:
    """Create or replace the school's program with this external id."""
    organization_id, data = records.split_upsert_body(body, external_id)
    return records.upsert_external(session, SPEC, organization_id, external_id, data, actor=actor)


def list_programs(
    session: Session, filters: ProgramFilters, page: PageParams, *, actor: Principal | None = None
) -> tuple[Sequence[Program], int]:
    stmt = records.tenancy.restrict_visible(select(Program), SPEC, actor)
    f = filters
    if f.organization_id is not None:
        stmt = stmt.where(Program.organization_id == f.organization_id)
    if f.external_id:
        stmt = stmt.where(Program.external_id == f.external_id)
    if f.major_code:
        stmt = stmt.where(Program.major_code.startswith(f.major_code.strip(), autoescape=True))
    if f.status:
        stmt = stmt.where(Program.status == f.status.value)
    if f.education_level:
        stmt = stmt.where(Program.education_level == f.education_level.value)
    if f.region_code:
        stmt = stmt.where(region_filter(Program.region_code, f.region_code))
    if f.industry:
        stmt = stmt.where(json_list_contains(Program.industries, normalise_industry(f.industry) or f.industry))
    if f.skill:
        stmt = stmt.where(json_list_contains(Program.skills, f.skill))
    if f.q:
        stmt = stmt.where(text_contains(Program.name, Program.description, needle=f.q))
    if f.updated_since:
        stmt = stmt.where(Program.updated_at >= f.updated_since)
    stmt = apply_sort(stmt, Program, f.sort, SPEC.sortable)
    return paginate(session, stmt, page)

