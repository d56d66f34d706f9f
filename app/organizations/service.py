"""Organization use cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.audit.service import record_audit
from app.auth.principal import Principal, Role
from app.catalog.service import normalise_industry
from app.changes.service import record_changes
from app.cohorts.models import Cohort
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound, pydantic_errors
from app.core.listing import apply_sort, json_list_contains, region_filter, text_contains
from app.core.pagination import PageParams, paginate
from app.core.records import assign, commit, diff, flush
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


#: What an organization's own admin may not change about it (platform admins decide these).
ADMIN_ONLY_FIELDS = frozenset({"kind", "verified"})


def create_organization(session: Session, body: OrganizationCreate, *, actor: Principal | None = None) -> Organization:
    """Register an organization (platform admins only)."""
    if actor is not None and not actor.is_platform_admin:
        raise Forbidden("only platform admins register organizations")
    org = Organization()
    values = _values(body)
    assign(org, values)
    session.add(org)
    flush(session, "this organization (is the code already registered?)")
    record_audit(session, actor, "create", "organization", org.id, values, organization_id=org.id)
    commit(session, "this organization (is the code already registered?)")
    return org


def get_organization(session: Session, organization_id: int, *, actor: Principal | None = None) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound(f"organization {organization_id} does not exist")
    return org


def update_organization(
    session: Session, organization_id: int, patch: dict[str, Any], *, actor: Principal | None = None
) -> Organization:
    """Change an organization: platform admins anything, its own admin all but kind and verification."""
    org = get_organization(session, organization_id)
    if actor is not None and not actor.is_platform_admin:
        if not (actor.role == Role.org_admin and actor.organization_id == org.id):
            raise Forbidden("only a platform admin or this organization's admin may change it")
        touched = sorted(k for k in ADMIN_ONLY_FIELDS if k in patch and patch[k] != getattr(org, k))
        if touched:
            raise Forbidden(f"only a platform admin may change: {', '.join(touched)}")
    current = {name: getattr(org, name) for name in OrganizationCreate.model_fields}
    try:
        merged = OrganizationCreate.model_validate(current | patch)
    except ValidationError as exc:
        errors = pydantic_errors(exc.errors())
        raise InvalidInput(errors[0]["message"], errors=errors) from None
    if "kind" in patch and patch["kind"] != org.kind and owned_counts(session, org.id):
        raise Conflict("cannot change the kind of an organization that owns records")
    values = _values(merged)
    changes = diff(org, values)
    if assign(org, values):
        org.updated_at = utcnow()
        flush(session, "this organization (is the code already registered?)")
        record_audit(session, actor, "update", "organization", org.id, changes, organization_id=org.id)
        commit(session, "this organization (is the code already registered?)")
    return org


def owned_counts(session: Session, organization_id: int) -> dict[str, int]:
    counts = {}
    for model, entity in OWNED:
        n = session.scalar(select(func.count()).select_from(model).where(model.organization_id == organization_id))
        if n:
            counts[entity] = int(n)
    return counts


def delete_organization(
    session: Session, organization_id: int, *, cascade: bool = False, actor: Principal | None = None
) -> None:
    """Delete an organization (platform admins); refused with 409 while it owns records, unless ``cascade``.

    Its users and API keys go with it (database cascade); the audit log keeps its entries.
    """
    if actor is not None and not actor.is_platform_admin:
        raise Forbidden("only platform admins delete organizations")
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
    record_audit(session, actor, "delete", "organization", org.id,
                 {"name": org.name, "kind": org.kind, "code": org.code, "deleted_records": counts},
                 organization_id=org.id)
    session.delete(org)
    commit(session, f"deleting organization {organization_id}")


def list_organizations(
    session: Session, filters: OrganizationFilters, page: PageParams, *, actor: Principal | None = None
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
