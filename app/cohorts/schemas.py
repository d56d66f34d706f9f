from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from app.core.fields import Count, RegionCode, StrList
from app.core.schemas import InputModel, ReadModel, check_order

Year = int


class CohortBody(InputModel):
    graduation_year: int = Field(ge=1990, le=2100)
    graduates: Count
    available: Count | None = Field(default=None, description="Graduates still available; defaults to graduates")
    skills: StrList = Field(default_factory=list, description="Skills beyond the program's own")
    region_code: RegionCode | None = Field(default=None, description="Defaults to the program's region")

    @model_validator(mode="after")
    def _available(self) -> CohortBody:
        if self.available is None:
            self.available = self.graduates
        check_order(self.available, self.graduates, "available", "graduates")
        return self


class CohortCreate(CohortBody):
    program_id: int


class CohortUpdate(InputModel):
    graduation_year: int | None = Field(default=None, ge=1990, le=2100)
    graduates: Count | None = None
    available: Count | None = None
    skills: StrList | None = None
    region_code: RegionCode | None = None


class CohortRead(ReadModel):
    program_id: int
    organization_id: int
    graduation_year: int
    graduates: int
    available: int
    skills: list[str]
    region_code: str | None


class CohortFilters(BaseModel):
    program_id: int | None = None
    organization_id: int | None = None
    graduation_year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    min_available: int | None = Field(default=None, ge=0)
    region_code: RegionCode | None = None
    major_code: str | None = Field(default=None, description="Cohorts of programs with this major code or prefix")
    updated_since: datetime | None = None
    sort: str | None = Field(default=None, description="e.g. -graduation_year, available")
