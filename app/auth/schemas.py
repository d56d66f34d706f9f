from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.auth.principal import Role
from app.core.fields import ShortText, Title
from app.core.schemas import InputModel

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("is not a valid e-mail address")
    return value


Email = Annotated[str, AfterValidator(_email)]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str


class RefreshRequest(InputModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class UserCreate(InputModel):
    email: Email
    password: str = Field(description="At least 10 characters mixing letters, digits or symbols", repr=False)
    role: Role = Role.org_editor
    full_name: ShortText = ""


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    role: Role
    organization_id: int | None
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


class ApiKeyCreate(InputModel):
    name: Title
    role: Role = Role.org_editor
    expires_at: datetime | None = Field(default=None, description="Optional expiry (ISO 8601, UTC if no offset)")


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organization_id: int
    name: str
    role: Role
    prefix: str = Field(description="Non-secret identifier: the key starts with tm_<prefix>_")
    created_by: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The secret key. Shown only in this response: store it now.")


class MeRead(BaseModel):
    kind: str
    id: int | str | None
    organization_id: int | None
    role: str
    name: str
