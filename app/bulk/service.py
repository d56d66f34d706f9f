"""Bulk upsert by external id: all rows are validated first, then written in one transaction."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import record_audit
from app.auth.principal import Principal
from app.bulk.parsing import Row
from app.changes.service import record_changes
from app.core import records, tenancy
from app.core.errors import Conflict, Forbidden, InvalidInput, field_error, pydantic_errors
from app.db.base import utcnow
from app.matches.index import remember_tokens
from app.organizations.models import Organization

MAX_REPORTED_ERRORS = 1000
_WRITE_ATTEMPTS = 3
_CHUNK = 500


class BulkResult(BaseModel):
    total: int
    created: int
    updated: int
    unchanged: int
    items: list[dict[str, Any]]


def bulk_upsert(
    session: Session,
    spec: records.RecordSpec,
    upsert_schema: type[BaseModel],
    rows: list[Row],
    *,
    default_organization_id: int | None = None,
    actor: Principal | None = None,
) -> BulkResult:
    """Validate every row, then create or update them all at once; any bad row writes nothing.

    For an organization's credentials every row belongs to that organization: a row naming
    another one rejects the batch with 403 (nothing is written).
    """
    if actor is not None and not actor.is_platform_admin:
        default_organization_id = tenancy.resolve_owner(actor, default_organization_id)
    valid, errors = _validate_rows(upsert_schema, rows, default_organization_id)
    _check_tenant(actor, valid)
    # Owner and duplicate-key checks run on the rows that passed validation, so the report
    # lists every bad row whatever is wrong with it.
    errors = sorted(errors + _check_keys_and_owners(session, spec, valid), key=lambda e: e["row"])
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        bad_rows = len({e["row"] for e in errors})
        raise InvalidInput(f"{bad_rows} of {len(rows)} record(s) are invalid; nothing was imported", errors=shown)

    # Another import or upsert may insert the same keys between our read and our flush; the
    # unique constraint catches it, and the batch is re-planned against the new state.
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            results, counts = _write(session, spec, valid, actor, len(rows))
            break
        except IntegrityError:
            session.rollback()
            if attempt == _WRITE_ATTEMPTS - 1:
                raise Conflict("this batch raced with other writes of the same records; retry it") from None
    items = [{"row": n, "external_id": e, "id": obj.id, "outcome": o} for n, e, obj, o in results]
    return BulkResult(total=len(rows), items=items, **counts)


def _write(
    session: Session,
    spec: records.RecordSpec,
    valid: list[tuple[int, int, str, dict[str, Any]]],
    actor: Principal | None,
    total: int,
) -> tuple[list[tuple[int, str, Any, str]], dict[str, int]]:
    """Plan and write the batch in the session's transaction, then commit once."""
    existing = _load_existing(session, spec, [(org, ext) for _, org, ext, _ in valid])
    _check_publishable(session, valid, existing)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    results: list[tuple[int, str, Any, str]] = []
    changed = []
    now = utcnow()
    for number, org_id, ext_id, raw in valid:
        values = spec.normalise(raw)
        obj = existing.get((org_id, ext_id))
        if obj is None:
            obj = spec.model(organization_id=org_id, external_id=ext_id)
            records.assign(obj, values)
            session.add(obj)
            outcome = "created"
        elif records.assign(obj, values):
            obj.updated_at = now
            outcome = "updated"
        else:
            outcome = "unchanged"
        counts[outcome] += 1
        results.append((number, ext_id, obj, outcome))
        if outcome != "unchanged":
            changed.append(obj)
    session.flush()
    changed_ids = [obj.id for obj in changed]
    record_changes(session, spec.entity, changed_ids, "upsert")
    owners = {org for _, org, _, _ in valid}
    record_audit(
        session, actor, "bulk_import", spec.entity, None,
        {"total": total, **counts,
         "created_ids": [obj.id for _, _, obj, o in results if o == "created"],
         "updated_ids": [obj.id for _, _, obj, o in results if o == "updated"],
         "organization_ids": sorted(owners)},
        organization_id=next(iter(owners)) if len(owners) == 1 else None,
    )
    session.commit()
    remember_tokens(session, spec.entity, changed_ids)
    return results, counts


