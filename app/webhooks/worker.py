"""The webhook background workers of one process: a match evaluator and a deliverer thread.

Started and stopped by the app lifespan (like the match index poller). Any number of
processes may run them at once: evaluation and delivery claims are made in the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.matches.index import MatchIndex
from app.webhooks.delivery import DeliveryConfig, deliver_round
from app.webhooks.evaluator import evaluate_round, prune_claims

logger = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 600.0


def delivery_config(settings: Settings) -> DeliveryConfig:
    return DeliveryConfig(
        timeout_seconds=settings.webhook_timeout_seconds,
        max_attempts=settings.webhook_max_attempts,
        backoff_base_seconds=settings.webhook_backoff_base_seconds,
        backoff_max_seconds=settings.webhook_backoff_max_seconds,
        lease_seconds=settings.webhook_lease_seconds,
        allow_private=settings.webhook_private_targets_allowed,
    )


class WebhookWorker:
    """Owns the two threads; ``status()`` reports their liveness for /readyz and /metrics."""

    def __init__(self, session_factory: Callable[[], Session], index: MatchIndex, settings: Settings) -> None:
        self._session_factory = session_factory
        self._index = index
        self.poll_seconds = settings.webhook_poll_seconds
        self.batch_size = settings.webhook_batch_size
        self.depth = settings.webhook_match_depth
        self.config = delivery_config(settings)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.heartbeats: dict[str, datetime] = {}
        self.errors: dict[str, str | None] = {"evaluator": None, "deliverer": None}
        self._pruned_at = 0.0
        self._client: httpx.Client | None = None

    def start(self) -> None:
        for name, step in (("evaluator", self._evaluate), ("deliverer", self._deliver)):
            thread = threading.Thread(target=self._loop, args=(name, step), name=f"webhook-{name}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        if self._client is not None and not any(t.is_alive() for t in self._threads):
            self._client.close()

    def _loop(self, name: str, step: Callable[[], int]) -> None:
        while not self._stop.is_set():
            try:
                busy = step()
                self.errors[name] = None
            except Exception as exc:  # noqa: BLE001 - keep the worker alive; reported in status()
                busy = 0
                self.errors[name] = f"{type(exc).__name__}: {exc}"[:300]
                logger.exception("webhook %s round failed", name)
            self.heartbeats[name] = datetime.now(UTC)
            if not busy:
                self._stop.wait(self.poll_seconds)

    def _evaluate(self) -> int:
        now = time.monotonic()
        if now - self._pruned_at > PRUNE_EVERY_SECONDS:
            self._pruned_at = now
            prune_claims(self._session_factory)
        return evaluate_round(self._session_factory, self._index, batch_size=self.batch_size, depth=self.depth)

    def _deliver(self) -> int:
        if self._client is None:
            self._client = httpx.Client(follow_redirects=False)
        return deliver_round(self._session_factory, self._client, self.config)

    def status(self) -> dict[str, Any]:
        alive = {t.name.removeprefix("webhook-"): t.is_alive() for t in self._threads}
        return {
            "threads_alive": alive,
            "heartbeats": {k: v.isoformat() for k, v in self.heartbeats.items()},
            "errors": dict(self.errors),
        }

    @property
    def alive(self) -> bool:
        return bool(self._threads) and all(t.is_alive() for t in self._threads)
