"""Prometheus metrics.

Counters and histograms are module-level (one set per process). With
``PROMETHEUS_MULTIPROC_DIR`` set before start-up (see docs/OPERATIONS.md), prometheus-client
keeps them in files shared by every uvicorn worker and ``/metrics`` sums them; the match-index
gauges are computed at scrape time from the process that answers, labelled with its ``pid``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.observability.hooks import webhook_status

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "talentmatch_http_requests_total", "HTTP requests by route template, method and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "talentmatch_http_request_duration_seconds", "HTTP request latency by route template",
    ["method", "route"], buckets=LATENCY_BUCKETS,
)
MATCH_LATENCY = Histogram(
    "talentmatch_match_duration_seconds", "Time to rank one match or search request (service call)",
    ["kind"], buckets=LATENCY_BUCKETS,
)


def multiprocess_dir() -> str | None:
    # prometheus_client reads either spelling; the lower-case one is its legacy name
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")  # noqa: SIM112


@contextmanager
def time_match(kind: str) -> Iterator[None]:
    """Observe the duration of the enclosed ranking call in ``talentmatch_match_duration_seconds``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        MATCH_LATENCY.labels(kind=kind).observe(time.perf_counter() - started)


class ProcessStateCollector(Collector):
    """Gauges read at scrape time: this process's match index and the webhook backlog."""

    def __init__(self, index: Any, session_factory: Any | None, webhook_worker: Any = None) -> None:
        self.index = index
        self.session_factory = session_factory
        self.webhook_worker = webhook_worker

    def collect(self) -> Iterator[GaugeMetricFamily]:
        labels = ["pid"] if multiprocess_dir() else []
        values = [str(os.getpid())] if labels else []

        def gauge(name: str, doc: str, value: float, extra: dict[str, str] | None = None) -> GaugeMetricFamily:
            g = GaugeMetricFamily(name, doc, labels=labels + list(extra or {}))
            g.add_metric(values + list((extra or {}).values()), value)
            return g

        if self.index is not None:
            state = self.index.status()
            yield gauge("talentmatch_match_index_ready", "1 when this process's match index is built", float(state["ready"]))
            docs = GaugeMetricFamily(
                "talentmatch_match_index_documents", "Documents in the match index by kind", labels=[*labels, "kind"]
            )
            for kind, count in sorted(state["documents"].items()):
                docs.add_metric([*values, kind], float(count))
            yield docs
            now = datetime.now(UTC)
            if state["built_at"]:
                age = (now - datetime.fromisoformat(state["built_at"])).total_seconds()
                yield gauge("talentmatch_match_index_age_seconds", "Seconds since the last full index build", age)
            if state["build_seconds"] is not None:
                yield gauge("talentmatch_match_index_build_seconds", "Duration of the last full index build",
                            float(state["build_seconds"]))
            if state["synced_at"]:
                lag = (now - datetime.fromisoformat(state["synced_at"])).total_seconds()
                yield gauge("talentmatch_match_index_sync_age_seconds",
                            "Seconds since the index last read the change log", lag)
            yield gauge("talentmatch_match_index_last_change_id", "Last change-log id applied to the index",
                        float(state["last_change_id"]))
            yield gauge("talentmatch_match_semantic_embedded", "Records embedded for the semantic factor",
                        float(state["semantic"]["embedded"]))
        hook = webhook_status(self.session_factory, self.webhook_worker) if self.session_factory else None
        if hook is not None:
            if "error" not in hook:
                yield GaugeMetricFamily("talentmatch_webhook_backlog", "Webhook deliveries pending or in flight",
                                        value=float(hook["backlog"]))
            if self.webhook_worker is not None:
                yield gauge("talentmatch_webhook_worker_alive", "1 when this process's webhook worker runs",
                            float(hook["worker_state"] == "ok"))
            fields = GaugeMetricFamily("talentmatch_webhook_status", "Webhook outbox figures", labels=["field"])
            for key, value in sorted(hook.items()):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    fields.add_metric([key], float(value))
            yield fields


def render(index: Any, session_factory: Any | None, webhook_worker: Any = None) -> tuple[bytes, str]:
    """The exposition text: process-wide (or all workers') counters plus this process's gauges."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        shared = CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
        body = generate_latest(shared)
    else:
        body = generate_latest(REGISTRY)
    local = CollectorRegistry(auto_describe=False)
    local.register(ProcessStateCollector(index, session_factory, webhook_worker))
    return body + generate_latest(local), CONTENT_TYPE_LATEST
