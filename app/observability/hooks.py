"""Hook to the webhook outbox (``app/webhooks``), used by ``/metrics`` and ``/readyz``.

``app.webhooks.service.webhook_status(session, worker)`` reports the outbox counts
(``pending``, ``delivering``, ``delivered``, ``failed``, ``oldest_pending_age_seconds``, ...) and
the worker's liveness; the app keeps its worker on ``app.state.webhook_worker`` (``None`` where
delivery is switched off). While the package is absent both endpoints leave webhooks out.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


def _find() -> Callable[..., Any] | None:
    for name in ("app.webhooks.service", "app.webhooks"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        fn = getattr(module, "webhook_status", None)
        if callable(fn):
            return fn
    return None


def webhook_status(session_factory: Callable[[], Any], worker: Any = None) -> dict[str, Any] | None:
    """The outbox's status plus ``backlog`` and ``worker_state``; ``None`` when webhooks are not installed.

    ``worker_state`` is ``ok`` (threads alive), ``stopped`` (a worker whose threads died),
    ``disabled`` (no worker in this process) or ``error`` (the status query failed).
    """
    fn = _find()
    if fn is None:
        return None
    try:
        with session_factory() as session:
            result = dict(fn(session, worker) or {})
    except Exception as exc:  # noqa: BLE001 - reported, never raised from a probe
        logger.warning("webhook status failed: %s", type(exc).__name__)
        return {"error": type(exc).__name__, "worker_state": "error"}
    result["backlog"] = int(result.get("pending", 0)) + int(result.get("delivering", 0))
    if worker is None:
        result["worker_state"] = "disabled"
    else:
        result["worker_state"] = "ok" if getattr(worker, "alive", False) else "stopped"
    return result
