from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONList, TimestampMixin, bigram_index, trigram_index


class Demand(TimestampMixin, Base):
    """A job demand (岗位需求) posted by an enterprise."""

    __tablename__ = "demand"
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id"),
        Index("ix_demand_status_valid_until", "status", "valid_until"),
        # List search (``q``) is a case-insensitive substring filter over these columns.
        trigram_index("demand", "title"),
        trigram_index("demand", "description"),
        bigram_index("demand", "title"),
        bigram_index("demand", "description"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list[str]] = mapped_column(JSONList, default=list)
    majors: Mapped[list[str]] = mapped_column(JSONList, default=list)
    education_level: Mapped[str] = mapped_column(String(32), default="any", index=True)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    employment_type: Mapped[str] = mapped_column(String(32), default="full_time")
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
