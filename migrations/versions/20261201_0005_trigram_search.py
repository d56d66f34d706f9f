"""list search: pg_trgm GIN indexes for the ``q`` filter of programs and demands (PostgreSQL only)

``GET /programs?q=`` and ``GET /demands?q=`` are case-insensitive substring filters
(``ILIKE '%needle%'`` on PostgreSQL). Without an index each request scanned every row twice
(the page and its count). A trigram index serves needles of three or more characters; shorter
ones (e.g. two Chinese characters) still scan. SQLite has no such index: nothing to do there.

The extension is created in the ``public`` schema when missing (pg_trgm is a trusted extension,
so the database owner may create it); an existing installation is used wherever it lives. The
downgrade drops the indexes and leaves the extension (other objects may use it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("program", "name"), ("program", "description"), ("demand", "title"), ("demand", "description"))
_EXTENSION_SCHEMA = sa.text(
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.scalar(_EXTENSION_SCHEMA)
    if schema is None:
        # A fixed schema, not the first one on the search path: a per-test or per-tenant schema
        # would take the extension (and every index using it) with it when it is dropped.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        schema = bind.scalar(_EXTENSION_SCHEMA)
    quoted = bind.dialect.identifier_preparer.quote_identifier(schema)
    for table, column in _COLUMNS:
        op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({column} {quoted}.gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
