"""Pagination written once: capped ``limit``, ``offset``, ``{items, total, limit, offset}``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings, get_settings

T = TypeVar("T")


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    settings: Annotated[Settings, Depends(get_settings)],
    limit: Annotated[int | None, Query(ge=1, description="Page size; capped by the server's maximum.")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageParams:
    wanted = settings.page_size_default if limit is None else limit
    return PageParams(limit=min(wanted, settings.page_size_max), offset=offset)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(session: Session, stmt: Select[Any], params: PageParams) -> tuple[Sequence[Any], int]:
    """Run ``stmt`` for one page and count all matching rows.

    The count runs first: a page that starts at or past the last match (no hits at all, or an
    offset beyond the end) is empty without running the page query, which on an unindexed filter
    would scan the table a second time.
    """
    total = int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)
    if params.offset >= total:
        return [], total
    rows = session.scalars(stmt.limit(params.limit).offset(params.offset)).all()
    return rows, total


def to_page(rows: Sequence[Any], total: int, params: PageParams, convert: Callable[[Any], T]) -> Page[T]:
    return Page[T](items=[convert(r) for r in rows], total=total, limit=params.limit, offset=params.offset)
