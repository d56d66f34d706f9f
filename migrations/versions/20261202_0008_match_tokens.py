"""match_tokens: each document's analysed tokens, stored so that an index build does not segment again

Keyed by a SHA-256 of the analyzer fingerprint and the document's text fields (see
``app/matches/tokens.py``); filled by index builds and refreshes, shared by every process.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_tokens",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_match_tokens")),
    )


def downgrade() -> None:
    op.drop_table("match_tokens")
