"""API keys of machine clients: create (shown once), list, revoke, authenticate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record_audit
from app.auth import security
from app.auth.models import ApiKey
from app.auth.principal import ORG_ROLES, Principal, Role
from app.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from app.core.config import get_settings
from app.core.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from app.core.records import commit
from app.organizations.models import Organization

#: ``last_used_at`` is written at most this often per key (not on every request).
LAST_USED_RESOLUTION = timedelta(seconds=60)


def _now() -> datetime:
    return datetime.now(UTC)


def create_api_key(session: Session, actor: Principal, organization_id: int, body: ApiKeyCreate) -> ApiKeyCreated:
    """Create a key for the organization; the secret is returned once and stored only as a hash."""
    if session.get(Organization, organization_id) is None:
        raise NotFound(f"organization {organization_id} does not exist")
    if not actor.can_manage(organization_id):
        raise Forbidden("only a platform admin or this organization's admin may manage its API keys")
    role = Role(body.role)
    if role not in ORG_ROLES:
        raise InvalidInput.field("role", "an API key's role must be org_admin, org_editor or viewer")
    expires_at = body.expires_at
    if expires_at is not None:
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        if expires_at <= _now():
            raise InvalidInput.field("expires_at", "must be in the future")
    new = security.new_api_key()
    key = ApiKey(organization_id=organization_id, name=body.name, role=role.value, prefix=new.prefix,
                 key_hash=security.hash_secret(new.key), created_by=f"{actor.kind}:{actor.id}", expires_at=expires_at)
    session.add(key)
    session.flush()
    record_audit(session, actor, "api_key.create", "api_key", key.id,
                 {"name": key.name, "role": key.role, "prefix": key.prefix, "expires_at": expires_at},
                 organization_id=organization_id)
    commit(session, "this API key")
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), key=new.key)


def list_api_keys(session: Session, actor: Principal, organization_id: int) -> Sequence[ApiKey]:
    if not actor.can_manage(organization_id):
        raise Forbidden("only a platform admin or this organization's admin may list its API keys")
    return session.scalars(select(ApiKey).where(ApiKey.organization_id == organization_id).order_by(ApiKey.id)).all()


def revoke_api_key(session: Session, actor: Principal, organization_id: int, key_id: int) -> None:
    """Revoke a key (idempotent); it is refused from the next request on."""
    if not actor.can_manage(organization_id):
        raise Forbidden("only a platform admin or this organization's admin may manage its API keys")
    key = session.get(ApiKey, key_id)
    if key is None or key.organization_id != organization_id:
        raise NotFound(f"API key {key_id} does not exist in organization {organization_id}")
    if key.revoked_at is None:
        key.revoked_at = _now()
        record_audit(session, actor, "api_key.revoke", "api_key", key.id, {"name": key.name, "prefix": key.prefix},
                     organization_id=organization_id)
        commit(session, "this API key")
    security.verified_keys.forget(key.id)


def authenticate_api_key(session: Session, presented: str) -> Principal:
    """A principal for a presented key, or 401 (unknown, malformed, revoked or expired)."""
    prefix = security.api_key_prefix(presented)
    key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first() if prefix else None
    if key is None:
        security.verify_secret(None, presented)  # same cost as a real check
        raise Unauthorized("invalid API key")
    now = _now()
    if key.revoked_at is not None:
        raise Unauthorized("this API key has been revoked")
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthorized("this API key has expired")
    ttl = get_settings().api_key_verify_cache_seconds
    if not security.verified_keys.hit(key.id, presented, ttl):
        if not security.verify_secret(key.key_hash, presented):
            raise Unauthorized("invalid API key")
        security.verified_keys.store(key.id, presented, ttl)
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        key.last_used_at = now
        session.commit()
    return Principal(kind="api_key", id=key.id, organization_id=key.organization_id, role=key.role,
                     name=f"api-key:{key.name}")