def _check_tenant(actor: Principal | None, valid: list[tuple[int, int, str, dict[str, Any]]]) -> None:
    if actor is None or actor.is_platform_admin:
        return
    errors = [
        {"row": number, **field_error("organization_id", f"you may only import records of organization "
                                      f"{actor.organization_id}", code="forbidden")}
        for number, org_id, _, _ in valid if not actor.can_write_for(org_id)
    ]
    if errors:
        raise Forbidden(f"{len(errors)} record(s) name another organization; nothing was imported",
                        errors=errors[:MAX_REPORTED_ERRORS])


def _check_publishable(
    session: Session, valid: list[tuple[int, int, str, dict[str, Any]]], existing: dict[tuple[int, str], Any]
) -> None:
    """Unverified organizations may import drafts only (existing published records may be updated)."""
    org_ids = {org_id for _, org_id, _, _ in valid}
    unverified = set(session.scalars(
        select(Organization.id).where(Organization.id.in_(org_ids), Organization.verified.is_(False))
    ))
    errors = []
    for number, org_id, ext_id, values in valid:
        status = getattr(values.get("status"), "value", values.get("status"))
        if org_id not in unverified or status in (None, tenancy.DRAFT):
            continue
        old = existing.get((org_id, ext_id))
        if old is None or old.status == tenancy.DRAFT:
            errors.append({"row": number, **field_error(
                "status", f"organization {org_id} is not verified yet: import drafts only", code="not_verified")})
    if errors:
        raise Forbidden(f"{len(errors)} record(s) would be published by an unverified organization; "
                        "nothing was imported", errors=errors[:MAX_REPORTED_ERRORS])


def _validate_rows(
    schema: type[BaseModel], rows: list[Row], default_org: int | None
) -> tuple[list[tuple[int, int, str, dict[str, Any]]], list[dict[str, Any]]]:
    valid = []
    errors: list[dict[str, Any]] = []
    for row in rows:
        data = dict(row.data)
        if default_org is not None and data.get("organization_id") in (None, ""):
            data["organization_id"] = default_org
        try:
            model = schema.model_validate(data)
        except ValidationError as exc:
            errors.extend({"row": row.number, **e} for e in pydantic_errors(exc.errors()))
            continue
        values = model.model_dump()
        ext_id = values.pop("external_id", None)
        org_id = values.pop("organization_id")
        if not ext_id:
            errors.append({"row": row.number, **field_error("external_id", "external_id is required in a bulk import")})
            continue
        if org_id is None:
            errors.append({"row": row.number, **field_error(
                "organization_id", "name the owning organization (in the row or the organization_id parameter)",
                code="missing")})
            continue
        valid.append((row.number, org_id, ext_id, values))
    return valid, errors


def _check_keys_and_owners(
    session: Session, spec: records.RecordSpec, valid: list[tuple[int, int, str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    for number, org_id, ext_id, _ in valid:
        first = seen.setdefault((org_id, ext_id), number)
        if first != number:
            errors.append({"row": number, **field_error("external_id", f"duplicates row {first} in this batch")})
    org_ids = {org_id for _, org_id, _, _ in valid}
    kinds = dict(session.execute(select(Organization.id, Organization.kind).where(Organization.id.in_(org_ids))).all())
    for number, org_id, _, _ in valid:
        kind = kinds.get(org_id)
        if kind is None:
            errors.append({"row": number, **field_error("organization_id", f"organization {org_id} does not exist")})
        elif kind not in spec.owner_kinds:
            errors.append({"row": number, **field_error("organization_id", f"a {kind} cannot own a {spec.entity}")})
    return sorted(errors, key=lambda e: e["row"])


def _load_existing(session: Session, spec: records.RecordSpec, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Any]:
    model = spec.model
    found: dict[tuple[int, str], Any] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        stmt = select(model).where(tuple_(model.organization_id, model.external_id).in_(chunk))
        for obj in session.scalars(stmt):
            found[(obj.organization_id, obj.external_id)] = obj
    return found
