"""Declarative base with a constraint naming convention and shared column types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, MetaData, TypeDecorator, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: JSON on SQLite, JSONB on PostgreSQL (so list-membership filters can use ``?``).
JSONList = JSON().with_variant(JSONB(), "postgresql")


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)


def trigram_index(table: str, column: str) -> Index:
    """A PostgreSQL-only pg_trgm GIN index, so ``ILIKE '%needle%'`` does not scan the table.

    Created by migration 0005 on PostgreSQL only (SQLite has no such index type); schema
    comparisons skip it on other backends (:func:`schema_compare_filter`).
    """
    index = Index(
        f"ix_{table}_{column}_trgm", column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
        info={"dialect": "postgresql"},
    )
    return index.ddl_if(dialect="postgresql")


#: The SQL function of migration 0007: a text's two-character substrings, as ``text[]``. It lives in
#: the schema of the tables (found on the search path like them); its body calls only ``pg_catalog``.
BIGRAM_FUNCTION = "text_bigrams"


def bigram_index(table: str, column: str) -> Index:
    """A PostgreSQL-only GIN index on the bigrams of ``lower(column)``, for two-character needles.

    pg_trgm cannot serve a needle shorter than three characters; this index can (see
    ``app.core.listing``). Created by migration 0007 on PostgreSQL only, with the keys in the "C"
    collation (bytewise: faster to build than the database's, and text equality is the same);
    the collation is left out here because reflection does not report it, so schema comparisons
    could never match it. ``info["bigram_column"]`` tells the list filter that the column is indexed.
    """
    expression = text(f"{BIGRAM_FUNCTION}(lower({column}))")
    index = Index(
        f"ix_{table}_{column}_bigram", expression, postgresql_using="gin",
        info={"dialect": "postgresql", "bigram_column": column},
    )
    return index.ddl_if(dialect="postgresql")


def schema_compare_filter(dialect_name: str) -> Any:
    """An Alembic ``include_object`` hook: leave out indexes that exist on another backend only."""

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "index" and not reflected:
            wanted = obj.info.get("dialect")
            return wanted is None or wanted == dialect_name
        return True

    return include_object


def insert_new_rows(session: Any, model: Any, rows: list[dict[str, Any]], key: str, *, batch: int = 1000) -> None:
    """Insert ``rows``, leaving rows whose ``key`` is already stored as they are (SQLite and PostgreSQL).

    Rows go in key order, so concurrent transactions inserting overlapping keys wait for each
    other instead of deadlocking. The caller commits.
    """
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    ordered = sorted(rows, key=lambda r: r[key])
    for start in range(0, len(ordered), batch):
        session.execute(insert(model).values(ordered[start : start + batch]).on_conflict_do_nothing(index_elements=[key]))
