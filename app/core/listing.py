"""Shared list-query building blocks: sorting, region prefixes, JSON-list membership."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import Boolean

from app.core.errors import InvalidInput


def apply_sort(
    stmt: Select[Any], model: Any, sort: str | None, allowed: tuple[str, ...], default: str = "-created_at"
) -> Select[Any]:
    """Order by a comma list such as ``-updated_at,title``; ``id`` always breaks ties."""
    spec = sort or default
    clauses = []
    for raw in spec.split(","):
        key = raw.strip()
        if not key:
            continue
        desc = key.startswith("-")
        name = key.lstrip("-+")
        if name not in allowed:
            raise InvalidInput.field(
                "sort", f"cannot sort by '{name}'; allowed: {', '.join(allowed)}", location="query"
            )
        column = getattr(model, name)
        clauses.append(column.desc() if desc else column.asc())
    clauses.append(model.id.desc() if spec.strip().startswith("-") else model.id.asc())
    return stmt.order_by(*clauses)


def region_filter(column: InstrumentedAttribute[Any], code: str) -> ColumnElement[bool]:
    """``500000`` matches the whole province, ``510100`` the whole city, else the exact code."""
    if code.endswith("0000"):
        return column.like(code[:2] + "%")
    if code.endswith("00"):
        return column.like(code[:4] + "%")
    return column == code


class _JsonContainsClause(ColumnElement[bool]):
    inherit_cache = False
    type = Boolean()

    def __init__(self, column: Any, value: str) -> None:
        self.column = column
        self.value = literal(value)


def json_list_contains(column: InstrumentedAttribute[Any], value: str) -> ColumnElement[bool]:
    """True where the JSON list column contains ``value`` (SQLite json_each, PostgreSQL jsonb ?)."""
    return _JsonContainsClause(column, value)


@compiles(_JsonContainsClause, "postgresql")
def _pg_contains(element: _JsonContainsClause, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} ? {compiler.process(element.value, **kw)})"


@compiles(_JsonContainsClause)
def _default_contains(element: _JsonContainsClause, compiler: Any, **kw: Any) -> str:
    col = compiler.process(element.column, **kw)
    val = compiler.process(element.value, **kw)
    return f"EXISTS (SELECT 1 FROM json_each({col}) WHERE json_each.value = {val})"


def text_contains(*columns: InstrumentedAttribute[Any], needle: str) -> ColumnElement[bool]:
    """Case-insensitive substring match over any of the columns."""
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*[func.lower(c).like(func.lower(pattern), escape="\\") for c in columns])


__all__ = ["apply_sort", "region_filter", "json_list_contains", "text_contains"]
