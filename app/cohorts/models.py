from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONList, TimestampMixin


class Cohort(TimestampMixin, Base):
    """Graduates of one program in one graduation year (毕业生供给)."""

    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("program_id", "graduation_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"), index=True)
    #: Copied from the program: the owner, for tenant checks and filters without a join.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    graduation_year: Mapped[int] = mapped_column(Integer, index=True)
    graduates: Mapped[int] = mapped_column(Integer, default=0)
    available: Mapped[int] = mapped_column(Integer, default=0)
    skills: Mapped[list[str]] = mapped_column(JSONList, default=list)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
