from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.cohorts.models import Cohort
from app.db.base import Base, UTCDateTime, utcnow
from app.demands.models import Demand


class DemandMajor(Base):
    """Derived: which majors a demand asks for, so per-major aggregation stays a SQL GROUP BY.

    One row per (demand, major); a demand mapped only to a major category (专业类) has
    ``major_code`` NULL, a demand that could not be mapped has one row with ``source``
    ``unmapped``. ``weight`` splits the demand's headcount evenly over its rows (they sum
    to 1). Rows are rebuilt whenever the demand changed after ``mapped_at``.
    """

    __tablename__ = "demand_major"
    __table_args__ = (
        Index("ix_demand_major_major_code_demand_id", "major_code", "demand_id"),
        Index("ix_demand_major_category_code_demand_id", "category_code", "demand_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id", ondelete="CASCADE"), index=True)
    major_code: Mapped[str | None] = mapped_column(String(16))
    category_code: Mapped[str | None] = mapped_column(String(8))
    #: wanted (the demand's own majors), matched (matching engine), classified (keyword
    #: classifier over the catalog) or unmapped.
    source: Mapped[str] = mapped_column(String(16))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    mapped_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Indexes the analytics queries need on tables owned by other domains: the demand year
# filter is a date range on valid_from (created_at when valid_from is missing).
Index("ix_demand_valid_from", Demand.valid_from)
Index("ix_demand_created_at", Demand.created_at)
Index("ix_cohort_region_code_graduation_year", Cohort.region_code, Cohort.graduation_year)
