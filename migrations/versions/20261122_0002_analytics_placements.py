"""analytics: demand_major (derived demand-to-major mapping), placement outcomes, indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_LIST = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "demand_major",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("major_code", sa.String(length=16), nullable=True),
        sa.Column("category_code", sa.String(length=8), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("mapped_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_demand_major_demand_id_demand"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_major")),
    )
    with op.batch_alter_table("demand_major", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_major_demand_id"), ["demand_id"], unique=False)
        batch_op.create_index("ix_demand_major_major_code_demand_id", ["major_code", "demand_id"], unique=False)
        batch_op.create_index(
            "ix_demand_major_category_code_demand_id", ["category_code", "demand_id"], unique=False
        )

    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("supply_kind", sa.String(length=16), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("history", JSON_LIST, nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_placement_cohort_id_cohort")),
        sa.ForeignKeyConstraint(["demand_id"], ["demand.id"], name=op.f("fk_placement_demand_id_demand")),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_placement_organization_id_organization")
        ),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"], name=op.f("fk_placement_program_id_program")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_demand_id"), ["demand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_year"), ["year"], unique=False)
        batch_op.create_index("ix_placement_organization_id_year", ["organization_id", "year"], unique=False)
        batch_op.create_index("ix_placement_program_id_status", ["program_id", "status"], unique=False)

    with op.batch_alter_table("demand", schema=None) as batch_op:
        batch_op.create_index("ix_demand_valid_from", ["valid_from"], unique=False)
        batch_op.create_index("ix_demand_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cohort_region_code_graduation_year", ["region_code", "graduation_year"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_index("ix_cohort_region_code_graduation_year")
    with op.batch_alter_table("demand", schema=None) as batch_op:
        batch_op.drop_index("ix_demand_created_at")
        batch_op.drop_index("ix_demand_valid_from")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        for name in (
            "ix_placement_program_id_status", "ix_placement_organization_id_year", "ix_placement_year",
            "ix_placement_updated_at", "ix_placement_status", "ix_placement_demand_id", "ix_placement_cohort_id",
        ):
            batch_op.drop_index(name)
    op.drop_table("placement")
    with op.batch_alter_table("demand_major", schema=None) as batch_op:
        batch_op.drop_index("ix_demand_major_category_code_demand_id")
        batch_op.drop_index("ix_demand_major_major_code_demand_id")
        batch_op.drop_index(batch_op.f("ix_demand_major_demand_id"))
    op.drop_table("demand_major")
