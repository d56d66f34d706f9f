"""Webhook subscription use cases (tenant-scoped), the delivery log and the ops status."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.audit.service import record_audit
from app.auth.principal import Principal
from app.changes.models import ChangeLogEntry
from app.cohorts.models import Cohort
from app.core import tenancy
from app.core.config import get_settings
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.core.pagination import PageParams, paginate
from app.db.base import utcnow
from app.demands.models import Demand
from app.offers.models import CooperationOffer
from app.organizations.models import Organization
from app.programs.models import Program
from app.webhooks import signing
from app.webhooks.models import MatchEvaluation, WebhookEvent, WebhookSubscription
from app.webhooks.outbox import add_event
from app.webhooks.schemas import DeliveryFilters, SubscriptionCreate, check_kind

_REF_MODELS: dict[str, Any] = {"demand": Demand, "program": Program, "cohort": Cohort, "offer": CooperationOffer}
_AUDIT_FIELDS = ("name", "target_url", "kind", "scope", "record_refs", "query", "min_score", "active")


def _check_url(url: str) -> None:
    problem = signing.url_problem(url, allow_private=get_settings().webhook_private_targets_allowed)
    if problem:
        raise InvalidInput.field("target_url", problem)


def _check_refs(session: Session, organization_id: int, refs: list[str]) -> None:
    """Listed records must exist and belong to the subscribing organization."""
    for ref in refs:
        kind, _, raw_id = ref.partition(":")
        row = session.get(_REF_MODELS[kind], int(raw_id))
        if row is None or row.organization_id != organization_id:
            raise InvalidInput.field("record_refs", f"{ref} is not a record of organization {organization_id}")


def _snapshot(sub: WebhookSubscription) -> dict[str, Any]:
    return {name: getattr(sub, name) for name in _AUDIT_FIELDS}


def create_subscription(
    session: Session, body: SubscriptionCreate, *, actor: Principal
) -> tuple[WebhookSubscription, str]:
    """Create a subscription; returns it with its signing secret (shown to the caller once)."""
    organization_id = tenancy.resolve_owner(actor, body.organization_id)
    if session.get(Organization, organization_id) is None:
        raise InvalidInput.field("organization_id", f"organization {organization_id} does not exist")
    _check_url(body.target_url)
    _check_refs(session, organization_id, body.record_refs)
    secret = signing.new_secret()
    sub = WebhookSubscription(
        organization_id=organization_id, name=body.name, target_url=body.target_url, secret=secret,
        kind=body.kind, scope=body.scope if body.kind == "matches" else None, record_refs=body.record_refs,
        query=body.query.model_dump(exclude_none=True) if body.query else {}, min_score=body.min_score,
        active=body.active, since_change_id=session.scalar(select(func.max(ChangeLogEntry.id))) or 0,
        created_by=str(actor.id) if actor.id is not None else None,
    )
    session.add(sub)
    session.flush()
    record_audit(session, actor, "create", "webhook_subscription", sub.id, _snapshot(sub),
                 organization_id=organization_id)
    session.commit()
    return sub, secret


def get_subscription(session: Session, subscription_id: int, *, actor: Principal) -> WebhookSubscription:
    """The subscription if the caller's organization owns it (404 otherwise, also for other tenants)."""
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None or not actor.can_see_drafts_of(sub.organization_id):
        raise NotFound(f"webhook subscription {subscription_id} does not exist")
    return sub


def _writable(session: Session, subscription_id: int, actor: Principal) -> WebhookSubscription:
    sub = get_subscription(session, subscription_id, actor=actor)
    if not actor.can_write_for(sub.organization_id):
        raise Forbidden("your role may not change webhook subscriptions")
    return sub


def list_subscriptions(
    session: Session, page: PageParams, *, actor: Principal, organization_id: int | None = None
) -> tuple[Sequence[WebhookSubscription], int]:
    stmt = select(WebhookSubscription).order_by(WebhookSubscription.id)
    if not actor.is_platform_admin:
        stmt = stmt.where(WebhookSubscription.organization_id == (actor.organization_id or -1))
    if organization_id is not None:
        stmt = stmt.where(WebhookSubscription.organization_id == organization_id)
    return paginate(session, stmt, page)


