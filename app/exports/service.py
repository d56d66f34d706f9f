"""Exports of lists and match results: the same services, filters and visibility as the JSON API.

Rows are fetched page by page while the response streams. The first page is read before the
response starts (so bad filters still answer 422); later pages use their own session, because
the request's session is closed once the streaming response begins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.api.crud import redact
from app.auth.principal import Principal
from app.cohorts import service as cohorts
from app.cohorts.schemas import CohortFilters, CohortRead
from app.core.pagination import PageParams
from app.db.session import get_sessionmaker
from app.demands import service as demands
from app.demands.schemas import DemandFilters, DemandRead
from app.matches.schemas import MatchPage
from app.offers import service as offers
from app.offers.schemas import OfferFilters, OfferRead
from app.organizations import service as organizations
from app.organizations.schemas import OrganizationFilters, OrganizationRead
from app.programs import service as programs
from app.programs.schemas import ProgramFilters, ProgramRead

PAGE_SIZE = 500
MATCH_COLUMNS = ("rank", "kind", "id", "external_id", "title", "organization_id", "score", "insufficient_data",
                 "fillable", "matched_terms", "missing_skills")


@dataclass(frozen=True)
class ListExport:
    """An exportable list: its service function, filters and read schema (the columns)."""

    list: Callable[..., tuple[Sequence[Any], int]]
    filters: type[BaseModel]
    read: type[BaseModel]


LISTS: dict[str, ListExport] = {
    "demands": ListExport(demands.list_demands, DemandFilters, DemandRead),
    "programs": ListExport(programs.list_programs, ProgramFilters, ProgramRead),
    "cohorts": ListExport(cohorts.list_cohorts, CohortFilters, CohortRead),
    "cooperation-offers": ListExport(offers.list_offers, OfferFilters, OfferRead),
    "organizations": ListExport(organizations.list_organizations, OrganizationFilters, OrganizationRead),
}


def list_columns(spec: ListExport) -> list[str]:
    return list(spec.read.model_fields)


def list_rows(
    session: Session, spec: ListExport, filters: BaseModel, *, actor: Principal, max_rows: int
) -> Iterator[list[Any]]:
    """Every row the caller's list request would page through (at most ``max_rows``), as cell values."""
    columns = list_columns(spec)
    size = min(PAGE_SIZE, max_rows)
    first, _ = spec.list(session, filters, PageParams(limit=size, offset=0), actor=actor)
    first = [_row(spec, obj, columns, actor) for obj in first]  # read now: errors answer before streaming

    def generate() -> Iterator[list[Any]]:
        yield from first
        offset = len(first)
        if offset < size:
            return
        with get_sessionmaker()() as own:
            while offset < max_rows:
                page = PageParams(limit=min(size, max_rows - offset), offset=offset)
                rows, _ = spec.list(own, filters, page, actor=actor)
                for obj in rows:
                    yield _row(spec, obj, columns, actor)
                offset += len(rows)
                own.expunge_all()  # keep memory flat over long exports
                if len(rows) < page.limit:
                    return

    return generate()


def _row(spec: ListExport, obj: Any, columns: list[str], actor: Principal) -> list[Any]:
    read = redact(spec.read.model_validate(obj), actor)
    return [getattr(read, c) for c in columns]


def match_rows(page: MatchPage) -> Iterator[list[Any]]:
    """One row per ranked match, best first, with the terms that matched and the skills missing."""
    for rank, item in enumerate(page.items, page.offset + 1):
        explanation = item.explanation or {}
        terms = [t.get("term") for t in explanation.get("matched_terms", []) if isinstance(t, dict)]
        yield [rank, item.kind, item.id, item.external_id, item.title, item.organization_id, item.score,
               item.insufficient_data, item.fillable, terms, list(explanation.get("missing_skills", []))]
