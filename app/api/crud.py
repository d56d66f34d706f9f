"""Route factory for the uniform CRUD surface of every owned resource.

No ``from __future__ import annotations`` here: FastAPI must see the real schema
classes captured by the closures below.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel

from app.api.deps import PageDep, SessionDep
from app.auth.deps import PrincipalDep
from app.auth.principal import Principal
from app.core.pagination import Page, PageParams

#: Fields only the owning organization (and platform admins) see; others get ``null``.
PRIVATE_FIELDS = ("external_id",)


@dataclass(frozen=True)
class CrudService:
    """The five use cases a resource's service module provides.

    Each is called with the caller as keyword argument ``actor`` (a :class:`Principal`).
    """

    create: Callable[..., Any]
    get: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]
    list: Callable[..., tuple[Sequence[Any], int]]


def add_crud_routes(
    router: APIRouter,
    *,
    name: str,
    service: CrudService,
    create_schema: type[BaseModel],
    update_schema: type[BaseModel],
    read_schema: type[BaseModel],
    filters_schema: type[BaseModel],
    cascade_note: str | None = None,
) -> None:
    """Register ``POST /``, ``GET /``, ``GET /{id}``, ``PATCH /{id}`` and ``DELETE /{id}``."""

    def to_read(obj: Any, principal: Principal) -> Any:
        return redact(read_schema.model_validate(obj), principal)

    @router.post("", status_code=status.HTTP_201_CREATED, response_model=read_schema, summary=f"Create a {name}")
    def create(body: create_schema, session: SessionDep, principal: PrincipalDep) -> Any:  # type: ignore[valid-type]
        return to_read(service.create(session, body, actor=principal), principal)

    @router.get("", response_model=Page[read_schema], summary=f"List {name}s")  # type: ignore[valid-type]
    def list_(
        filters: Annotated[filters_schema, Query()], page: PageDep, session: SessionDep, principal: PrincipalDep  # type: ignore[valid-type]
    ) -> Any:
        rows, total = service.list(session, filters, page, actor=principal)
        return _page(rows, total, page, lambda obj: to_read(obj, principal))

    @router.get("/{record_id}", response_model=read_schema, summary=f"Read a {name}")
    def read(record_id: Annotated[int, Path(ge=1)], session: SessionDep, principal: PrincipalDep) -> Any:
        return to_read(service.get(session, record_id, actor=principal), principal)

    @router.patch("/{record_id}", response_model=read_schema, summary=f"Update a {name} (partial)")
    def update(
        record_id: Annotated[int, Path(ge=1)], body: update_schema, session: SessionDep, principal: PrincipalDep  # type: ignore[valid-type]
    ) -> Any:
        return to_read(service.update(session, record_id, body.model_dump(exclude_unset=True), actor=principal),
                       principal)

    @router.delete(
        "/{record_id}", status_code=status.HTTP_204_NO_CONTENT, summary=f"Delete a {name}",
        description=cascade_note or "",
    )
    def delete(
        record_id: Annotated[int, Path(ge=1)],
        session: SessionDep,
        principal: PrincipalDep,
        cascade: Annotated[bool, Query(description="Also delete dependent records")] = False,
    ) -> Response:
        service.delete(session, record_id, cascade=cascade, actor=principal)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


def redact(read: Any, principal: Principal) -> Any:
    """Blank the private fields of another tenant's record."""
    owner = getattr(read, "organization_id", None)
    if owner is None or principal.can_see_drafts_of(owner):
        return read
    private = {f: None for f in PRIVATE_FIELDS if getattr(read, f, None) is not None}
    return read.model_copy(update=private) if private else read


def _page(rows: Sequence[Any], total: int, page: PageParams, convert: Callable[[Any], Any]) -> dict[str, Any]:
    return {"items": [convert(r) for r in rows], "total": total, "limit": page.limit, "offset": page.offset}
