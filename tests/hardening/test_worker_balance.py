"""Several workers share the connections of a burst of keep-alive clients (``app.server``)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections import Counter
from typing import Any

import httpx
import pytest

from app.server import bind_reuse_port, reuse_port_available

pytestmark = pytest.mark.skipif(not reuse_port_available(), reason="SO_REUSEPORT balancing is Linux-only")

CONNECTIONS = 16


def _worker_of_new_connection(base_url: str) -> str:
    """The worker a new connection lands on, told apart by when that worker's match index was built."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        return str(client.get("/readyz").json()["match_index"]["built_at"])


async def _pool_rounds(base_url: str, connections: int, rounds: int) -> list[Counter[str]]:
    """``rounds`` of ``connections`` concurrent requests through one keep-alive pool (as the load
    test's clients and an HR system's sync job send them); which worker answered, per round."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:

        async def one() -> str:
            return str((await client.get("/readyz")).json()["match_index"]["built_at"])

        return [Counter(await asyncio.gather(*(one() for _ in range(connections)))) for _ in range(rounds)]


def test_keep_alive_connections_are_spread_over_the_workers(live_server: Any) -> None:
    server = live_server(workers=2)
    seen: set[str] = set()
    for _ in range(100):  # until both workers have built their index and answer
        seen.add(_worker_of_new_connection(server.base_url))
        if len(seen) == 2:
            break
    assert len(seen) == 2, "the second worker never answered"
    # With one shared socket (plain ``uvicorn --workers 2``) the pool's connections all ended up on
    # one worker by the second round (measured: 16 of 16, every time). With a socket per worker
    # each connection lands on one by a hash of its addresses: all 16 on one, p = 2 / 2**16.
    rounds = asyncio.run(_pool_rounds(server.base_url, CONNECTIONS, 10))
    assert len(rounds[-1]) == 2, rounds  # (a worker's index rebuilt meanwhile would count as a third)
    assert sum(sum(r.values()) for r in rounds) == 10 * CONNECTIONS


def test_a_taken_port_fails_at_once_with_a_clear_message() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))  # a plain listener (not in a SO_REUSEPORT group) holds the port
    taken.listen()
    try:
        cmd = [sys.executable, "-m", "app.server", "--port", str(taken.getsockname()[1]), "--workers", "2"]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=dict(os.environ))
    finally:
        taken.close()
    assert result.returncode != 0
    assert "Address already in use" in result.stderr


def test_reuse_port_sockets_share_an_address() -> None:
    first = bind_reuse_port("127.0.0.1", 0)
    try:
        second = bind_reuse_port("127.0.0.1", first.getsockname()[1])
        assert second.getsockname() == first.getsockname()
        second.close()
    finally:
        first.close()
