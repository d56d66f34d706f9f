from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONList, TimestampMixin, bigram_index, trigram_index


class Program(TimestampMixin, Base):
    """A school's major / training program (专业)."""

    __tablename__ = "program"
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id"),
        # List search (``q``) is a case-insensitive substring filter over these columns.
        trigram_index("program", "name"),
        trigram_index("program", "description"),
        bigram_index("program", "name"),
        bigram_index("program", "description"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    major_code: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    education_level: Mapped[str] = mapped_column(String(32), default="higher_vocational", index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list[str]] = mapped_column(JSONList, default=list)
    courses: Mapped[list[str]] = mapped_column(JSONList, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSONList, default=list)
    annual_enrollment: Mapped[int | None] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    industries: Mapped[list[str]] = mapped_column(JSONList, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
