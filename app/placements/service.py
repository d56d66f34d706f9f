"""Placement use cases: record a match outcome and move it along its allowed transitions.

Flow: recommended → contacted → interviewing → hired; any open stage may skip forward or
end in rejected; hired and rejected are final.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cohorts.models import Cohort
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.listing import apply_sort
from app.core.pagination import PageParams, paginate
from app.core.records import commit
from app.db.base import utcnow
from app.demands.models import Demand
from app.placements.models import Placement
from app.placements.schemas import PlacementCreate, PlacementFilters
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


def create_placement(session: Session, body: PlacementCreate) -> Placement:
    if session.get(Demand, body.demand_id) is None:
        raise InvalidInput.field("demand_id", f"demand {body.demand_id} does not exist")
    cohort = None
    if body.supply_kind == "cohort":
        cohort = session.get(Cohort, body.supply_id)
        if cohort is None:
            raise InvalidInput.field("supply_id", f"cohort {body.supply_id} does not exist")
        program = session.get(Program, cohort.program_id)
    else:
        program = session.get(Program, body.supply_id)
        if program is None:
            raise InvalidInput.field("supply_id", f"program {body.supply_id} does not exist")
    assert program is not None
    placement = Placement(
        demand_id=body.demand_id, supply_kind=body.supply_kind.value, program_id=program.id,
        cohort_id=cohort.id if cohort else None, organization_id=program.organization_id,
        year=cohort.graduation_year if cohort else utcnow().year, count=body.count,
        status=body.status.value, note=body.note, history=[_entry(body.status.value, body.note)],
        status_changed_at=utcnow(),
    )
    session.add(placement)
    commit(session, "this placement")
    return placement


def get_placement(session: Session, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound(f"placement {placement_id} does not exist")
    return placement


def update_placement(session: Session, placement_id: int, patch: dict[str, Any]) -> Placement:
    """Move the status (validated transition), change the count or the note."""
    placement = get_placement(session, placement_id)
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
    commit(session, "this placement")
    return placement


def list_placements(session: Session, f: PlacementFilters, page: PageParams) -> tuple[Sequence[Placement], int]:
    stmt = select(Placement)
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
