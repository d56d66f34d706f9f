from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, model_validator

from app.core.enums import CooperationDirection, CooperationKind, RecordStatus
from app.core.fields import Count, LongText, RegionCode, StrList, Title
from app.core.schemas import InputModel, ReadModel, check_dates


class OfferBody(InputModel):
    direction: CooperationDirection = CooperationDirection.offer
    kind: CooperationKind
    title: Title
    description: LongText = ""
    skills: StrList = Field(default_factory=list, description="Fields or skills concerned")
    region_code: RegionCode | None = None
    capacity: Count | None = Field(default=None, description="Places, trainees or projects")
    valid_from: date | None = None
    valid_until: date | None = None
    status: RecordStatus = RecordStatus.open

    @model_validator(mode="after")
    def _consistent(self) -> OfferBody:
        check_dates(self.valid_from, self.valid_until)
        return self


class OfferCreate(OfferBody):
    organization_id: int | None = Field(
        default=None, description="Owner; taken from the credentials (platform admins must name it)"
    )


class OfferUpdate(InputModel):
    direction: CooperationDirection | None = None
    kind: CooperationKind | None = None
    title: Title | None = None
    description: LongText | None = None
    skills: StrList | None = None
    region_code: RegionCode | None = None
    capacity: Count | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    status: RecordStatus | None = None


class OfferRead(ReadModel):
    organization_id: int
    direction: CooperationDirection
    kind: CooperationKind
    title: str
    description: str
    skills: list[str]
    region_code: str | None
    capacity: int | None
    valid_from: date | None
    valid_until: date | None
    status: RecordStatus


class OfferFilters(BaseModel):
    organization_id: int | None = None
    direction: CooperationDirection | None = None
    kind: CooperationKind | None = None
    status: RecordStatus | None = None
    region_code: RegionCode | None = None
    skill: str | None = None
    q: str | None = Field(default=None, max_length=200)
    active_on: date | None = None
    updated_since: datetime | None = None
    sort: str | None = Field(default=None, description="e.g. -created_at, title")
