from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from app.api.deps import PageDep, SessionDep
from app.auth.deps import PrincipalDep
from app.core.pagination import Page
from app.placements import service
from app.placements.models import Placement
from app.placements.schemas import PlacementCreate, PlacementFilters, PlacementRead, PlacementUpdate

router = APIRouter(prefix="/placements", tags=["placements"])


def _read(placement: Placement) -> PlacementRead:
    data = {c: getattr(placement, c) for c in PlacementRead.model_fields if c != "supply_id"}
    return PlacementRead.model_validate({**data, "supply_id": service.supply_id(placement)})


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PlacementRead,
             summary="Record a match being followed (recommended by default)")
def create(body: PlacementCreate, session: SessionDep, principal: PrincipalDep) -> Any:
    return _read(service.create_placement(session, body, actor=principal))


@router.get("", response_model=Page[PlacementRead], summary="List placements")
def list_(
    filters: Annotated[PlacementFilters, Query()], page: PageDep, session: SessionDep, principal: PrincipalDep
) -> Any:
    rows, total = service.list_placements(session, filters, page, actor=principal)
    return {"items": [_read(r) for r in rows], "total": total, "limit": page.limit, "offset": page.offset}


@router.get("/{placement_id}", response_model=PlacementRead, summary="Read a placement")
def read(placement_id: Annotated[int, Path(ge=1)], session: SessionDep, principal: PrincipalDep) -> Any:
    return _read(service.get_placement(session, placement_id, actor=principal))


@router.patch(
    "/{placement_id}", response_model=PlacementRead, summary="Move a placement's status (or edit count/note)",
    description="recommended → contacted → interviewing → hired (skipping forward allowed); any open stage "
                "→ rejected; hired and rejected are final. A disallowed move is 409.",
)
def update(
    placement_id: Annotated[int, Path(ge=1)], body: PlacementUpdate, session: SessionDep, principal: PrincipalDep
) -> Any:
    return _read(service.update_placement(session, placement_id, body.model_dump(exclude_unset=True),
                                          actor=principal))
