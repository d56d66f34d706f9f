"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 11:56:43.920434
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column(
            "consortia",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("code", name=op.f("uq_organization_code")),
    )
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organization_industry"), ["industry"], unique=False)
        batch_op.create_index(batch_op.f("ix_organization_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_organization_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_organization_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "cooperation_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "skills",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_cooperation_offer_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_offer")),
    )
    with op.batch_alter_table("cooperation_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cooperation_offer_direction"), ["direction"], unique=False)
        batch_op.create_index(batch_op.f("ix_cooperation_offer_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cooperation_offer_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cooperation_offer_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_cooperation_offer_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cooperation_offer_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "demand",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "skills",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "majors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("education_level", sa.String(length=32), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("employment_type", sa.String(length=32), nullable=False),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("salary_max", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_demand_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand")),
        sa.UniqueConstraint(
            "organization_id", "external_id", name=op.f("uq_demand_organization_id_external_id")
        ),
    )
    with op.batch_alter_table("demand", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_education_level"), ["education_level"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_industry"), ["industry"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_region_code"), ["region_code"], unique=False)
        batch_op.create_index("ix_demand_status_valid_until", ["status", "valid_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_demand_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "program",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("major_code", sa.String(length=16), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("education_level", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "skills",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "courses",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "certificates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("annual_enrollment", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column(
            "industries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_program_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program")),
        sa.UniqueConstraint(
            "organization_id", "external_id", name=op.f("uq_program_organization_id_external_id")
        ),
    )
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_education_level"), ["education_level"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_major_code"), ["major_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("graduation_year", sa.Integer(), nullable=False),
        sa.Column("graduates", sa.Integer(), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.Column(
            "skills",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_cohort_organization_id_organization")
        ),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"], name=op.f("fk_cohort_program_id_program")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort")),
        sa.UniqueConstraint(
            "program_id", "graduation_year", name=op.f("uq_cohort_program_id_graduation_year")
        ),
    )
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_graduation_year"), ["graduation_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_updated_at"))
        batch_op.drop_index(batch_op.f("ix_cohort_region_code"))
        batch_op.drop_index(batch_op.f("ix_cohort_program_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_organization_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_graduation_year"))

    op.drop_table("cohort")
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_updated_at"))
        batch_op.drop_index(batch_op.f("ix_program_status"))
        batch_op.drop_index(batch_op.f("ix_program_region_code"))
        batch_op.drop_index(batch_op.f("ix_program_organization_id"))
        batch_op.drop_index(batch_op.f("ix_program_major_code"))
        batch_op.drop_index(batch_op.f("ix_program_education_level"))

    op.drop_table("program")
    with op.batch_alter_table("demand", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_updated_at"))
        batch_op.drop_index("ix_demand_status_valid_until")
        batch_op.drop_index(batch_op.f("ix_demand_region_code"))
        batch_op.drop_index(batch_op.f("ix_demand_organization_id"))
        batch_op.drop_index(batch_op.f("ix_demand_industry"))
        batch_op.drop_index(batch_op.f("ix_demand_education_level"))

    op.drop_table("demand")
    with op.batch_alter_table("cooperation_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooperation_offer_updated_at"))
        batch_op.drop_index(batch_op.f("ix_cooperation_offer_status"))
        batch_op.drop_index(batch_op.f("ix_cooperation_offer_region_code"))
        batch_op.drop_index(batch_op.f("ix_cooperation_offer_organization_id"))
        batch_op.drop_index(batch_op.f("ix_cooperation_offer_kind"))
        batch_op.drop_index(batch_op.f("ix_cooperation_offer_direction"))

    op.drop_table("cooperation_offer")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_updated_at"))
        batch_op.drop_index(batch_op.f("ix_organization_region_code"))
        batch_op.drop_index(batch_op.f("ix_organization_kind"))
        batch_op.drop_index(batch_op.f("ix_organization_industry"))

    op.drop_table("organization")
    op.drop_table("change_log")
