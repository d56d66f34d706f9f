from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONList, TimestampMixin, UTCDateTime, utcnow


class Placement(TimestampMixin, Base):
    """One demand followed with one supply (a program or a graduate cohort) through to an outcome."""

    __tablename__ = "placement"
    __table_args__ = (
        Index("ix_placement_program_id_status", "program_id", "status"),
        Index("ix_placement_organization_id_year", "organization_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    supply_kind: Mapped[str] = mapped_column(String(16))
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"), index=True)
    #: The school (owner of the program), copied for per-school rates without a join.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    #: Graduation year of the cohort; for program placements the year the placement was created.
    year: Mapped[int] = mapped_column(Integer, index=True)
    #: How many people this placement is about (hired count when hired).
    count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="recommended", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
