from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from app.core.fields import LongText
from app.core.schemas import InputModel, ReadModel


class PlacementStatus(StrEnum):
    recommended = "recommended"
    contacted = "contacted"
    interviewing = "interviewing"
    hired = "hired"
    rejected = "rejected"


class SupplyKind(StrEnum):
    program = "program"
    cohort = "cohort"


class PlacementCreate(InputModel):
    demand_id: int = Field(ge=1)
    supply_kind: SupplyKind
    supply_id: int = Field(ge=1, description="Program id or cohort id, per supply_kind")
    status: PlacementStatus = PlacementStatus.recommended
    count: int = Field(default=1, ge=1, le=10_000, description="People concerned (hired count when hired)")
    note: LongText = ""


class PlacementUpdate(InputModel):
    status: PlacementStatus | None = None
    count: int | None = Field(default=None, ge=1, le=10_000)
    note: LongText | None = None


class PlacementRead(ReadModel):
    demand_id: int
    supply_kind: SupplyKind
    supply_id: int
    program_id: int
    cohort_id: int | None
    organization_id: int
    year: int
    count: int
    status: PlacementStatus
    note: str
    history: list[dict[str, Any]]
    status_changed_at: datetime


class PlacementFilters(BaseModel):
    demand_id: int | None = None
    program_id: int | None = None
    cohort_id: int | None = None
    organization_id: int | None = Field(default=None, description="The school")
    status: PlacementStatus | None = None
    year: int | None = None
    sort: str | None = Field(default=None, description="e.g. -updated_at, status_changed_at")
