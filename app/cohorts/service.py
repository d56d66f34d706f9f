"""Cohort (graduate supply) use cases. A cohort belongs to its program's school."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes.service import record_changes
from app.cohorts.models import Cohort
from app.cohorts.schemas import CohortBody, CohortCreate, CohortFilters
from app.core import records
from app.core.enums import OWNER_KINDS
from app.core.errors import InvalidInput
from app.core.listing import apply_sort, region_filter
from app.core.pagination import PageParams, paginate
from app.programs.models import Program

SPEC = records.RecordSpec(
    entity="cohort",
    model=Cohort,
    body_schema=CohortBody,
    owner_kinds=OWNER_KINDS["cohort"],
    sortable=("created_at", "updated_at", "graduation_year", "graduates", "available"),
)


def create_cohort(session: Session, body: CohortCreate) -> Cohort:
    program = session.get(Program, body.program_id)
    if program is None:
        raise InvalidInput.field("program_id", f"program {body.program_id} does not exist")
    values = body.model_dump()
    values["organization_id"] = program.organization_id
    if values.get("region_code") is None:
        values["region_code"] = program.region_code
    return records.create_record(session, SPEC, values)


def get_cohort(session: Session, cohort_id: int) -> Cohort:
    return records.get_record(session, SPEC, cohort_id)


def update_cohort(session: Session, cohort_id: int, patch: dict[str, Any]) -> Cohort:
    return records.update_record(session, SPEC, cohort_id, patch)


def delete_cohort(session: Session, cohort_id: int, *, cascade: bool = False) -> None:
    records.delete_record(session, SPEC, cohort_id)


def delete_cohorts(session: Session, cohorts: Iterable[Cohort]) -> None:
    """Delete cohorts as part of a larger write (flushes; the caller commits)."""
    ids = []
    for cohort in cohorts:
        ids.append(cohort.id)
        session.delete(cohort)
    session.flush()
    record_changes(session, "cohort", ids, "delete")


def list_cohorts(session: Session, filters: CohortFilters, page: PageParams) -> tuple[Sequence[Cohort], int]:
    stmt = select(Cohort)
    f = filters
    if f.program_id is not None:
        stmt = stmt.where(Cohort.program_id == f.program_id)
    if f.organization_id is not None:
        stmt = stmt.where(Cohort.organization_id == f.organization_id)
    if f.graduation_year is not None:
        stmt = stmt.where(Cohort.graduation_year == f.graduation_year)
    if f.year_from is not None:
        stmt = stmt.where(Cohort.graduation_year >= f.year_from)
    if f.year_to is not None:
        stmt = stmt.where(Cohort.graduation_year <= f.year_to)
    if f.min_available is not None:
        stmt = stmt.where(Cohort.available >= f.min_available)
    if f.region_code:
        stmt = stmt.where(region_filter(Cohort.region_code, f.region_code))
    if f.major_code:
        stmt = stmt.where(
            Cohort.program_id.in_(select(Program.id).where(Program.major_code.like(f.major_code.strip() + "%")))
        )
    if f.updated_since:
        stmt = stmt.where(Cohort.updated_at >= f.updated_since)
    stmt = apply_sort(stmt, Cohort, f.sort, SPEC.sortable, default="-graduation_year")
    return paginate(session, stmt, page)
