"""Who is calling: the identity every service function receives as ``actor``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    platform_admin = "platform_admin"
    planner = "planner"
    org_admin = "org_admin"
    org_editor = "org_editor"
    viewer = "viewer"


#: Roles that may write their own organization's records.
WRITER_ROLES = frozenset({Role.platform_admin, Role.planner, Role.org_admin, Role.org_editor})
#: Roles that may be given to a user of an organization, or to an API key.
ORG_ROLES = frozenset({Role.org_admin, Role.org_editor, Role.viewer})

PrincipalKind = Literal["user", "api_key", "oidc", "anonymous", "system"]


@dataclass(frozen=True)
class Principal:
    """An authenticated caller (or the anonymous reader, when the settings allow one).

    ``id`` is the user id or API key id (the OIDC subject for unlinked OIDC identities).
    ``request_id`` travels with it so that services can write it into the audit log.
    """

    kind: PrincipalKind
    id: int | str | None
    organization_id: int | None
    role: str
    name: str = ""
    request_id: str | None = None

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.platform_admin

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"

    def can_write_for(self, organization_id: int | None) -> bool:
        """May this caller create, change or delete records owned by ``organization_id``?"""
        if self.is_platform_admin:
            return True
        return (
            self.role in WRITER_ROLES
            and self.organization_id is not None
            and self.organization_id == organization_id
        )

    def can_see_drafts_of(self, organization_id: int | None) -> bool:
        return self.is_platform_admin or (self.organization_id is not None and self.organization_id == organization_id)

    def can_manage(self, organization_id: int) -> bool:
        """May this caller manage the organization's users and API keys?"""
        return self.is_platform_admin or (self.role == Role.org_admin and self.organization_id == organization_id)

    @property
    def rate_key(self) -> str:
        return f"{self.kind}:{self.id}"

    def with_request(self, request_id: str | None) -> Principal:
        return replace(self, request_id=request_id)


ANONYMOUS = Principal(kind="anonymous", id=None, organization_id=None, role="anonymous", name="anonymous")
