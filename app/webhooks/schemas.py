"""Request and response shapes of the webhook API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.fields import RegionCode, Title
from app.core.schemas import InputModel, ReadModel, field_value_error

SubscriptionKind = Literal["matches", "saved_search"]
Scope = Literal["demands", "supplies", "records"]
_REF = re.compile(r"(demand|program|cohort|offer):[1-9][0-9]{0,11}")


class SavedSearch(InputModel):
    """What a ``saved_search`` subscription looks for (as ``GET /api/v1/search``)."""

    q: str = Field(min_length=1, max_length=200)
    type: Literal["demand", "program", "cohort", "offer"] | None = None
    region_code: RegionCode | None = None


class SubscriptionBase(InputModel):
    name: Title
    target_url: str = Field(max_length=2000, description="http(s) URL that receives the POSTs")
    min_score: float = Field(default=0.5, ge=0, le=1, description="Announce matches scoring at least this")
    active: bool = True


class SubscriptionCreate(SubscriptionBase):
    organization_id: int | None = Field(default=None, description="Owner; from the credentials (admins name it)")
    kind: SubscriptionKind = "matches"
    scope: Scope | None = Field(default=None, description="matches: own demands, own supplies, or listed records")
    record_refs: list[str] = Field(default_factory=list, max_length=500, description='e.g. ["demand:12"]')
    query: SavedSearch | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SubscriptionCreate:
        check_kind(self.kind, self.scope, self.record_refs, self.query)
        return self


class SubscriptionUpdate(InputModel):
    name: Title | None = None
    target_url: str | None = Field(default=None, max_length=2000)
    min_score: float | None = Field(default=None, ge=0, le=1)
    active: bool | None = None
    scope: Scope | None = None
    record_refs: list[str] | None = Field(default=None, max_length=500)
    query: SavedSearch | None = None


def check_kind(kind: str, scope: str | None, refs: list[str], query: Any) -> None:
    if kind == "matches":
        if scope is None:
            raise field_value_error("scope", "a matches subscription needs a scope: demands, supplies or records")
        if scope == "records" and not refs:
            raise field_value_error("record_refs", "scope 'records' needs record_refs such as 'demand:12'")
        bad = [r for r in refs if not _REF.fullmatch(r)]
        if bad:
            raise field_value_error("record_refs", f"not a record reference (kind:id): {bad[0]!r}")
    elif query is None:
        raise field_value_error("query", "a saved_search subscription needs a query")


class SubscriptionRead(ReadModel):
    organization_id: int
    name: str
    target_url: str
    kind: SubscriptionKind
    scope: Scope | None
    record_refs: list[str]
    query: dict[str, Any] | None
    min_score: float
    active: bool
    secret_hint: str = Field(description="Last characters of the signing secret (the secret is shown once)")


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="HMAC-SHA256 signing key; shown only now (and after rotation)")


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    delivery_id: str
    event_type: str
    status: Literal["pending", "delivering", "delivered", "failed"]
    score: float | None
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]


class DeliveryFilters(BaseModel):
    status: Literal["pending", "delivering", "delivered", "failed"] | None = None
    event_type: str | None = Field(default=None, max_length=32)


class PingQueued(BaseModel):
    delivery_id: str
    status: str
