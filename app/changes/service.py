"""Record writes to matchable records in the change log (same transaction as the write)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.changes.models import ChangeLogEntry


def record_changes(session: Session, entity: str, ids: Iterable[int], op: str) -> None:
    """Append one change-log row per id (flushes; the caller commits)."""
    rows = [{"entity": entity, "entity_id": i, "op": op} for i in ids]
    if rows:
        session.execute(insert(ChangeLogEntry), rows)


def record_change(session: Session, entity: str, entity_id: int, op: str) -> None:
    record_changes(session, entity, [entity_id], op)
