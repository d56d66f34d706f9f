"""Worker internals: each change is evaluated exactly once, however many workers race for it."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from factories import make_demand, make_org, make_program, make_school
from sqlalchemy import func, select

from app.db.session import get_sessionmaker
from app.webhooks.delivery import DeliveryConfig, backoff_seconds
from app.webhooks.evaluator import evaluate_round
from app.webhooks.models import MatchEvaluation, WebhookEvent


@pytest.fixture
def idle_client(no_workers: None, wclient: Any) -> Any:
    """The admin client of an app without webhook workers (the test drives them)."""
    assert wclient.app.state.webhook_worker is None
    return wclient


def test_racing_evaluators_claim_each_change_once(idle_client: Any, client_as: Any, db_session: Any) -> None:
    ent, school = make_org(idle_client), make_school(idle_client)
    make_demand(idle_client, ent["id"])
    sub = client_as("org_admin", ent["id"]).post("/api/v1/webhooks/subscriptions", json={
        "name": "s", "target_url": "http://127.0.0.1:9/x", "scope": "demands", "min_score": 0.3}).json()
    for _ in range(3):
        make_program(idle_client, school["id"], name="电气自动化技术", annual_enrollment=100 + _)
    index = idle_client.app.state.match_index  # the newest app start's index (client_as started one)
    while not index.ready:
        time.sleep(0.02)
    claimed: list[int] = []

    def work() -> None:
        while n := evaluate_round(get_sessionmaker(), index, batch_size=2, depth=50):
            claimed.append(n)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    changes = db_session.scalar(select(func.count()).select_from(MatchEvaluation))
    assert sum(claimed) == changes == 3
    events = db_session.scalars(select(WebhookEvent).where(WebhookEvent.subscription_id == sub["id"])).all()
    pairs = [e.pair_key for e in events]
    assert len(pairs) == len(set(pairs)) == 3  # three programs, one event each
    assert evaluate_round(get_sessionmaker(), index, batch_size=10, depth=50) == 0


def test_worker_status_reports_live_threads(wclient: Any, db_session: Any) -> None:
    from app.webhooks.service import webhook_status

    worker = wclient.app.state.webhook_worker
    status = webhook_status(db_session, worker)
    assert status["worker"]["alive"] is True
    assert status["worker"]["threads_alive"] == {"evaluator": True, "deliverer": True}
    assert status["pending"] == 0 and status["oldest_pending_age_seconds"] == 0.0


@pytest.mark.parametrize(("attempt", "low", "high"), [(1, 7.5, 12.5), (2, 15, 25), (3, 30, 50), (20, 75, 125)])
def test_backoff_doubles_with_jitter_and_a_cap(attempt: int, low: float, high: float) -> None:
    cfg = DeliveryConfig(backoff_base_seconds=10, backoff_max_seconds=100)
    for r in (0.0, 0.5, 0.999):
        assert low <= backoff_seconds(attempt, cfg, rng=lambda r=r: r) <= high


def test_old_claims_are_pruned_down_to_the_low_water_mark(db_session: Any) -> None:
    from datetime import timedelta

    from app.db.base import utcnow
    from app.webhooks.evaluator import RETENTION_SECONDS, low_water_mark, prune_claims

    old = utcnow() - timedelta(seconds=RETENTION_SECONDS + 60)
    for change_id, at in ((1, old), (2, old), (5, old), (7, utcnow())):
        db_session.add(MatchEvaluation(change_id=change_id, evaluated_at=at, events=0))
    db_session.commit()
    assert low_water_mark(db_session) == 5
    assert prune_claims(get_sessionmaker()) == 2
    db_session.expire_all()
    assert sorted(db_session.scalars(select(MatchEvaluation.change_id))) == [5, 7]
    assert low_water_mark(db_session) == 5  # the mark survives the pruning
