"""Write and query the audit log. Writers only flush: the caller's commit stores the entry
together with the change it describes, so nothing is half-written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.audit.schemas import AuditFilters
from app.auth.principal import Principal, Role
from app.core.errors import Forbidden
from app.core.pagination import PageParams, paginate

#: Field names whose values never reach the audit log.
SECRET_FIELDS = frozenset({"password", "password_hash", "key", "key_hash", "token", "refresh_token", "secret"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): ("***" if k in SECRET_FIELDS else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def record_audit(
    session: Session,
    principal: Principal | None,
    action: str,
    entity: str,
    entity_id: int | str | None,
    changes: Mapping[str, Any] | None = None,
    request_id: str | None = None,
    *,
    organization_id: int | None = None,
) -> AuditEntry:
    """Append one entry (flushes; the caller commits).

    ``organization_id`` is the organization the record belongs to (defaults to the actor's).
    ``principal=None`` means an internal caller (script, demo loader): recorded as ``system``.
    """
    actor = principal or Principal(kind="system", id=None, organization_id=None, role="system", name="system")
    entry = AuditEntry(
        actor_kind=actor.kind,
        actor_id=None if actor.id is None else str(actor.id),
        actor_name=actor.name[:254],
        organization_id=organization_id if organization_id is not None else actor.organization_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        request_id=request_id or actor.request_id,
        changes=_jsonable(dict(changes or {})),
    )
    session.add(entry)
    session.flush()
    return entry


def list_audit(
    session: Session, actor: Principal, filters: AuditFilters, page: PageParams
) -> tuple[Sequence[AuditEntry], int]:
    """Platform admins and planners see everything; an organization admin only its organization."""
    stmt = select(AuditEntry)
    if actor.role in (Role.platform_admin, Role.planner):
        pass
    elif actor.role == Role.org_admin and actor.organization_id is not None:
        stmt = stmt.where(AuditEntry.organization_id == actor.organization_id)
    else:
        raise Forbidden("only administrators and planners may read the audit log")
    f = filters
    m = AuditEntry
    for name in ("actor_kind", "actor_id", "organization_id", "action", "entity", "entity_id", "request_id"):
        value = getattr(f, name)
        if value is not None:
            stmt = stmt.where(getattr(m, name) == (str(value) if name in ("actor_id", "entity_id") else value))
    if f.since is not None:
        stmt = stmt.where(m.at >= f.since)
    if f.until is not None:
        stmt = stmt.where(m.at < f.until)
    stmt = stmt.order_by(m.id.desc())
    return paginate(session, stmt, page)
