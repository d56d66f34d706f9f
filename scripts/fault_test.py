#!/usr/bin/env python3
"""Fault injection: kill -9 the server in the middle of a bulk import, restart, check the damage.

1. Two servers on one database: the *victim* takes the import, the *observer* runs throughout
   (its match index follows the change log incrementally).
2. A bulk import of ``--rows`` programs is sent to the victim; once it is in flight the victim's
   process group gets SIGKILL.
3. The database must hold all or none of the batch (and the change log must agree with it).
4. The victim restarts (fresh index build), the import is retried and must complete; then the
   observer's incrementally maintained index, the restarted victim's index and an in-process
   fresh rebuild must agree: same document counts and the same top-10 for a few demands.

Webhooks (``run_webhook_fault``): a ping is queued to a local receiver (127.0.0.1) that holds
the first request open; the server is killed with SIGKILL while that delivery is in flight, then
restarted. The event must end ``delivered`` exactly once in the outbox, and every request the
receiver saw must carry the same ``X-Webhook-Id`` (retried, never duplicated under a new id).

Usage: python scripts/fault_test.py [--backend sqlite|postgresql] [--rows 8000]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _live_server import LiveServer, create_admin, login  # noqa: E402

DEMANDS = ["PLC电气调试工程师 西门子 自动化产线", "数控编程与加工 CNC 操作工", "会计 财务核算 出纳"]


def _fresh_rankings(demand_ids: list[int]) -> tuple[dict[str, int], dict[int, list[int]]]:
    """A brand-new index built in this process from the database, and its top-10 per demand."""
    from app.auth.principal import Principal
    from app.db.session import get_sessionmaker
    from app.matches import service
    from app.matches.index import MatchIndex
    from app.matches.schemas import DemandMatchFilters

    index = MatchIndex(get_sessionmaker())
    index.build()
    admin = Principal(kind="user", id=0, organization_id=None, role="platform_admin", name="fault-test")
    rankings = {}
    with get_sessionmaker()() as session:
        for demand_id in demand_ids:
            page = service.matches_for_demand(session, index, demand_id, DemandMatchFilters(limit=10), actor=admin)
            rankings[demand_id] = [item.id for item in page.items]
    return dict(index.status()["documents"]), rankings


def _server_rankings(client: Any, demand_ids: list[int]) -> tuple[dict[str, int], dict[int, list[int]]]:
    docs = client.get("/readyz").json()["match_index"]["documents"]
    rankings = {}
    for demand_id in demand_ids:
        page = client.get(f"/api/v1/demands/{demand_id}/matches", params={"limit": 10}).json()
        rankings[demand_id] = [item["id"] for item in page["items"]]
    return docs, rankings


def _wait_synced(client: Any, expected_programs: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get("/readyz").json()
        if body.get("match_index", {}).get("documents", {}).get("program") == expected_programs:
            return
        time.sleep(0.5)
    raise AssertionError(f"index did not reach {expected_programs} programs: {body.get('match_index')}")


def run_bulk_fault(database_url: str, *, rows: int = 8000, kill_after: float = 1.0) -> dict[str, Any]:
    """The whole scenario against ``database_url`` (migrated); returns the figures; raises on a failed check."""
    import httpx
    from sqlalchemy import func, select

    from app.changes.models import ChangeLogEntry
    from app.db.session import get_sessionmaker
    from app.programs.models import Program

    email, password = create_admin("faults@localhost.localdomain", "Faults-password-123")
    env = {"ENVIRONMENT": "test", "WEBHOOK_WORKERS_ENABLED": "false", "MATCH_INDEX_POLL_SECONDS": "0.5"}
    observer = LiveServer(database_url, env=env).start()
    victim = LiveServer(database_url, env=env).start()
    report: dict[str, Any] = {"rows": rows}
    try:
        token = login(victim.base_url, email, password)
        headers = {"Authorization": f"Bearer {token}"}
        obs = httpx.Client(base_url=observer.base_url, headers=headers, timeout=120)
        vic = httpx.Client(base_url=victim.base_url, headers=headers, timeout=120)
        school = vic.post("/api/v1/organizations", json={"kind": "school", "name": "Fault school"}).json()
        company = vic.post("/api/v1/organizations", json={"kind": "enterprise", "name": "Fault company"}).json()
        demand_ids = [vic.post("/api/v1/demands", json={"organization_id": company["id"], "title": t[:20],
                                                        "description": t}).json()["id"] for t in DEMANDS]
        words = ["PLC", "数控", "会计", "电气", "编程", "财务", "机器人", "焊接"]
        batch = [{"external_id": f"FAULT-{i}", "name": f"专业{i} {words[i % 8]}",
                  "description": f"{words[i % 8]} {words[(i * 3) % 8]} 课程 实训 " * 8} for i in range(rows)]
        outcome: dict[str, Any] = {}

        def send() -> None:
            try:
                outcome["response"] = vic.post("/api/v1/programs/bulk", params={"organization_id": school["id"]},
                                               json=batch)
            except httpx.HTTPError as exc:
                outcome["error"] = type(exc).__name__

        thread = threading.Thread(target=send)
        thread.start()
        time.sleep(kill_after)
        in_flight = thread.is_alive()
        victim.kill()  # kill -9, workers included
        thread.join(60)
        report["killed_in_flight"] = in_flight
        report["client_saw"] = outcome.get("error") or outcome["response"].status_code

        def counts() -> tuple[int, int]:
            with get_sessionmaker()() as session:
                stored = session.scalar(select(func.count()).select_from(Program)
                                        .where(Program.organization_id == school["id"])) or 0
                logged = session.scalar(select(func.count(func.distinct(ChangeLogEntry.entity_id)))
                                        .where(ChangeLogEntry.entity == "program")) or 0
            return stored, logged

        stored, logged = counts()
        report["stored_after_kill"] = stored
        assert stored in (0, rows), f"half-written batch: {stored} of {rows} rows"
        assert logged == stored, f"change log disagrees with the table: {logged} vs {stored}"

        victim.start()  # restart: a fresh index build from the database
        retry = vic.post("/api/v1/programs/bulk", params={"organization_id": school["id"]}, json=batch)
        assert retry.status_code == 200, retry.text[:300]
        body = retry.json()
        report["retry"] = {k: body[k] for k in ("created", "updated", "unchanged")}
        assert body["created"] + body["unchanged"] == rows
        assert counts() == (rows, rows)

        _wait_synced(obs, rows)
        _wait_synced(vic, rows)
        fresh_docs, fresh_rank = _fresh_rankings(demand_ids)
        for name, client in (("observer", obs), ("restarted", vic)):
            docs, rank = _server_rankings(client, demand_ids)
            assert docs == fresh_docs, f"{name} index documents {docs} != fresh rebuild {fresh_docs}"
            assert rank == fresh_rank, f"{name} rankings differ from a fresh rebuild"
        report["index_documents"] = fresh_docs
        report["rankings_compared"] = len(demand_ids)
        obs.close()
        vic.close()
        return report
    finally:
        victim.kill()
        observer.kill()


class _Receiver:
    """A loopback webhook receiver: the first request hangs (the delivery stays in flight)."""

    def __init__(self) -> None:
        import http.server

        self.requests: list[dict[str, str]] = []
        self.first_seen = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                receiver.requests.append({k: self.headers.get(k, "") for k in
                                          ("X-Webhook-Id", "X-Webhook-Attempt", "X-Webhook-Event")})
                if len(receiver.requests) == 1:
                    receiver.first_seen.set()
                    receiver.release.wait(60)  # the sender is killed meanwhile
                try:
                    self.send_response(200)
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


def run_webhook_fault(database_url: str) -> dict[str, Any]:
    """kill -9 during a webhook delivery, restart: delivered once (same delivery id), or retried."""
    import httpx

    email, password = create_admin("faults@localhost.localdomain", "Faults-password-123")
    env = {"ENVIRONMENT": "test", "WEBHOOK_WORKERS_ENABLED": "true", "WEBHOOK_POLL_SECONDS": "0.2",
           "WEBHOOK_LEASE_SECONDS": "3", "WEBHOOK_TIMEOUT_SECONDS": "2.5", "WEBHOOK_BACKOFF_BASE_SECONDS": "0.5",
           "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"}
    receiver = _Receiver()
    server = LiveServer(database_url, env=env).start()
    report: dict[str, Any] = {}
    try:
        headers = {"Authorization": f"Bearer {login(server.base_url, email, password)}"}
        c = httpx.Client(base_url=server.base_url, headers=headers, timeout=60)
        org = c.post("/api/v1/organizations", json={"kind": "enterprise", "name": "Hook Co"}).json()
        sub = c.post("/api/v1/webhooks/subscriptions", json={
            "organization_id": org["id"], "name": "fault", "target_url": receiver.url, "kind": "matches",
            "scope": "demands"})
        assert sub.status_code == 201, sub.text
        sub_id = sub.json()["id"]
        assert c.post(f"/api/v1/webhooks/subscriptions/{sub_id}/test").status_code == 202
        assert receiver.first_seen.wait(60), "the delivery never started"
        server.kill()  # kill -9 while the receiver holds the request
        report["killed_during_delivery"] = True
        receiver.release.set()
        server.start()
        deadline = time.monotonic() + 90
        log: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            log = c.get(f"/api/v1/webhooks/subscriptions/{sub_id}/deliveries").json()
            log = log.get("items", log) if isinstance(log, dict) else log
            if log and all(d["status"] == "delivered" for d in log):
                break
            time.sleep(0.5)
        ids = {r["X-Webhook-Id"] for r in receiver.requests}
        report.update(receiver_requests=len(receiver.requests), delivery_ids=len(ids),
                      attempts=[r["X-Webhook-Attempt"] for r in receiver.requests],
                      outbox=[{k: d.get(k) for k in ("status", "attempts")} for d in log])
        assert len(log) == 1 and log[0]["status"] == "delivered", f"outbox: {log}"
        assert len(ids) == 1, f"several delivery ids for one event: {ids}"
        assert len(receiver.requests) >= 2, "the interrupted delivery was not retried"
        c.close()
        return report
    finally:
        server.kill()
        receiver.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rows", type=int, default=8000)
    parser.add_argument("--kill-after", type=float, default=1.0, help="seconds after sending the import")
    parser.add_argument("--rounds", type=int, default=1, help="repeat with kill delays spread over the import")
    args = parser.parse_args(argv)
    from _live_server import migrate, temp_database

    failures = 0
    for round_no in range(args.rounds):
        url, cleanup = temp_database(args.backend, args.pg_url)
        os.environ["DATABASE_URL"] = url
        from app.core.config import get_settings
        from app.db import session as db_session

        get_settings.cache_clear()
        for name in ("get_engine", "get_sessionmaker"):
            fn = getattr(db_session, name, None)
            if hasattr(fn, "cache_clear"):
                fn.cache_clear()
        try:
            migrate(url)
            delay = args.kill_after * (1 + round_no)
            report = run_bulk_fault(url, rows=args.rows, kill_after=delay)
            print(f"round {round_no + 1} ({args.backend}, kill after {delay:.1f} s): {report}", flush=True)
            print(f"round {round_no + 1} ({args.backend}) webhook: {run_webhook_fault(url)}", flush=True)
        except AssertionError as exc:
            failures += 1
            print(f"round {round_no + 1}: FAILED: {exc}", flush=True)
        finally:
            cleanup()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
