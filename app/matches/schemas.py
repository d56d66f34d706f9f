from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from app.core.enums import EducationLevel
from app.core.fields import LongText, RegionCode, ShortText, StrList
from app.core.schemas import InputModel

SupplyKind = Literal["program", "cohort", "offer"]
RecordKind = Literal["demand", "program", "cohort", "offer"]


class MatchItem(BaseModel):
    kind: RecordKind
    id: int
    external_id: str | None
    title: str
    organization_id: int | None
    score: float | None = Field(description="Blended score in [0, 1]; null when there is too little text to score")
    insufficient_data: bool = False
    explanation: dict[str, Any] = Field(default_factory=dict)
    fillable: int | None = Field(
        default=None, description="Cohorts ranked for a demand: how many of its headcount the cohort could fill"
    )


class MatchPage(BaseModel):
    items: list[MatchItem]
    total: int
    limit: int
    offset: int


class MatchFilters(BaseModel):
    region_code: RegionCode | None = Field(default=None, description="Exact, or a province/city code as prefix")
    education_level: EducationLevel | None = None
    industry: str | None = Field(default=None, max_length=100)
    min_score: float | None = Field(default=None, ge=0, le=1)
    limit: int = Field(default=10, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=100_000)


class DemandMatchFilters(MatchFilters):
    kind: SupplyKind | None = Field(default=None, description="Only programs, cohorts or offers")


class AdHocMatch(InputModel):
    """Free text plus optional structured fields, matched against one side."""

    target: Literal["demands", "programs", "cohorts", "offers"]
    title: ShortText = ""
    text: LongText = ""
    skills: StrList = Field(default_factory=list)
    majors: StrList = Field(default_factory=list)
    education_level: EducationLevel = EducationLevel.any
    region_code: RegionCode | None = None
    industry: ShortText | None = None
    filters: MatchFilters = Field(default_factory=MatchFilters)


class SearchParams(BaseModel):
    q: str = Field(min_length=1, max_length=200, description="Keywords, a title or a program name (typos allowed)")
    type: Literal["demand", "program", "cohort", "offer"] | None = Field(default=None, description="Default: all")
    region_code: RegionCode | None = None
    limit: int = Field(default=10, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000)
