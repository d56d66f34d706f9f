"""A real uvicorn server (subprocess, 127.0.0.1) on the test database, with a platform admin's token."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from _live_server import LiveServer, create_admin, login  # noqa: E402


@pytest.fixture
def live_server(database_url: str) -> Iterator[Any]:
    """``live_server(workers=1, **env)`` starts a server; all are stopped at the end of the test."""
    servers: list[LiveServer] = []

    def start(workers: int = 1, **env: str) -> LiveServer:
        server = LiveServer(database_url, workers=workers,
                            env={"ENVIRONMENT": "test", "WEBHOOK_WORKERS_ENABLED": "false", **env})
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.kill()


@pytest.fixture
def admin_token_for() -> Any:
    email, password = create_admin("hardening@localhost.localdomain", "Hardening-pass-123")
    return lambda base_url: login(base_url, email, password)
