from __future__ import annotations

from pydantic import BaseModel, Field, HttpUrl

from app.core.enums import OrganizationKind
from app.core.fields import LongText, OptionalShortText, RegionCode, StrList, Title
from app.core.schemas import InputModel, ReadModel


class OrganizationFields(InputModel):
    name: Title
    code: OptionalShortText = Field(
        default=None, description="Unified social credit code (enterprises) or school code (schools); unique."
    )
    region_code: RegionCode | None = Field(default=None, description="6-digit administrative division code")
    industry: OptionalShortText = None
    consortia: StrList = Field(default_factory=list, description="Industry-education consortia it belongs to")
    description: LongText = ""
    website: HttpUrl | None = None
    verified: bool = True


class OrganizationCreate(OrganizationFields):
    kind: OrganizationKind


class OrganizationUpdate(InputModel):
    kind: OrganizationKind | None = None
    name: Title | None = None
    code: OptionalShortText = None
    region_code: RegionCode | None = None
    industry: OptionalShortText = None
    consortia: StrList | None = None
    description: LongText | None = None
    website: HttpUrl | None = None
    verified: bool | None = None


class OrganizationRead(ReadModel):
    kind: OrganizationKind
    name: str
    code: str | None
    region_code: str | None
    industry: str | None
    consortia: list[str]
    description: str
    website: str | None
    verified: bool


class OrganizationFilters(BaseModel):
    kind: OrganizationKind | None = None
    region_code: RegionCode | None = None
    industry: str | None = None
    code: str | None = None
    consortium: str | None = None
    verified: bool | None = None
    q: str | None = Field(default=None, max_length=200, description="Substring of the name")
    sort: str | None = Field(default=None, description="e.g. name or -created_at")
