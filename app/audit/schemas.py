from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_kind: str = Field(description="user, api_key, oidc, anonymous or system")
    actor_id: str | None
    actor_name: str
    organization_id: int | None
    action: str = Field(description="create, update, delete, upsert, bulk_import, api_key.create, ...")
    entity: str
    entity_id: str | None
    request_id: str | None
    changes: dict[str, Any]


class AuditFilters(BaseModel):
    actor_kind: str | None = None
    actor_id: str | None = None
    organization_id: int | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    request_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
