"""Placement use cases: record a match outcome and move it along its allowed transitions.

Flow: recommended → contacted → interviewing → hired; any open stage may skip forward or
end in rejected; hired and rejected are final.

Tenancy: a placement concerns two organizations, the demand's enterprise and the supply's
school (``organization_id``). Writers of either (or a platform admin) may record and move it;
they, planners and platform admins may read it; for everybody else it does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.audit.service import record_audit
from app.auth.principal import Principal, Role
from app.cohorts import service as cohort_service
from app.cohorts.models import Cohort
from app.core import tenancy
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.listing import apply_sort
from app.core.pagination import PageParams, paginate
from app.core.records import commit
from app.db.base import utcnow
from app.demands import service as demand_service
from app.demands.models import Demand
from app.placements.models import Placement
from app.placements.schemas import PlacementCreate, PlacementFilters
from app.programs import service as program_service
from app.programs.models import Program

ORDER = ("recommended", "contacted", "interviewing", "hired")
FINAL = frozenset({"hired", "rejected"})
SORTABLE = ("created_at", "updated_at", "status_changed_at", "status", "year")


def allowed_next(status: str) -> tuple[str, ...]:
    """Statuses a placement in ``status`` may move to."""
    if status in FINAL:
        return ()
    return (*ORDER[ORDER.index(status) + 1:], "rejected")


def _entry(status: str, note: str) -> dict[str, Any]:
    return {"status": status, "at": utcnow().isoformat(), "note": note}


def _visible(session: Session, spec: Any, model: Any, record_id: int, actor: Principal | None) -> Any:
    stmt = tenancy.restrict_visible(select(model).where(model.id == record_id), spec, actor)
    return session.scalars(stmt).first()


def _parties_clause(actor: Principal | None) -> Any:
    """SQL condition for the placements ``actor`` may see (``None``: all)."""
    if actor is None or actor.role in (Role.platform_admin, Role.planner):
        return None
    if actor.organization_id is None:
        return Placement.id.is_(None)
    demand_orgs = select(Demand.id).where(Demand.organization_id == actor.organization_id)
    return or_(Placement.organization_id == actor.organization_id, Placement.demand_id.in_(demand_orgs))


def _demand_org(session: Session, placement: Placement) -> int | None:
    return session.scalar(select(Demand.organization_id).where(Demand.id == placement.demand_id))


def _check_party(actor: Principal | None, *organization_ids: int | None) -> None:
    if actor is not None and not any(actor.can_write_for(o) for o in organization_ids if o is not None):
        raise Forbidden("only the demand's enterprise or the supply's school may record or move this placement")


def create_placement(session: Session, body: PlacementCreate, *, actor: Principal | None = None) -> Placement:
    demand = _visible(session, demand_service.SPEC, Demand, body.demand_id, actor)
    if demand is None:
        raise InvalidInput.field("demand_id", f"demand {body.demand_id} does not exist")
    cohort = None
    if body.supply_kind == "cohort":
        cohort = _visible(session, cohort_service.SPEC, Cohort, body.supply_id, actor)
        if cohort is None:
            raise InvalidInput.field("supply_id", f"cohort {body.supply_id} does not exist")
        program = session.get(Program, cohort.program_id)
    else:
        program = _visible(session, program_service.SPEC, Program, body.supply_id, actor)
        if program is None:
            raise InvalidInput.field("supply_id", f"program {body.supply_id} does not exist")
    assert program is not None
    _check_party(actor, demand.organization_id, program.organization_id)
    placement = Placement(
        demand_id=body.demand_id, supply_kind=body.supply_kind.value, program_id=program.id,
        cohort_id=cohort.id if cohort else None, organization_id=program.organization_id,
        year=cohort.graduation_year if cohort else utcnow().year, count=body.count,
        status=body.status.value, note=body.note, history=[_entry(body.status.value, body.note)],
        status_changed_at=utcnow(),
    )
    session.add(placement)
    session.flush()
    record_audit(session, actor, "create", "placement", placement.id,
                 {"demand_id": placement.demand_id, "supply_kind": placement.supply_kind,
                  "program_id": placement.program_id, "cohort_id": placement.cohort_id, "count": placement.count,
                  "status": placement.status, "note": placement.note},
                 organization_id=placement.organization_id)
    commit(session, "this placement")
    return placement


def get_placement(session: Session, placement_id: int, *, actor: Principal | None = None) -> Placement:
    stmt = select(Placement).where(Placement.id == placement_id)
    clause = _parties_clause(actor)
    placement = session.scalars(stmt if clause is None else stmt.where(clause)).first()
    if placement is None:
        raise NotFound(f"placement {placement_id} does not exist")
    return placement


def update_placement(
    session: Session, placement_id: int, patch: dict[str, Any], *, actor: Principal | None = None
) -> Placement:
    """Move the status (validated transition), change the count or the note."""
    placement = get_placement(session, placement_id, actor=actor)
    _check_party(actor, placement.organization_id, _demand_org(session, placement))
    before = {"status": placement.status, "note": placement.note, "count": placement.count}
    status = patch.get("status")
    note = patch.get("note")
    if status is not None and status != placement.status:
        if status not in allowed_next(placement.status):
            nxt = ", ".join(allowed_next(placement.status)) or "none (final)"
            raise Conflict(f"cannot move a placement from {placement.status} to {status}; allowed: {nxt}")
        placement.status = str(status)
        placement.status_changed_at = utcnow()
        placement.history = [*placement.history, _entry(str(status), note or "")]
    if note is not None:
        placement.note = note
    if patch.get("count") is not None:
        placement.count = patch["count"]
    placement.updated_at = utcnow()
    changes = {k: [v, getattr(placement, k)] for k, v in before.items() if getattr(placement, k) != v}
    if changes:
        session.flush()
        record_audit(session, actor, "update", "placement", placement.id, changes,
                     organization_id=placement.organization_id)
    commit(session, "this placement")
    return placement


def list_placements(
    session: Session, f: PlacementFilters, page: PageParams, *, actor: Principal | None = None
) -> tuple[Sequence[Placement], int]:
    stmt = select(Placement)
    clause = _parties_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    for name in ("demand_id", "program_id", "cohort_id", "organization_id", "year"):
        value = getattr(f, name)
        if value is not None:
            stmt = stmt.where(getattr(Placement, name) == value)
    if f.status:
        stmt = stmt.where(Placement.status == f.status.value)
    stmt = apply_sort(stmt, Placement, f.sort, SORTABLE)
    return paginate(session, stmt, page)


def supply_id(placement: Placement) -> int:
    return placement.cohort_id if placement.supply_kind == "cohort" and placement.cohort_id else placement.program_id
