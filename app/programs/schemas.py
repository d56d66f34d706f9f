from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from app.core.enums import EducationLevel, RecordStatus
from app.core.fields import Count, ExternalId, LongText, RegionCode, ShortText, StrList, Title
from app.core.schemas import InputModel, ReadModel, field_value_error


class ProgramBody(InputModel):
    """A program as a school information system sends it (without owner and external id)."""

    name: Title
    major_code: ShortText | None = Field(default=None, description="Vocational major catalog code, e.g. 510203")
    education_level: EducationLevel = EducationLevel.higher_vocational
    description: LongText = ""
    skills: StrList = Field(default_factory=list)
    courses: StrList = Field(default_factory=list)
    certificates: StrList = Field(default_factory=list)
    annual_enrollment: Count | None = None
    region_code: RegionCode | None = None
    industries: StrList = Field(default_factory=list)
    status: RecordStatus = RecordStatus.open

    @model_validator(mode="after")
    def _level(self) -> ProgramBody:
        if self.education_level == EducationLevel.any:
            raise field_value_error(
                "education_level", "education_level of a program must be a concrete level, not 'any'"
            )
        return self


class ProgramUpsert(ProgramBody):
    organization_id: int | None = Field(
        default=None, description="Owner; taken from the credentials (platform admins must name it)"
    )
    external_id: ExternalId | None = None


class ProgramCreate(ProgramBody):
    organization_id: int | None = Field(
        default=None, description="Owner; taken from the credentials (platform admins must name it)"
    )
    external_id: ExternalId | None = None


class ProgramUpdate(InputModel):
    name: Title | None = None
    major_code: ShortText | None = None
    education_level: EducationLevel | None = None
    description: LongText | None = None
    skills: StrList | None = None
    courses: StrList | None = None
    certificates: StrList | None = None
    annual_enrollment: Count | None = None
    region_code: RegionCode | None = None
    industries: StrList | None = None
    status: RecordStatus | None = None
    external_id: ExternalId | None = None


class ProgramRead(ReadModel):
    organization_id: int
    external_id: str | None
    major_code: str | None
    name: str
    education_level: EducationLevel
    description: str
    skills: list[str]
    courses: list[str]
    certificates: list[str]
    annual_enrollment: int | None
    region_code: str | None
    industries: list[str]
    status: RecordStatus


class ProgramFilters(BaseModel):
    organization_id: int | None = None
    external_id: str | None = None
    major_code: str | None = Field(default=None, description="Exact code, or a 2/4-digit group prefix")
    status: RecordStatus | None = None
    education_level: EducationLevel | None = None
    region_code: RegionCode | None = Field(default=None, description="Exact, or a province/city prefix code")
    industry: str | None = Field(default=None, description="Programs serving this industry")
    skill: str | None = None
    q: str | None = Field(default=None, max_length=200, description="Substring of name or description")
    updated_since: datetime | None = None
    sort: str | None = Field(default=None, description="e.g. name, -annual_enrollment")
