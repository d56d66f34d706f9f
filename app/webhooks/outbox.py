"""Writing webhook events to the outbox (deduplicated) and describing records in their payloads."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.cohorts.models import Cohort
from app.db.base import utcnow
from app.demands.models import Demand
from app.matches import documents
from app.programs.models import Program
from app.webhooks.models import WebhookEvent, WebhookSubscription
from app.webhooks.rules import Candidate, Ranker

_LINKS = {"demand": "demands", "program": "programs", "cohort": "cohorts", "offer": "cooperation-offers"}


def insert_ignoring_conflicts(session: Session, model: Any, values: dict[str, Any], keys: list[str]) -> int:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING``; returns 1 if the row was inserted."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    stmt = dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    # RETURNING says reliably whether the row went in (rowcount is not dependable for DO NOTHING).
    return 0 if session.execute(stmt.returning(table.c[keys[0]])).first() is None else 1


def _external_id(session: Session, uid: int) -> str | None:
    kind, row_id = documents.split_uid(uid)
    if kind == "demand":
        return session.scalar(select(Demand.external_id).where(Demand.id == row_id))
    if kind == "program":
        return session.scalar(select(Program.external_id).where(Program.id == row_id))
    if kind == "cohort":
        stmt = select(Program.external_id).join(Cohort, Cohort.program_id == Program.id).where(Cohort.id == row_id)
        return session.scalar(stmt)
    return None


def describe(session: Session, ranker: Ranker, uid: int, *, viewer_org: int) -> dict[str, Any]:
    """A record as a payload shows it; other tenants' external ids are blanked (as in the API)."""
    kind, row_id = documents.split_uid(uid)
    doc = ranker.doc(uid)
    org = doc.organization_id if doc else None
    return {
        "kind": kind,
        "id": row_id,
        "title": doc.title if doc else None,
        "organization_id": org,
        "external_id": _external_id(session, uid) if org == viewer_org else None,
        "url": f"/api/v1/{_LINKS[kind]}/{row_id}",
    }


def queue_candidate(session: Session, ranker: Ranker, cand: Candidate) -> int:
    """Queue one event unless this pair was already announced at an equal or higher score."""
    sub = cand.subscription
    pair_key = f"search:{cand.record_uid}" if cand.matched_uid is None else f"{cand.record_uid}:{cand.matched_uid}"
    best = session.scalar(
        select(func.max(WebhookEvent.score)).where(
            WebhookEvent.subscription_id == sub.id, WebhookEvent.pair_key == pair_key
        )
    )
    if best is not None and best >= cand.score:
        return 0
    event_type = f"{cand.event_type}.{'new' if best is None else 'improved'}"
    delivery_id = str(uuid.uuid4())
    payload: dict[str, Any] = {
        "id": delivery_id,
        "type": event_type,
        "created_at": utcnow().isoformat(),
        "subscription": {"id": sub.id, "name": sub.name},
        "record": describe(session, ranker, cand.record_uid, viewer_org=sub.organization_id),
        "score": cand.score,
        "min_score": sub.min_score,
    }
    if cand.matched_uid is not None:
        payload["match"] = describe(session, ranker, cand.matched_uid, viewer_org=sub.organization_id)
        payload["match"]["score"] = cand.score
        kind, row_id = documents.split_uid(cand.record_uid)
        payload["matches_url"] = f"/api/v1/{_LINKS[kind]}/{row_id}/matches"
    else:
        payload["search"] = sub.query
    return add_event(session, sub, event_type, pair_key, cand.score, payload, delivery_id=delivery_id)


def add_event(
    session: Session,
    sub: WebhookSubscription,
    event_type: str,
    pair_key: str,
    score: float | None,
    payload: dict[str, Any],
    *,
    delivery_id: str,
) -> int:
    """Insert one pending outbox row (flushes; the caller commits)."""
    score_part = "-" if score is None else str(round(score * 10000))
    values = {
        "subscription_id": sub.id,
        "delivery_id": delivery_id,
        "event_type": event_type,
        "pair_key": pair_key,
        "dedupe_key": f"{pair_key}:{score_part}"[:100],
        "score": score,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": utcnow(),
        "created_at": utcnow(),
    }
    return insert_ignoring_conflicts(session, WebhookEvent, values, ["subscription_id", "dedupe_key"])
