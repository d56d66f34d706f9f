"""Export endpoints: ``/exports/<list>.csv|.xlsx``, ``/exports/<kind>/{id}/matches.csv|.xlsx``, ``/exports/search...``.

They take the same filters as the JSON endpoints and honour the same tenant and draft rules.
No ``from __future__ import annotations``: FastAPI must see the filter classes of the closures.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import Field

from app.api.crud import redact
from app.api.deps import SessionDep, SettingsDep
from app.auth.deps import PrincipalDep
from app.exports import service, tabular
from app.matches import service as matches
from app.matches.router import IndexDep
from app.matches.schemas import MatchFilters, MatchPage, SearchParams, SupplyKind

router = APIRouter(prefix="/exports", tags=["exports"])
Format = Annotated[Literal["csv", "xlsx"], Path(description="csv (UTF-8 with BOM) or xlsx")]
RecordId = Annotated[int, Path(ge=1)]


class ExportMatchFilters(MatchFilters):
    limit: int = Field(default=100, ge=1, le=1000)


class ExportSearchParams(SearchParams):
    limit: int = Field(default=100, ge=1, le=1000)


class ExportDemandMatchFilters(ExportMatchFilters):
    kind: SupplyKind | None = Field(default=None, description="Only programs, cohorts or offers")


def stream(name: str, fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingResponse:
    filename = f"{name}-{date.today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        body, media_type = tabular.csv_chunks(header, rows), tabular.CSV_MEDIA_TYPE
    else:
        body, media_type = tabular.xlsx_chunks(header, rows, sheet=name), tabular.XLSX_MEDIA_TYPE
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return StreamingResponse(body, media_type=media_type, headers={"Content-Disposition": disposition})


def _add_list_export(name: str, spec: service.ListExport) -> None:
    filters_schema: Any = spec.filters

    @router.get(f"/{name}.{{fmt}}", summary=f"Export {name} as CSV or XLSX (same filters as the list)",
                response_class=StreamingResponse)
    def export(fmt: Format, filters: Annotated[filters_schema, Query()], session: SessionDep,
               settings: SettingsDep, principal: PrincipalDep) -> StreamingResponse:
        rows = service.list_rows(session, spec, filters, actor=principal, max_rows=settings.export_max_rows)
        return stream(name, fmt, service.list_columns(spec), rows)

    export.__name__ = f"export_{name.replace('-', '_')}"


for _name, _spec in service.LISTS.items():
    _add_list_export(_name, _spec)


def _add_match_export(path: str, filters_schema: Any, rank: Callable[..., MatchPage]) -> None:
    @router.get(f"/{path}/{{record_id}}/matches.{{fmt}}", response_class=StreamingResponse,
                summary=f"Export the ranked matches of one of {path} as CSV or XLSX")
    def export(record_id: RecordId, fmt: Format, f: Annotated[filters_schema, Query()], session: SessionDep,
               index: IndexDep, principal: PrincipalDep) -> StreamingResponse:
        page = rank(session, index, record_id, f, actor=principal)
        page = page.model_copy(update={"items": [redact(i, principal) for i in page.items]})
        return stream(f"{path}-{record_id}-matches", fmt, service.MATCH_COLUMNS, service.match_rows(page))

    export.__name__ = f"export_{path.replace('-', '_')}_matches"


_add_match_export("demands", ExportDemandMatchFilters, matches.matches_for_demand)
_add_match_export("programs", ExportMatchFilters, matches.matches_for_program)
_add_match_export("cohorts", ExportMatchFilters, matches.matches_for_cohort)
_add_match_export("cooperation-offers", ExportMatchFilters, matches.matches_for_offer)


@router.get("/search.{fmt}", response_class=StreamingResponse,
            summary="Export search results (as GET /search) as CSV or XLSX")
def export_search(fmt: Format, params: Annotated[ExportSearchParams, Query()], session: SessionDep,
                  index: IndexDep, principal: PrincipalDep) -> StreamingResponse:
    page = matches.search(session, index, params)
    page = page.model_copy(update={"items": [redact(i, principal) for i in page.items]})
    return stream("search", fmt, service.MATCH_COLUMNS, service.match_rows(page))
