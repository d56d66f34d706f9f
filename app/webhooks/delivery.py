"""Deliverer: claim due outbox rows with a lease, POST them signed, record the outcome.

Claiming is a conditional ``UPDATE`` (``status='pending' AND next_attempt_at <= now``, or a
``delivering`` row whose lease ran out) that only one worker can win; PostgreSQL additionally
skips rows other workers have locked (``FOR UPDATE SKIP LOCKED``). A process that dies
mid-delivery leaves its rows ``delivering``; once their lease expires any worker retries them
with the same delivery id: at-least-once, and receivers deduplicate on ``X-Webhook-Id``.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.webhooks import signing
from app.webhooks.models import WebhookEvent, WebhookSubscription

logger = logging.getLogger(__name__)
USER_AGENT = "TalentMatch-Webhooks/1.0"


@dataclass(frozen=True)
class DeliveryConfig:
    timeout_seconds: float = 10.0
    max_attempts: int = 8
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 6 * 3600.0
    lease_seconds: float = 120.0
    batch_size: int = 8
    allow_private: bool = False


@dataclass(frozen=True)
class Claimed:
    event_id: int
    lease_token: str
    delivery_id: str
    event_type: str
    attempt: int
    target_url: str
    secret: str
    body: bytes


def backoff_seconds(attempt: int, cfg: DeliveryConfig, *, rng: Callable[[], float] = random.random) -> float:
    """Delay after failed attempt ``attempt`` (1-based): base·2^(n-1), capped, with ±25 % jitter."""
    delay = min(cfg.backoff_max_seconds, cfg.backoff_base_seconds * 2 ** (attempt - 1))
    return float(delay * (0.75 + 0.5 * rng()))


def _due(now: Any) -> Any:
    return or_(
        and_(WebhookEvent.status == "pending", WebhookEvent.next_attempt_at <= now),
        and_(WebhookEvent.status == "delivering", WebhookEvent.locked_until < now),
    )


def claim_due(session: Session, cfg: DeliveryConfig) -> list[Claimed]:
    """Lease up to ``cfg.batch_size`` due deliveries of active subscriptions, and commit."""
    now = utcnow()
    candidates = session.scalars(
        select(WebhookEvent.id)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookEvent.subscription_id)
        .where(_due(now), WebhookSubscription.active.is_(True))
        .order_by(WebhookEvent.next_attempt_at, WebhookEvent.id)
        .limit(cfg.batch_size)
        .with_for_update(skip_locked=True, of=WebhookEvent)
    ).all()
    tokens: dict[int, str] = {}
    for event_id in candidates:
        token = str(uuid.uuid4())
        won = session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == event_id, _due(now))
            .values(
                status="delivering", lease_token=token, attempts=WebhookEvent.attempts + 1,
                locked_until=now + timedelta(seconds=cfg.lease_seconds), last_attempt_at=now,
            )
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            tokens[event_id] = token
    claimed = []
    if tokens:
        rows = session.execute(
            select(WebhookEvent, WebhookSubscription)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookEvent.subscription_id)
            .where(WebhookEvent.id.in_(list(tokens)))
            .order_by(WebhookEvent.id)
        ).all()
        for event, sub in rows:
            claimed.append(Claimed(
                event_id=event.id, lease_token=tokens[event.id], delivery_id=event.delivery_id,
                event_type=event.event_type, attempt=event.attempts, target_url=sub.target_url, secret=sub.secret,
                body=signing.body_bytes(event.payload),
            ))
    session.commit()
    return claimed


def post(client: httpx.Client, item: Claimed, cfg: DeliveryConfig) -> tuple[int | None, str | None]:
    """One attempt: ``(status code, error)``; error is ``None`` on a 2xx answer."""
    problem = signing.url_problem(item.target_url, allow_private=cfg.allow_private)
    if problem:
        return None, f"target refused: {problem}"
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.ID_HEADER: item.delivery_id,
        signing.TIMESTAMP_HEADER: str(int(time.time())),
        signing.SIGNATURE_HEADER: signing.sign(item.secret, item.body),
        signing.EVENT_HEADER: item.event_type,
        signing.ATTEMPT_HEADER: str(item.attempt),
    }
    try:
        response = client.post(item.target_url, content=item.body, headers=headers, timeout=cfg.timeout_seconds)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


def record_outcome(
    session: Session, item: Claimed, code: int | None, error: str | None, cfg: DeliveryConfig
) -> None:
    """Mark delivered, or schedule the retry (``failed`` after ``max_attempts``)."""
    now = utcnow()
    if error is None:
        session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == item.event_id, WebhookEvent.status == "delivering")
            .values(status="delivered", delivered_at=now, last_status_code=code, last_error=None,
                    locked_until=None, lease_token=None)
        )
    else:
        give_up = item.attempt >= cfg.max_attempts
        session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == item.event_id, WebhookEvent.status == "delivering",
                   WebhookEvent.lease_token == item.lease_token)
            .values(status="failed" if give_up else "pending", last_status_code=code, last_error=error,
                    locked_until=None, lease_token=None,
                    next_attempt_at=now + timedelta(seconds=0 if give_up else backoff_seconds(item.attempt, cfg)))
        )
    session.commit()


def deliver_round(session_factory: Callable[[], Session], client: httpx.Client, cfg: DeliveryConfig) -> int:
    """Claim a batch and deliver it; returns how many deliveries were attempted."""
    with session_factory() as session:
        claimed = claim_due(session, cfg)
    for item in claimed:
        code, error = post(client, item, cfg)
        if error:
            logger.info("webhook delivery %s attempt %d failed: %s", item.delivery_id, item.attempt, error)
        with session_factory() as session:
            record_outcome(session, item, code, error, cfg)
    return len(claimed)
