"""Load the generated demo data through the same services the API uses (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.bulk.parsing import Row
from app.bulk.service import bulk_upsert
from app.cohorts.models import Cohort
from app.cohorts.schemas import CohortCreate
from app.cohorts.service import create_cohort, update_cohort
from app.demands.schemas import DemandUpsert
from app.demands.service import SPEC as DEMAND_SPEC
from app.demo.generator import generate_demo
from app.offers.models import CooperationOffer
from app.offers.schemas import OfferCreate
from app.offers.service import create_offer, update_offer
from app.organizations.models import Organization
from app.organizations.schemas import OrganizationCreate
from app.organizations.service import create_organization, update_organization
from app.programs.schemas import ProgramUpsert
from app.programs.service import SPEC as PROGRAM_SPEC


@dataclass
class LoadReport:
    organizations: int = 0
    demands: int = 0
    programs: int = 0
    cohorts: int = 0
    offers: int = 0
    changed: int = 0


def database_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Organization))


def load_demo(session: Session, today: date) -> LoadReport:
    """Create or update every demo record; running it twice changes nothing the second time."""
    data = generate_demo(today)
    report = LoadReport()
    org_ids = {}
    for raw in data.organizations:
        org_ids[raw["ref"]] = _upsert_organization(session, raw, report)
    report.organizations = len(org_ids)

    demand_rows = [_owned(raw, org_ids) for raw in data.demands]
    result = bulk_upsert(session, DEMAND_SPEC, DemandUpsert, _rows(demand_rows))
    report.demands, report.changed = result.total, report.changed + result.created + result.updated

    program_rows = [_owned({k: v for k, v in raw.items() if k != "ref"}, org_ids) for raw in data.programs]
    result = bulk_upsert(session, PROGRAM_SPEC, ProgramUpsert, _rows(program_rows))
    report.programs, report.changed = result.total, report.changed + result.created + result.updated
    program_ids = {raw["ref"]: item["id"] for raw, item in zip(data.programs, result.items, strict=True)}

    for raw in data.cohorts:
        _upsert_cohort(session, program_ids[raw["program_ref"]], raw, report)
    report.cohorts = len(data.cohorts)
    for raw in data.offers:
        _upsert_offer(session, _owned(raw, org_ids), report)
    report.offers = len(data.offers)
    return report


def _rows(records: list[dict[str, Any]]) -> list[Row]:
    return [Row(i + 1, r) for i, r in enumerate(records)]


def _owned(raw: dict[str, Any], org_ids: dict[str, int]) -> dict[str, Any]:
    out = {k: v for k, v in raw.items() if k != "organization_ref"}
    out["organization_id"] = org_ids[raw["organization_ref"]]
    return out


def _upsert_organization(session: Session, raw: dict[str, Any], report: LoadReport) -> int:
    body = OrganizationCreate.model_validate({k: v for k, v in raw.items() if k != "ref"})
    existing = session.scalars(select(Organization).where(Organization.code == body.code)).first()
    if existing is None:
        report.changed += 1
        return create_organization(session, body).id
    before = existing.updated_at
    org = update_organization(session, existing.id, body.model_dump(mode="json"))
    report.changed += org.updated_at != before
    return org.id


def _upsert_cohort(session: Session, program_id: int, raw: dict[str, Any], report: LoadReport) -> None:
    body = CohortCreate.model_validate({**{k: v for k, v in raw.items() if k != "program_ref"}, "program_id": program_id})
    existing = session.scalars(
        select(Cohort).where(Cohort.program_id == program_id, Cohort.graduation_year == body.graduation_year)
    ).first()
    if existing is None:
        create_cohort(session, body)
        report.changed += 1
        return
    before = existing.updated_at
    patch = body.model_dump(exclude={"program_id"})
    report.changed += update_cohort(session, existing.id, patch).updated_at != before


def _upsert_offer(session: Session, raw: dict[str, Any], report: LoadReport) -> None:
    body = OfferCreate.model_validate(raw)
    existing = session.scalars(
        select(CooperationOffer).where(
            CooperationOffer.organization_id == body.organization_id,
            CooperationOffer.kind == body.kind.value,
            CooperationOffer.title == body.title,
        )
    ).first()
    if existing is None:
        create_offer(session, body)
        report.changed += 1
        return
    before = existing.updated_at
    patch = body.model_dump(exclude={"organization_id"})
    report.changed += update_offer(session, existing.id, patch).updated_at != before
