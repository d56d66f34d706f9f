"""A real local HTTP receiver and an app whose webhook workers poll fast with short backoff."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

FAST = {
    "WEBHOOK_POLL_SECONDS": "0.05",
    "WEBHOOK_BACKOFF_BASE_SECONDS": "0.05",
    "WEBHOOK_BACKOFF_MAX_SECONDS": "0.2",
    "MATCH_INDEX_POLL_SECONDS": "0.2",
}


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every POST; answers with the queued status codes, then 200."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} webhook requests, got {len(self.requests)}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                state.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                code = state.statuses.pop(0) if state.statuses else 200
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def fast_webhooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Fast polling and backoff for the app started next; extra settings as keyword arguments."""
    from app.core.config import get_settings

    def apply(**extra: str) -> None:
        for key, value in {**FAST, **extra}.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()

    apply()
    yield apply
    get_settings.cache_clear()


@pytest.fixture
def wclient(fast_webhooks: Any, client: Any) -> Any:
    """The admin client of an app with fast webhook workers, once its match index is built."""
    index = client.app.state.match_index
    deadline = time.monotonic() + 30
    while not index.ready:
        assert index.error is None, index.error
        assert time.monotonic() < deadline, "match index was not built in time"
        time.sleep(0.02)
    return client


def _env_fixture(**env: str) -> Any:
    """A fixture that sets ``env`` before the app starts (request it before any client fixture)."""

    @pytest.fixture
    def fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        from app.core.config import get_settings

        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        yield
        get_settings.cache_clear()

    return fixture


two_attempts = _env_fixture(WEBHOOK_MAX_ATTEMPTS="2")
no_workers = _env_fixture(WEBHOOK_WORKERS_ENABLED="false")
no_private_targets = _env_fixture(WEBHOOK_ALLOW_PRIVATE_TARGETS="false")
