"""Tenant rules shared by every owned resource (demands, programs, cohorts, offers).

* Reading: records that are not drafts are visible to every caller; drafts only to their
  organization (and platform admins). Another tenant's draft is reported as not found.
* Writing: only the owning organization's writers (or a platform admin). The owner of a new
  record is taken from the credentials; naming another organization is refused with 403.
* Publishing: an unverified organization may save drafts but not move a record out of draft.

``actor=None`` means an internal caller (scripts, the demo loader) and bypasses the checks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, not_, or_
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core.errors import Forbidden, InvalidInput
from app.organizations.models import Organization

DRAFT = "draft"


def draft_clause(spec: Any) -> ColumnElement[bool] | None:
    """SQL condition "this record is a draft" for a record spec, or ``None`` if it has no drafts."""
    if spec.draft_clause is not None:
        return spec.draft_clause()  # type: ignore[no-any-return]
    status = getattr(spec.model, "status", None)
    return None if status is None else status == DRAFT


def visible_clause(spec: Any, actor: Principal | None) -> ColumnElement[bool] | None:
    """SQL condition for the records ``actor`` may read (``None``: no restriction)."""
    if actor is None or actor.is_platform_admin:
        return None
    draft = draft_clause(spec)
    if draft is None:
        return None
    if actor.organization_id is None:
        return not_(draft)
    return or_(not_(draft), spec.model.organization_id == actor.organization_id)


def restrict_visible(stmt: Select[Any], spec: Any, actor: Principal | None) -> Select[Any]:
    clause = visible_clause(spec, actor)
    return stmt if clause is None else stmt.where(clause)


def resolve_owner(actor: Principal | None, organization_id: int | None, *, field: str = "organization_id") -> int:
    """The owner of a new record: from the credentials; a differing ``organization_id`` is refused."""
    if actor is None or actor.is_platform_admin:
        if organization_id is None:
            raise InvalidInput.field(field, "name the organization that owns the record", code="missing")
        return organization_id
    if actor.organization_id is None or not actor.can_write_for(actor.organization_id):
        raise Forbidden("your role may not create or change records")
    if organization_id is not None and organization_id != actor.organization_id:
        raise Forbidden(f"you may only write records of your own organization ({actor.organization_id})")
    return actor.organization_id


def check_can_write(actor: Principal | None, organization_id: int) -> None:
    if actor is not None and not actor.can_write_for(organization_id):
        raise Forbidden("this record belongs to another organization" if actor.organization_id is not None
                        or actor.is_anonymous else "your role may not create or change records")


def check_publishable(session: Session, organization_id: int, new_status: Any, old_status: Any = None) -> None:
    """Refuse taking a record out of draft (or creating it published) for an unverified organization."""
    new = getattr(new_status, "value", new_status)
    old = getattr(old_status, "value", old_status)
    if new is None or new == DRAFT or (old is not None and old != DRAFT):
        return
    org = session.get(Organization, organization_id)
    if org is not None and not org.verified:
        raise Forbidden(
            f"organization {organization_id} is not verified yet: it may save drafts (status 'draft') "
            f"but not publish (status {new!r}) until a platform admin verifies it"
        )