def update_subscription(
    session: Session, subscription_id: int, patch: dict[str, Any], *, actor: Principal
) -> WebhookSubscription:
    sub = _writable(session, subscription_id, actor)
    if "target_url" in patch:
        _check_url(patch["target_url"])
    if patch.get("record_refs") is not None:
        _check_refs(session, sub.organization_id, patch["record_refs"])
    if "query" in patch:
        patch["query"] = {k: v for k, v in (patch["query"] or {}).items() if v is not None}
    merged = _snapshot(sub) | {k: v for k, v in patch.items() if v is not None}
    try:
        check_kind(merged["kind"], merged["scope"], merged["record_refs"] or [], merged["query"] or None)
    except ValueError as exc:  # PydanticCustomError is a ValueError
        raise InvalidInput.field(getattr(exc, "context", {}).get("field", "body"), str(exc)) from None
    changes = {k: [getattr(sub, k), v] for k, v in merged.items() if getattr(sub, k) != v}
    if changes:
        for name, (_, value) in changes.items():
            setattr(sub, name, value)
        sub.updated_at = utcnow()
        record_audit(session, actor, "update", "webhook_subscription", sub.id, changes,
                     organization_id=sub.organization_id)
        session.commit()
    return sub


def delete_subscription(session: Session, subscription_id: int, *, actor: Principal) -> None:
    sub = _writable(session, subscription_id, actor)
    session.execute(delete(WebhookEvent).where(WebhookEvent.subscription_id == sub.id))
    record_audit(session, actor, "delete", "webhook_subscription", sub.id, _snapshot(sub),
                 organization_id=sub.organization_id)
    session.delete(sub)
    session.commit()


def rotate_secret(session: Session, subscription_id: int, *, actor: Principal) -> tuple[WebhookSubscription, str]:
    """Replace the signing secret; pending retries are signed with the new one."""
    sub = _writable(session, subscription_id, actor)
    sub.secret = signing.new_secret()
    sub.updated_at = utcnow()
    record_audit(session, actor, "rotate_secret", "webhook_subscription", sub.id, {},
                 organization_id=sub.organization_id)
    session.commit()
    return sub, sub.secret


def queue_ping(session: Session, subscription_id: int, *, actor: Principal) -> str:
    """Queue a ``ping`` delivery (through the outbox, like every event); returns its delivery id."""
    sub = _writable(session, subscription_id, actor)
    delivery_id = str(uuid.uuid4())
    payload = {"id": delivery_id, "type": "ping", "created_at": utcnow().isoformat(),
               "subscription": {"id": sub.id, "name": sub.name}}
    add_event(session, sub, "ping", f"ping:{delivery_id}", None, payload, delivery_id=delivery_id)
    session.commit()
    return delivery_id


def list_deliveries(
    session: Session, subscription_id: int, filters: DeliveryFilters, page: PageParams, *, actor: Principal
) -> tuple[Sequence[WebhookEvent], int]:
    """The delivery log of one subscription, newest first."""
    sub = get_subscription(session, subscription_id, actor=actor)
    stmt = select(WebhookEvent).where(WebhookEvent.subscription_id == sub.id)
    if filters.status:
        stmt = stmt.where(WebhookEvent.status == filters.status)
    if filters.event_type:
        stmt = stmt.where(WebhookEvent.event_type == filters.event_type)
    return paginate(session, stmt.order_by(WebhookEvent.id.desc()), page)


def webhook_status(session: Session, worker: Any = None) -> dict[str, Any]:
    """Outbox backlog and worker liveness, for /readyz and /metrics.

    ``{"pending", "delivering", "failed", "delivered", "oldest_pending_age_seconds",
    "evaluated_changes", "worker": {...} | None}``; pass the app's ``WebhookWorker`` for liveness.
    """
    counts = dict(session.execute(select(WebhookEvent.status, func.count()).group_by(WebhookEvent.status)).all())
    oldest: datetime | None = session.scalar(
        select(func.min(WebhookEvent.created_at)).where(WebhookEvent.status.in_(("pending", "delivering")))
    )
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return {
        "pending": int(counts.get("pending", 0)),
        "delivering": int(counts.get("delivering", 0)),
        "delivered": int(counts.get("delivered", 0)),
        "failed": int(counts.get("failed", 0)),
        "oldest_pending_age_seconds": round((utcnow() - oldest).total_seconds(), 3) if oldest else 0.0,
        "evaluated_changes": int(session.scalar(select(func.max(MatchEvaluation.change_id))) or 0),
        "worker": worker.status() | {"alive": worker.alive} if worker is not None else None,
    }
