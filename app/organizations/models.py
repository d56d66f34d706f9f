from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONList, TimestampMixin


class Organization(TimestampMixin, Base):
    """An enterprise, school, government body or institute."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    consortia: Mapped[list[str]] = mapped_column(JSONList, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
