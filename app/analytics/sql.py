"""Dialect-specific SQL pieces the aggregations need (SQLite and PostgreSQL).

Grouping expressions are computed in an inner SELECT and grouped in the outer one, so
PostgreSQL never sees two differently-bound copies of the same expression.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, func, literal_column, or_
from sqlalchemy.ext.compiler import compiles

from app.demands.models import Demand


class _YearOf(ColumnElement[int]):
    inherit_cache = False
    type = Integer()

    def __init__(self, expr: Any) -> None:
        self.expr = expr


@compiles(_YearOf, "postgresql")
def _pg_year(element: _YearOf, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(YEAR FROM {compiler.process(element.expr, **kw)}) AS INTEGER)"


@compiles(_YearOf)
def _default_year(element: _YearOf, compiler: Any, **kw: Any) -> str:
    return f"CAST(substr({compiler.process(element.expr, **kw)}, 1, 4) AS INTEGER)"


class _JsonFirst(ColumnElement[str]):
    inherit_cache = False
    type = String()

    def __init__(self, column: Any) -> None:
        self.column = column


@compiles(_JsonFirst, "postgresql")
def _pg_first(element: _JsonFirst, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} ->> 0)"


@compiles(_JsonFirst)
def _default_first(element: _JsonFirst, compiler: Any, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.column, **kw)}, '$[0]')"


def json_first(column: Any) -> ColumnElement[str]:
    """The first element of a JSON list column as text (NULL when empty)."""
    return _JsonFirst(column)


def demand_year() -> ColumnElement[int]:
    """A demand's year: the year of ``valid_from``, else of ``created_at``."""
    return _YearOf(func.coalesce(Demand.valid_from, Demand.created_at))


def demand_in_years(year_from: int, year_to: int) -> ColumnElement[bool]:
    """Index-friendly year filter (date ranges rather than a computed year)."""
    start, end = date(year_from, 1, 1), date(year_to, 12, 31)
    return or_(
        and_(Demand.valid_from.is_not(None), Demand.valid_from >= start, Demand.valid_from <= end),
        and_(
            Demand.valid_from.is_(None),
            Demand.created_at >= datetime(year_from, 1, 1, tzinfo=UTC),
            Demand.created_at < datetime(year_to + 1, 1, 1, tzinfo=UTC),
        ),
    )


def region_group(column: Any, level: str) -> ColumnElement[str]:
    """The region code at ``level``: county (as stored), city (``xxxx00``) or province (``xx0000``)."""
    if level == "province":
        return func.substr(column, 1, 2).concat(literal_column("'0000'"))
    if level == "city":
        return func.substr(column, 1, 4).concat(literal_column("'00'"))
    return column
