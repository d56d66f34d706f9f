"""Organization use cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.catalog.service import normalise_industry
from app.changes.service import record_changes
from app.cohorts.models import Cohort
from app.core.errors import Conflict, InvalidInput, NotFound, pydantic_errors
from app.core.listing import apply_sort, json_list_contains, region_filter, text_contains
from app.core.pagination import PageParams, paginate
from app.core.records import assign, commit
from app.db.base import utcnow
from app.demands.models import Demand
from app.offers.models import CooperationOffer
from app.organizations.models import Organization
from app.organizations.schemas import OrganizationCreate, OrganizationFilters
from app.programs.models import Program

SORTABLE = ("created_at", "updated_at", "name", "kind", "region_code")

#: Records an organization can own, with the change-log entity name of each.
OWNED = ((Demand, "demand"), (Cohort, "cohort"), (Program, "program"), (CooperationOffer, "cooperation_offer"))


def _values(body: OrganizationCreate) -> dict[str, Any]:
    values = body.model_dump(mode="json")
    values["industry"] = normalise_industry(values.get("industry"))
    return values


def create_organization(session: Session, body: OrganizationCreate) -> Organization:
    org = Organization()
    assign(org, _values(body))
    session.add(org)
    commit(session, "this organization (is the code already registered?)")
    return org


def get_organization(session: Session, organization_id: int) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound(f"organization {organization_id} does not exist")
    return org


def update_organization(session: Session, organization_id: int, patch: dict[str, Any]) -> Organization:
    org = get_organization(session, organization_id)
    current = {name: getattr(org, name) for name in OrganizationCreate.model_fields}
    try:
        merged = OrganizationCreate.model_validate(current | patch)
    except ValidationError as exc:
        errors = pydantic_errors(exc.errors())
        raise InvalidInput(errors[0]["message"], errors=errors) from None
    if "kind" in patch and patch["kind"] != org.kind and owned_counts(session, org.id):
        raise Conflict("cannot change the kind of an organization that owns records")
    if assign(org, _values(merged)):
        org.updated_at = utcnow()
        commit(session, "this organization (is the code already registered?)")
    return org


def owned_counts(session: Session, organization_id: int) -> dict[str, int]:
    counts = {}
    for model, entity in OWNED:
        n = session.scalar(select(func.count()).select_from(model).where(model.organization_id == organization_id))
        if n:
            counts[entity] = int(n)
    return counts


def delete_organization(session: Session, organization_id: int, *, cascade: bool = False) -> None:
    """Delete an organization; refused with 409 while it owns records, unless ``cascade``."""
    org = get_organization(session, organization_id)
    counts = owned_counts(session, org.id)
    if counts and not cascade:
        owned = ", ".join(f"{n} {entity}(s)" for entity, n in counts.items())
        raise Conflict(f"organization {organization_id} still owns {owned}; pass cascade=true to delete them too")
    for model, entity in OWNED:  # cohorts before programs (foreign key)
        ids = list(session.scalars(select(model.id).where(model.organization_id == org.id)))
        if ids:
            session.execute(delete(model).where(model.id.in_(ids)))
            record_changes(session, entity, ids, "delete")
    session.delete(org)
    commit(session, f"deleting organization {organization_id}")


def list_organizations(
    session: Session, filters: OrganizationFilters, page: PageParams
) -> tuple[Sequence[Organization], int]:
    stmt = select(Organization)
    f = filters
    if f.kind:
        stmt = stmt.where(Organization.kind == f.kind.value)
    if f.region_code:
        stmt = stmt.where(region_filter(Organization.region_code, f.region_code))
    if f.industry:
        stmt = stmt.where(Organization.industry == normalise_industry(f.industry))
    if f.code:
        stmt = stmt.where(Organization.code == f.code)
    if f.consortium:
        stmt = stmt.where(json_list_contains(Organization.consortia, f.consortium))
    if f.verified is not None:
        stmt = stmt.where(Organization.verified == f.verified)
    if f.q:
        stmt = stmt.where(text_contains(Organization.name, needle=f.q))
    stmt = apply_sort(stmt, Organization, f.sort, SORTABLE)
    return paginate(session, stmt, page)
