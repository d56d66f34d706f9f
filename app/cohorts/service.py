"""Cohort (graduate supply) use cases. A cohort belongs to its program's school."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.changes.service import record_changes
from app.cohorts.models import Cohort
from app.cohorts.schemas import CohortBody, CohortCreate, CohortFilters
from app.core import records
from app.core.enums import OWNER_KINDS
from app.core.errors import InvalidInput
from app.core.listing import apply_sort, region_filter
from app.core.pagination import PageParams, paginate
from app.programs import service as program_service
from app.programs.models import Program

SPEC = records.RecordSpec(
    entity="cohort",
    model=Cohort,
    body_schema=CohortBody,
    owner_kinds=OWNER_KINDS["cohort"],
    sortable=("created_at", "updated_at", "graduation_year", "graduates", "available"),
    # A cohort is a draft while its program is (it has no status of its own).
    draft_clause=lambda: Cohort.program_id.in_(select(Program.id).where(Program.status == "draft")),
)


def create_cohort(session: Session, body: CohortCreate, *, actor: Principal | None = None) -> Cohort:
    """Add a cohort to a program; it belongs to the program's school (whose writers alone may add it)."""
    program = session.scalars(
        records.tenancy.restrict_visible(select(Program).where(Program.id == body.program_id),
                                         program_service.SPEC, actor)
    ).first()
    if program is None:
        raise InvalidInput.field("program_id", f"program {body.program_id} does not exist")
    records.tenancy.check_can_write(actor, program.organization_id)
    values = body.model_dump()
    values["organization_id"] = program.organization_id
    if values.get("region_code") is None:
        values["region_code"] = program.region_code
    return records.create_record(session, SPEC, values, actor=actor)


def get_cohort(session: Session, cohort_id: int, *, actor: Principal | None = None) -> Cohort:
    return records.get_record(session, SPEC, cohort_id, actor=actor)


def update_cohort(
    session: Session, cohort_id: int, patch: dict[str, Any], *, actor: Principal | None = None
) -> Cohort:
    if "region_code" in patch and patch["region_code"] is None:  # back to the program's region
        cohort = records.get_record(session, SPEC, cohort_id, actor=actor)
        program = session.get(Program, cohort.program_id)
        patch = {**patch, "region_code": program.region_code if program else None}
    return records.update_record(session, SPEC, cohort_id, patch, actor=actor)


def delete_cohort(session: Session, cohort_id: int, *, cascade: bool = False, actor: Principal | None = None) -> None:
    records.delete_record(session, SPEC, cohort_id, actor=actor)


def delete_cohorts(session: Session, cohorts: Iterable[Cohort]) -> None:
    """Delete cohorts as part of a larger write (flushes; the caller commits)."""
    ids = []
    for cohort in cohorts:
        ids.append(cohort.id)
        session.delete(cohort)
    session.flush()
    record_changes(session, "cohort", ids, "delete")


def list_cohorts(
    session: Session, filters: CohortFilters, page: PageParams, *, actor: Principal | None = None
) -> tuple[Sequence[Cohort], int]:
    stmt = records.tenancy.restrict_visible(select(Cohort), SPEC, actor)
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
            Cohort.program_id.in_(
                select(Program.id).where(Program.major_code.startswith(f.major_code.strip(), autoescape=True))
            )
        )
    if f.updated_since:
        stmt = stmt.where(Cohort.updated_at >= f.updated_since)
    stmt = apply_sort(stmt, Cohort, f.sort, SPEC.sortable, default="-graduation_year")
    return paginate(session, stmt, page)
