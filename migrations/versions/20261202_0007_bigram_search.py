"""list search: bigram GIN indexes for two-character ``q`` needles (PostgreSQL only)

pg_trgm (migration 0005) cannot serve a needle shorter than three characters, and two Chinese
characters (数控, 护理, 软件) are the most common keyword shape: each such request scanned the
table twice (count and page). This migration adds ``text_bigrams(text) -> text[]``, every
two-character substring of a text in order, and a GIN index on ``text_bigrams(lower(column))``
for the four columns of 0005. The list filter (``app.core.listing``) adds the indexable
``text_bigrams(lower(column)) @> text_bigrams(lower(needle))`` to its exact test (strpos or
ILIKE), which implies it, so the rows are the same.

The function is created in the schema the tables live in (the first schema of the search path,
as for the tables), so queries find it by the same search path as the tables, and a per-run or
per-tenant schema takes it along when dropped. It is IMMUTABLE and calls only ``pg_catalog``
objects by qualified name, so it does not depend on the search path of the session that runs it
(pg_dump restores with an empty one). It returns repeats as they occur: GIN keeps each key once
per row, and de-duplicating in the function made building the index of 100k program
descriptions 27 % slower (36.8 s against 29.0 s).

The keys are compared in the "C" collation (bytewise) instead of the database's (strcoll): text
equality is the same, and that build took 29.0 s instead of 37.6 s. The downgrade drops the
indexes and the function. SQLite has no such index: nothing to do there.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("program", "name"), ("program", "description"), ("demand", "title"), ("demand", "description"))
_FUNCTION = "text_bigrams"  # app.db.base.BIGRAM_FUNCTION (migrations do not import app)

# string_to_array(value, NULL) splits into characters; the loop is linear in the text's length.
_BODY = """
DECLARE
    chars text[] := pg_catalog.string_to_array(value, NULL);
    pairs text[] := '{}';
BEGIN
    FOR i IN 2 .. pg_catalog.cardinality(chars) LOOP
        pairs[i OPERATOR(pg_catalog.-) 1] := chars[i OPERATOR(pg_catalog.-) 1] OPERATOR(pg_catalog.||) chars[i];
    END LOOP;
    RETURN pairs;
END
"""


def _schema() -> str:
    bind = op.get_bind()
    return bind.dialect.identifier_preparer.quote_identifier(bind.scalar(sa.text("SELECT current_schema()")))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _schema()
    op.execute(
        f"CREATE FUNCTION {schema}.{_FUNCTION}(value text) RETURNS text[]"
        f" LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $body${_BODY}$body$"
    )
    for table, column in _COLUMNS:
        op.execute(
            f"CREATE INDEX ix_{table}_{column}_bigram ON {table}"
            f' USING gin (({schema}.{_FUNCTION}(lower({column})) COLLATE "C"))'
        )
    # Statistics on the new index expressions, so the planner estimates a bigram's selectivity.
    op.execute("ANALYZE program")
    op.execute("ANALYZE demand")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_bigram")
    op.execute(f"DROP FUNCTION IF EXISTS {_schema()}.{_FUNCTION}(text)")
