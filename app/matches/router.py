"""Matching and search endpoints (ranking is CPU work: plain ``def`` routes run in the threadpool)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from app.api.crud import redact
from app.api.deps import SessionDep
from app.auth.deps import PrincipalDep
from app.auth.principal import Principal
from app.matches import service
from app.matches.index import MatchIndex
from app.matches.schemas import AdHocMatch, DemandMatchFilters, MatchFilters, MatchPage, SearchParams
from app.observability.metrics import time_match

router = APIRouter(tags=["matching"])
RecordId = Annotated[int, Path(ge=1)]


async def get_index(request: Request) -> MatchIndex:
    # async: a plain attribute read, run on the event loop instead of a threadpool hand-off
    return request.app.state.match_index


IndexDep = Annotated[MatchIndex, Depends(get_index)]


def _private(page: MatchPage, principal: Principal) -> MatchPage:
    """Blank other tenants' private fields (their external ids) in the results."""
    return page.model_copy(update={"items": [redact(item, principal) for item in page.items]})


@router.get("/demands/{record_id}/matches", response_model=MatchPage, summary="Supplies ranked for a demand")
def demand_matches(
    record_id: RecordId,
    f: Annotated[DemandMatchFilters, Query()],
    session: SessionDep,
    index: IndexDep,
    principal: PrincipalDep,
) -> MatchPage:
    with time_match("demand"):
        page = service.matches_for_demand(session, index, record_id, f, actor=principal)
    return _private(page, principal)


@router.get("/programs/{record_id}/matches", response_model=MatchPage, summary="Demands ranked for a program")
def program_matches(
    record_id: RecordId,
    f: Annotated[MatchFilters, Query()],
    session: SessionDep,
    index: IndexDep,
    principal: PrincipalDep,
) -> MatchPage:
    with time_match("program"):
        page = service.matches_for_program(session, index, record_id, f, actor=principal)
    return _private(page, principal)


@router.get("/cohorts/{record_id}/matches", response_model=MatchPage, summary="Demands ranked for a cohort")
def cohort_matches(
    record_id: RecordId,
    f: Annotated[MatchFilters, Query()],
    session: SessionDep,
    index: IndexDep,
    principal: PrincipalDep,
) -> MatchPage:
    with time_match("cohort"):
        page = service.matches_for_cohort(session, index, record_id, f, actor=principal)
    return _private(page, principal)


@router.get(
    "/cooperation-offers/{record_id}/matches",
    response_model=MatchPage,
    summary="Cooperation offers of the other direction that fit this one",
)
def offer_matches(
    record_id: RecordId,
    f: Annotated[MatchFilters, Query()],
    session: SessionDep,
    index: IndexDep,
    principal: PrincipalDep,
) -> MatchPage:
    with time_match("offer"):
        page = service.matches_for_offer(session, index, record_id, f, actor=principal)
    return _private(page, principal)


@router.post("/match", response_model=MatchPage, summary="Ad hoc matching of free text against one side")
def adhoc(body: AdHocMatch, session: SessionDep, index: IndexDep, principal: PrincipalDep) -> MatchPage:
    with time_match("adhoc"):
        page = service.adhoc_match(session, index, body)
    return _private(page, principal)


@router.get("/search", response_model=MatchPage, summary="Typo-tolerant search over published records")
def search(
    params: Annotated[SearchParams, Query()], session: SessionDep, index: IndexDep, principal: PrincipalDep
) -> MatchPage:
    with time_match("search"):
        page = service.search(session, index, params)
    return _private(page, principal)
