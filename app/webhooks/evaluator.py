"""Match evaluator: claim change-log entries exactly once and queue webhook events for them.

A round reads the active subscriptions and the change-log entries nobody has evaluated yet,
ranks the changed records with the live match index, then — in one transaction — claims each
entry (a row in ``match_evaluation``; a concurrent worker's claim conflicts on the primary key)
and inserts the outbox rows it decided. A crash before the commit loses nothing: the claims
roll back with the events and the entries are evaluated again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from app.changes.models import ChangeLogEntry
from app.db.base import utcnow
from app.matches import documents
from app.matches.index import MatchIndex
from app.webhooks.models import MatchEvaluation, WebhookSubscription
from app.webhooks.outbox import insert_ignoring_conflicts, queue_candidate
from app.webhooks.rules import Candidate, Ranker, candidate_events

logger = logging.getLogger(__name__)

CHANGE_KINDS = {"demand": "demand", "program": "program", "cohort": "cohort", "cooperation_offer": "offer"}
#: Claims older than this are pruned; the newest of them stays as the low-water mark. A write
#: whose transaction stays open longer than this after a later one committed is not evaluated.
RETENTION_SECONDS = 3600.0


def low_water_mark(session: Session) -> int:
    cutoff = utcnow() - timedelta(seconds=RETENTION_SECONDS)
    return session.scalar(select(func.max(MatchEvaluation.change_id)).where(MatchEvaluation.evaluated_at < cutoff)) or 0


def prune_claims(session_factory: Callable[[], Session]) -> int:
    """Delete old claims below the low-water mark (keeping the mark itself)."""
    with session_factory() as session:
        mark = low_water_mark(session)
        if not mark:
            return 0
        deleted = session.execute(delete(MatchEvaluation).where(MatchEvaluation.change_id < mark))
        session.commit()
        return deleted.rowcount or 0  # type: ignore[attr-defined]


def _changed_uids(session: Session, entity: str, entity_id: int) -> list[int]:
    kind = CHANGE_KINDS.get(entity)
    if kind is None:
        return []
    uids = [documents.make_uid(kind, entity_id)]
    if kind == "program":  # a cohort reads as its program
        uids += [documents.make_uid("cohort", i) for i in documents.cohort_ids_of_programs(session, [entity_id])]
    return uids


def evaluate_round(
    session_factory: Callable[[], Session], index: MatchIndex, *, batch_size: int, depth: int
) -> int:
    """Evaluate up to ``batch_size`` unclaimed changes; returns how many this worker claimed."""
    if not index.ready:
        return 0
    with session_factory() as session:
        subs = list(session.scalars(select(WebhookSubscription).where(WebhookSubscription.active.is_(True))))
        if not subs:
            return 0
        floor = max(min(s.since_change_id for s in subs), low_water_mark(session))
        claimed_already = exists().where(MatchEvaluation.change_id == ChangeLogEntry.id)
        rows = session.execute(
            select(ChangeLogEntry.id, ChangeLogEntry.entity, ChangeLogEntry.entity_id)
            .where(ChangeLogEntry.id > floor, ~claimed_already)
            .order_by(ChangeLogEntry.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return 0
        index.sync(session)
        engines = index.engines
        assert engines is not None
        ranker = Ranker(engines, depth=depth)
        decided: list[tuple[int, list[Candidate]]] = []
        for change_id, entity, entity_id in rows:
            relevant = [s for s in subs if s.since_change_id < change_id]
            found: list[Candidate] = []
            for uid in _changed_uids(session, entity, entity_id):
                doc = ranker.doc(uid)
                if doc is not None and relevant:
                    found += candidate_events(ranker, doc, relevant)
            decided.append((change_id, found))
        # Writes start here: keep the write transaction short (SQLite has one writer at a time).
        claimed = 0
        for change_id, found in decided:
            if not insert_ignoring_conflicts(
                session, MatchEvaluation, {"change_id": change_id, "evaluated_at": utcnow(), "events": 0},
                ["change_id"],
            ):
                continue  # another worker has it
            claimed += 1
            queued = sum(queue_candidate(session, ranker, cand) for cand in found)
            if queued:
                session.execute(
                    update(MatchEvaluation).where(MatchEvaluation.change_id == change_id).values(events=queued)
                )
        session.commit()
        return claimed
