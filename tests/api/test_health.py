"""Liveness and readiness probes."""

from __future__ import annotations

import time
from typing import Any

import pytest


@pytest.fixture
def ready_client(client: Any) -> Any:
    """The client once its app's background start-up work (the match index build) is done."""
    index = client.app.state.match_index
    deadline = time.monotonic() + 60
    while not index.ready and index.error is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return client


class TestHealthz:
    def test_ok(self, client) -> None:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


class TestReadyz:
    def test_ready_with_database_check(self, ready_client) -> None:
        response = ready_client.get("/readyz")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "ready"
        assert body["checks"]["database"] == "ok"

    def test_database_check_does_not_wait_for_other_checks(self, client) -> None:
        assert client.get("/readyz").json()["checks"]["database"] == "ok"
