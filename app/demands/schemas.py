from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, model_validator

from app.core.enums import DemandStatus, EducationLevel, EmploymentType
from app.core.fields import Count, ExternalId, LongText, RegionCode, Salary, ShortText, StrList, Title
from app.core.schemas import InputModel, ReadModel, check_dates, check_order, field_value_error


class DemandBody(InputModel):
    """A demand as an HR system sends it (without owner and external id)."""

    title: Title
    description: LongText = ""
    skills: StrList = Field(default_factory=list)
    majors: StrList = Field(default_factory=list, description="Wanted majors: names or catalog codes")
    education_level: EducationLevel = EducationLevel.any
    headcount: Count = 1
    region_code: RegionCode | None = None
    industry: ShortText | None = None
    employment_type: EmploymentType = EmploymentType.full_time
    salary_min: Salary | None = Field(default=None, description="CNY per month")
    salary_max: Salary | None = Field(default=None, description="CNY per month")
    valid_from: date | None = None
    valid_until: date | None = None
    status: DemandStatus = DemandStatus.open

    @model_validator(mode="after")
    def _consistent(self) -> DemandBody:
        if not self.description and not self.skills:
            raise field_value_error("description", "a demand needs a description or at least one skill")
        check_order(self.salary_min, self.salary_max, "salary_min", "salary_max")
        check_dates(self.valid_from, self.valid_until)
        return self


class DemandUpsert(DemandBody):
    """Body of ``PUT /demands/external/{external_id}``."""

    organization_id: int | None = Field(
        default=None, description="Owner; taken from the credentials (platform admins must name it)"
    )
    external_id: ExternalId | None = None


class DemandCreate(DemandBody):
    organization_id: int | None = Field(
        default=None, description="Owner; taken from the credentials (platform admins must name it)"
    )
    external_id: ExternalId | None = None


class DemandUpdate(InputModel):
    title: Title | None = None
    description: LongText | None = None
    skills: StrList | None = None
    majors: StrList | None = None
    education_level: EducationLevel | None = None
    headcount: Count | None = None
    region_code: RegionCode | None = None
    industry: ShortText | None = None
    employment_type: EmploymentType | None = None
    salary_min: Salary | None = None
    salary_max: Salary | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    status: DemandStatus | None = None
    external_id: ExternalId | None = None


class DemandRead(ReadModel):
    organization_id: int
    external_id: str | None
    title: str
    description: str
    skills: list[str]
    majors: list[str]
    education_level: EducationLevel
    headcount: int
    region_code: str | None
    industry: str | None
    employment_type: EmploymentType
    salary_min: int | None
    salary_max: int | None
    valid_from: date | None
    valid_until: date | None
    status: DemandStatus


class DemandFilters(BaseModel):
    organization_id: int | None = None
    external_id: str | None = None
    status: DemandStatus | None = None
    education_level: EducationLevel | None = None
    employment_type: EmploymentType | None = None
    region_code: RegionCode | None = Field(default=None, description="Exact, or a province/city prefix code")
    industry: str | None = None
    skill: str | None = Field(default=None, description="Demands listing this skill")
    major: str | None = Field(default=None, description="Demands wanting this major (name or code)")
    q: str | None = Field(default=None, max_length=200, description="Substring of title or description")
    active_on: date | None = Field(default=None, description="Valid on this date")
    updated_since: datetime | None = Field(default=None, description="Changed at or after (incremental sync)")
    sort: str | None = Field(default=None, description="e.g. -updated_at, title, salary_max")
