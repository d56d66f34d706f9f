"""Webhook subscriptions, the delivery outbox and the match-evaluation claims."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, TimestampMixin, UTCDateTime, utcnow


class WebhookSubscription(TimestampMixin, Base):
    """An organization's wish to be told about new or better matches (精准推送).

    ``kind='matches'``: matches of the organization's demands (``scope='demands'``), its supply
    (``scope='supplies'``: programs, cohorts, cooperation offers) or of listed records
    (``scope='records'``, ``record_refs`` such as ``["demand:12"]``) scoring at least ``min_score``.
    ``kind='saved_search'``: records that a saved search (``query``) finds.
    """

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    target_url: Mapped[str] = mapped_column(String(2000))
    #: Signs every delivery (HMAC-SHA256); stored as is because signing needs it, shown once.
    secret: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str | None] = mapped_column(String(16))
    record_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    query: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    min_score: Mapped[float] = mapped_column(Float, default=0.5)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Only changes after this change-log id concern the subscription (no back-fill of history).
    since_change_id: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str | None] = mapped_column(String(200))

    @property
    def secret_hint(self) -> str:
        return "…" + self.secret[-4:]


class WebhookEvent(Base):
    """Outbox: one delivery to make, written in the same transaction that decided it.

    ``dedupe_key`` (unique per subscription) keeps two evaluations from queueing the same
    event twice; ``delivery_id`` is sent as ``X-Webhook-Id`` on every attempt.
    """

    __tablename__ = "webhook_event"
    __table_args__ = (
        UniqueConstraint("subscription_id", "dedupe_key"),
        Index("ix_webhook_event_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_event_subscription_id_pair_key", "subscription_id", "pair_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(32))
    #: ``"<record uid>:<matched uid>"`` (or ``"ping"``); with the score it forms the dedupe key.
    pair_key: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_token: Mapped[str | None] = mapped_column(String(36))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatchEvaluation(Base):
    """One row per change-log entry the evaluator has processed (its claim).

    Inserted in the transaction that queues the entry's events: a crash rolls both back, and
    a concurrent worker's claim of the same entry conflicts on the primary key, so every change
    is evaluated exactly once. Old rows are pruned down to the newest old one, which then acts
    as the low-water mark.
    """

    __tablename__ = "match_evaluation"

    change_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    events: Mapped[int] = mapped_column(Integer, default=0)
