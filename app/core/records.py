"""Generic create / read / update / delete / upsert for owned records.

Domain services describe their resource with a :class:`RecordSpec` and call these
functions; each public function here is one use case and commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import record_audit
from app.auth.principal import Principal
from app.changes.service import record_change
from app.core import tenancy
from app.core.enums import OrganizationKind
from app.core.errors import Conflict, InvalidInput, NotFound, pydantic_errors
from app.db.base import utcnow
from app.organizations.models import Organization

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class RecordSpec:
    """What the generic functions need to know about one resource."""

    entity: str
    model: type[Any]
    body_schema: type[BaseModel]
    owner_kinds: frozenset[OrganizationKind]
    sortable: tuple[str, ...]
    #: Normalises values before they are stored (e.g. industry names to catalog slugs).
    normalise: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda v: v)
    #: SQL condition "is a draft" when it is not simply ``model.status == 'draft'``.
    draft_clause: Callable[[], Any] | None = None


def get_record(session: Session, spec: RecordSpec, record_id: int, *, actor: Principal | None = None) -> Any:
    """The record, or :class:`NotFound` (also for another tenant's draft)."""
    stmt = tenancy.restrict_visible(select(spec.model).where(spec.model.id == record_id), spec, actor)
    obj = session.scalars(stmt).first()
    if obj is None:
        raise NotFound(f"{spec.entity} {record_id} does not exist")
    return obj


def get_writable_record(session: Session, spec: RecordSpec, record_id: int, *, actor: Principal | None) -> Any:
    """The record if ``actor`` may change it: 404 when invisible, 403 when another tenant's."""
    obj = get_record(session, spec, record_id, actor=actor)
    tenancy.check_can_write(actor, obj.organization_id)
    return obj


def check_owner(session: Session, spec: RecordSpec, organization_id: int, *, field: str = "organization_id") -> None:
    """The owner must exist and be of a kind that may own this resource."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise InvalidInput.field(field, f"organization {organization_id} does not exist")
    if org.kind not in spec.owner_kinds:
        kinds = ", ".join(sorted(spec.owner_kinds))
        raise InvalidInput.field(field, f"a {org.kind} cannot own a {spec.entity}; owner must be: {kinds}")


def validate_body(spec: RecordSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a full set of body fields (used after merging a partial update)."""
    try:
        model = spec.body_schema.model_validate(dict(values))
    except ValidationError as exc:
        errors = pydantic_errors(exc.errors())
        raise InvalidInput(errors[0]["message"] if errors else "invalid input", errors=errors) from None
    return spec.normalise(model.model_dump(mode="python"))


def body_values(spec: RecordSpec, obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in spec.body_schema.model_fields}


def _comparable(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def diff(obj: Any, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the values that would change ``obj`` (for the audit log)."""
    out = {}
    for name, value in values.items():
        value = _comparable(value)
        old = getattr(obj, name, None)
        if old != value:
            out[name] = [old, value]
    return out


def assign(obj: Any, values: Mapping[str, Any]) -> bool:
    """Set attributes; return whether anything changed."""
    changed = False
    for name, value in values.items():
        value = _comparable(value)
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def commit(session: Session, what: str) -> None:
    """Commit, turning a uniqueness violation into 409."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"{what} conflicts with an existing record ({_constraint(exc)})") from None


def flush(session: Session, what: str) -> None:
    """Flush, turning a uniqueness violation into 409 (as :func:`commit` does)."""
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"{what} conflicts with an existing record ({_constraint(exc)})") from None


def _constraint(exc: IntegrityError) -> str:
    text = str(exc.orig).splitlines()[0] if exc.orig else "integrity error"
    return text[:200]


def create_record(
    session: Session, spec: RecordSpec, values: dict[str, Any], *, actor: Principal | None = None
) -> Any:
    """Insert a new record; the owner comes from the credentials (``values['organization_id']`` may be None)."""
    values = dict(values)
    values["organization_id"] = tenancy.resolve_owner(actor, values.get("organization_id"))
    check_owner(session, spec, values["organization_id"])
    tenancy.check_publishable(session, values["organization_id"], values.get("status"))
    obj = spec.model()
    assign(obj, spec.normalise(values))
    session.add(obj)
    flush(session, f"this {spec.entity}")
    record_change(session, spec.entity, obj.id, "upsert")
    record_audit(session, actor, "create", spec.entity, obj.id, _snapshot(spec, obj),
                 organization_id=obj.organization_id)
    commit(session, f"this {spec.entity}")
    return obj


def _snapshot(spec: RecordSpec, obj: Any) -> dict[str, Any]:
    values = body_values(spec, obj)
    for name in ("organization_id", "external_id", "program_id"):
        if hasattr(obj, name):
            values[name] = getattr(obj, name)
    return values


def update_record(
    session: Session, spec: RecordSpec, record_id: int, patch: dict[str, Any], *, actor: Principal | None = None
) -> Any:
    """Apply a partial update; the merged record is validated as a whole."""
    obj = get_writable_record(session, spec, record_id, actor=actor)
    extra = {k: v for k, v in patch.items() if k not in spec.body_schema.model_fields}
    merged = body_values(spec, obj) | {k: v for k, v in patch.items() if k in spec.body_schema.model_fields}
    values = validate_body(spec, merged) | extra
    if "status" in values:
        tenancy.check_publishable(session, obj.organization_id, values["status"], obj.status)
    changes = diff(obj, values)
    if assign(obj, values):
        obj.updated_at = utcnow()
        flush(session, f"this {spec.entity}")
        record_change(session, spec.entity, obj.id, "upsert")
        record_audit(session, actor, "update", spec.entity, obj.id, changes, organization_id=obj.organization_id)
        commit(session, f"this {spec.entity}")
    return obj


def delete_record(
    session: Session,
    spec: RecordSpec,
    record_id: int,
    *,
    actor: Principal | None = None,
    extra_changes: dict[str, Any] | None = None,
) -> None:
    obj = get_writable_record(session, spec, record_id, actor=actor)
    snapshot = _snapshot(spec, obj) | (extra_changes or {})
    organization_id = obj.organization_id
    session.delete(obj)
    session.flush()
    record_change(session, spec.entity, record_id, "delete")
    record_audit(session, actor, "delete", spec.entity, record_id, snapshot, organization_id=organization_id)
    commit(session, f"deleting {spec.entity} {record_id}")


def find_by_external_id(session: Session, spec: RecordSpec, organization_id: int, external_id: str) -> Any:
    stmt = select(spec.model).where(
        spec.model.organization_id == organization_id, spec.model.external_id == external_id
    )
    return session.scalars(stmt).first()


def split_upsert_body(body: BaseModel, external_id: str) -> tuple[int | None, dict[str, Any]]:
    """Separate the owner from the record fields of an upsert body; the path's external id wins."""
    data = body.model_dump()
    if data.pop("external_id", None) not in (None, external_id):
        raise InvalidInput.field("external_id", "external_id in the body differs from the one in the path")
    return data.pop("organization_id", None), data


def upsert_external(
    session: Session,
    spec: RecordSpec,
    organization_id: int | None,
    external_id: str,
    body: dict[str, Any],
    *,
    actor: Principal | None = None,
) -> tuple[Any, Outcome]:
    """Create or replace the record ``(owner, external_id)``; idempotent. The owner comes from the credentials.

    A replay of the same content changes nothing (not even ``updated_at``). A concurrent
    insert of the same key is caught by the unique constraint and retried as an update.
    """
    organization_id = tenancy.resolve_owner(actor, organization_id)
    check_owner(session, spec, organization_id)
    values = spec.normalise(dict(body))
    for attempt in range(3):
        existing = find_by_external_id(session, spec, organization_id, external_id)
        if existing is not None:
            tenancy.check_publishable(session, organization_id, values.get("status"), existing.status)
            changes = diff(existing, values)
            if not assign(existing, values):
                session.rollback()
                return existing, "unchanged"
            existing.updated_at = utcnow()
            session.flush()
            record_change(session, spec.entity, existing.id, "upsert")
            record_audit(session, actor, "upsert", spec.entity, existing.id, changes, organization_id=organization_id)
            commit(session, f"this {spec.entity}")
            return existing, "updated"
        tenancy.check_publishable(session, organization_id, values.get("status"))
        obj = spec.model(organization_id=organization_id, external_id=external_id)
        assign(obj, values)
        session.add(obj)
        try:
            session.flush()
            record_change(session, spec.entity, obj.id, "upsert")
            record_audit(session, actor, "upsert", spec.entity, obj.id, _snapshot(spec, obj),
                         organization_id=organization_id)
            session.commit()
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise Conflict(f"{spec.entity} {external_id!r} is being written concurrently; retry") from None
            continue
        return obj, "created"
    raise AssertionError("unreachable")
