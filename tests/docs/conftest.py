from __future__ import annotations

import time
from typing import Any

import pytest


def wait_until_ready(client: Any, timeout: float = 30.0) -> None:
    index = client.app.state.match_index
    deadline = time.monotonic() + timeout
    while not index.ready:
        assert index.error is None, index.error
        assert time.monotonic() < deadline, "match index was not built in time"
        time.sleep(0.02)


@pytest.fixture
def mclient(client: Any) -> Any:
    """The admin client, once the match index of its app has been built."""
    wait_until_ready(client)
    return client
