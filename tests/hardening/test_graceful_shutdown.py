"""SIGTERM lets in-flight requests finish; the index threads stop; the process exits cleanly."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from app.db.session import get_sessionmaker
from app.programs.models import Program

ROWS = 4000


def test_sigterm_during_a_bulk_import_lets_it_finish(live_server: Any, admin_token_for: Any) -> None:
    server = live_server()
    token = admin_token_for(server.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    school = httpx.post(f"{server.base_url}/api/v1/organizations", headers=headers, timeout=30,
                        json={"kind": "school", "name": "Shutdown school"}).json()
    rows = [{"external_id": f"GS-{i}", "name": f"专业{i}", "description": "数控 编程 " * 20} for i in range(ROWS)]
    result: dict[str, Any] = {}
    client = httpx.Client(base_url=server.base_url, headers=headers, timeout=120)
    client.get("/healthz")  # connected before the clock starts

    body = json.dumps(rows).encode()

    def slow_body() -> Iterator[bytes]:
        """Upload the batch over ~2 s, so the request is surely in flight on the server at SIGTERM."""
        step = len(body) // 10 + 1
        for start in range(0, len(body), step):
            yield body[start : start + step]
            time.sleep(0.2)

    def import_all() -> None:
        started = time.monotonic()
        try:
            result["response"] = client.post("/api/v1/programs/bulk", params={"organization_id": school["id"]},
                                             content=slow_body(), headers={"Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            result["error"] = exc
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=import_all)
    thread.start()
    time.sleep(0.5)  # the request is in flight (its body is still being sent)
    assert thread.is_alive(), "the import finished before SIGTERM; make it bigger"
    code = server.stop(timeout=60)
    thread.join(120)
    client.close()
    assert "error" not in result, f"in-flight request was cut: {result.get('error')!r}; {server.log_tail()}"
    response = result["response"]
    assert response.status_code == 200, response.text[:500]
    assert response.json()["created"] == ROWS
    # uvicorn re-raises the SIGTERM it handled once shutdown is complete, hence -15 rather than 0.
    assert code in (0, -signal.SIGTERM), server.log_tail()
    with get_sessionmaker()() as session:
        assert session.query(Program).filter(Program.organization_id == school["id"]).count() == ROWS
    log = server.log_tail(20000)
    assert "Waiting for connections to close" in log  # the import was in flight at SIGTERM
    assert "Application shutdown complete" in log  # the lifespan ran: index threads were told to stop
