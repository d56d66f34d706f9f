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

from app.changes.service import record_change
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


def get_record(session: Session, spec: RecordSpec, record_id: int) -> Any:
    """The record, or :class:`NotFound`."""
    obj = session.get(spec.model, record_id)
    if obj is None:
        raise NotFound(f"{spec.entity} {record_id} does not exist")
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


def create_record(session: Session, spec: RecordSpec, values: dict[str, Any]) -> Any:
    """Insert a new record owned by ``values['organization_id']`` (already validated)."""
    check_owner(session, spec, values["organization_id"])
    obj = spec.model()
    assign(obj, spec.normalise(values))
    session.add(obj)
    flush(session, f"this {spec.entity}")
    record_change(session, spec.entity, obj.id, "upsert")
    commit(session, f"this {spec.entity}")
    return obj


def update_record(session: Session, spec: RecordSpec, record_id: int, patch: dict[str, Any]) -> Any:
    """Apply a partial update; the merged record is validated as a whole."""
    obj = get_record(session, spec, record_id)
    extra = {k: v for k, v in patch.items() if k not in spec.body_schema.model_fields}
    merged = body_values(spec, obj) | {k: v for k, v in patch.items() if k in spec.body_schema.model_fields}
    values = validate_body(spec, merged) | extra
    if assign(obj, values):
        obj.updated_at = utcnow()
        flush(session, f"this {spec.entity}")
        record_change(session, spec.entity, obj.id, "upsert")
        commit(session, f"this {spec.entity}")
    return obj


def delete_record(session: Session, spec: RecordSpec, record_id: int) -> None:
    obj = get_record(session, spec, record_id)
    session.delete(obj)
    session.flush()
    record_change(session, spec.entity, record_id, "delete")
    commit(session, f"deleting {spec.entity} {record_id}")


def find_by_external_id(session: Session, spec: RecordSpec, organization_id: int, external_id: str) -> Any:
    stmt = select(spec.model).where(
        spec.model.organization_id == organization_id, spec.model.external_id == external_id
    )
    return session.scalars(stmt).first()


def split_upsert_body(body: BaseModel, external_id: str) -> tuple[int, dict[str, Any]]:
    """Separate the owner from the record fields of an upsert body; the path's external id wins."""
    data = body.model_dump()
    if data.pop("external_id", None) not in (None, external_id):
        raise InvalidInput.field("external_id", "external_id in the body differs from the one in the path")
    return data.pop("organization_id"), data


def upsert_external(
    session: Session, spec: RecordSpec, organization_id: int, external_id: str, body: dict[str, Any]
) -> tuple[Any, Outcome]:
    """Create or replace the record ``(organization_id, external_id)``; idempotent.

    A replay of the same content changes nothing (not even ``updated_at``). A concurrent
    insert of the same key is caught by the unique constraint and retried as an update.
    """
    check_owner(session, spec, organization_id)
    values = spec.normalise(dict(body))
    for attempt in range(3):
        existing = find_by_external_id(session, spec, organization_id, external_id)
        if existing is not None:
            if not assign(existing, values):
                session.rollback()
                return existing, "unchanged"
            existing.updated_at = utcnow()
            session.flush()
            record_change(session, spec.entity, existing.id, "upsert")
            commit(session, f"this {spec.entity}")
            return existing, "updated"
        obj = spec.model(organization_id=organization_id, external_id=external_id)
        assign(obj, values)
        session.add(obj)
        try:
            session.flush()
            record_change(session, spec.entity, obj.id, "upsert")
            session.commit()
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise Conflict(f"{spec.entity} {external_id!r} is being written concurrently; retry") from None
            continue
        return obj, "created"
    raise AssertionError("unreachable")
