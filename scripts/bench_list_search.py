#!/usr/bin/env python3
"""List search (``q``) on PostgreSQL at scale: query plans and times, and the in-process API.

Creates a PostgreSQL schema, migrates it and scales it with ``scripts/scale_data.py`` (100k
programs + 5k demands by default), or uses the database of ``--database-url``. Then, per needle
(``d:`` before a needle searches demands instead of programs):

* the count and the first page of the list query, as ``EXPLAIN ANALYZE`` (median of ``--runs``
  execution times, literal values: custom plans) and the index or scan nodes of the plan;
* ``GET /api/v1/programs?q=`` (or ``/demands``) through the ASGI app in-process, at offset 0 (count
  and page) and at offset 20,000 (past the end for most needles: count only), p50 and p95 of
  ``--reps`` requests after one warm-up; the connection is reused, so after five runs of a statement
  psycopg prepares it and PostgreSQL may use a generic plan, as a running service does.

To compare two commits on the same data: run once with ``--keep``, then with
``--database-url URL`` (the printed URL) on the other commit, migrating the schema to that
commit's revision in between (``DATABASE_URL=URL alembic downgrade 0006``, or ``upgrade head``). The
server is ``PG_URL`` (default: the local test server); ``DATABASE_URL`` is not read.

Usage: python scripts/bench_list_search.py [--database-url URL] [--keep] [--needles 数控,AI,d:护理]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

NEEDLES = "数控,护理,软件,会计,物流,焊接,汽车,AI,Go,数控技术,software,自动化,d:护理,d:AI"
_NODE = re.compile(r"(Seq Scan|Bitmap Index Scan on \w+|Index Scan(?: Backward)? using \w+)")


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _statements(needle: str) -> tuple[str, Any, Any]:
    from sqlalchemy import func, select

    from app.core.listing import apply_sort, text_contains
    from app.demands.models import Demand
    from app.programs.models import Program

    model, columns = (Demand, (Demand.title, Demand.description)) if needle.startswith("d:") else (
        Program, (Program.name, Program.description))
    stmt = apply_sort(select(model).where(text_contains(*columns, needle=needle.removeprefix("d:"))), model, None,
                      ("created_at",))
    return model.__tablename__, select(func.count()).select_from(stmt.order_by(None).subquery()), stmt.limit(20)


def explain(url: str, needles: list[str], runs: int) -> list[dict[str, Any]]:
    """Median ``EXPLAIN ANALYZE`` execution time (ms) and plan nodes of each needle's count and page."""
    from sqlalchemy import text

    from app.db.session import make_engine

    engine = make_engine(url)
    out = []
    with engine.connect() as conn:
        for needle in needles:
            table, count, page = _statements(needle)
            row: dict[str, Any] = {"needle": needle, "table": table, "total": conn.execute(count).scalar()}
            for label, stmt in (("count", count), ("page", page)):
                sql = str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
                times, nodes = [], set()
                for _ in range(runs):
                    plan = [r[0] for r in conn.execute(text("EXPLAIN ANALYZE " + sql.replace("%%", "%")))]
                    times.append(float(re.findall(r"Execution Time: ([\d.]+)", plan[-1])[0]))
                    nodes = {m for line in plan for m in _NODE.findall(line)}
                row[label] = {"ms": round(statistics.median(times), 1), "plan": sorted(nodes)}
            out.append(row)
    engine.dispose()
    return out


def api(needles: list[str], reps: int) -> list[dict[str, Any]]:
    """p50/p95 (ms) of the list endpoint in-process, at offset 0 and 20,000 (``DATABASE_URL`` is set)."""
    from _live_server import create_admin
    from fastapi.testclient import TestClient

    from app.main import create_app

    email, password = create_admin("bench@localhost.localdomain", "Bench-password-123")
    client = TestClient(create_app())  # no lifespan: the list endpoints need no match index
    token = client.post("/api/v1/auth/token", data={"username": email, "password": password}).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    out = []
    for needle in needles:
        path = "/api/v1/demands" if needle.startswith("d:") else "/api/v1/programs"
        row: dict[str, Any] = {"needle": needle}
        for offset in (0, 20_000):
            times = []
            for i in range(reps + 1):
                started = time.perf_counter()
                r = client.get(path, params={"q": needle.removeprefix("d:"), "limit": 20, "offset": offset})
                assert r.status_code == 200, r.text
                if i:
                    times.append((time.perf_counter() - started) * 1000)
            row[f"offset {offset}"] = {"p50": round(statistics.median(times), 1), "p95": round(_pct(times, 95), 1)}
            row["total"] = r.json()["total"]
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--database-url", help="an already scaled PostgreSQL database (search_path included)")
    parser.add_argument("--keep", action="store_true", help="keep the new schema and print its URL")
    parser.add_argument("--supplies", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=5_000)
    parser.add_argument("--needles", default=NEEDLES)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reps", type=int, default=11)
    args = parser.parse_args(argv)

    from _live_server import migrate, temp_database

    url, cleanup = (args.database_url, lambda: None) if args.database_url else temp_database("postgresql", args.pg_url)
    os.environ.update(DATABASE_URL=url, ENVIRONMENT="test", LOG_LEVEL="WARNING", RATE_LIMIT_PER_MINUTE="0",
                      WEBHOOK_WORKERS_ENABLED="false")
    try:
        if not args.database_url:
            migrate(url)
            import scale_data

            started = time.perf_counter()
            scale_data.main(["--supplies", str(args.supplies), "--demands", str(args.demands)])
            print(f"scaled in {time.perf_counter() - started:.1f} s", flush=True)
        from sqlalchemy import text

        from app.db.session import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE program"))
            conn.execute(text("ANALYZE demand"))
        engine.dispose()
        needles = args.needles.split(",")
        print(f"load average {os.getloadavg()}", flush=True)
        for row in explain(url, needles, args.runs):
            print(json.dumps(row, ensure_ascii=False), flush=True)
        for row in api(needles, args.reps):
            print(json.dumps(row, ensure_ascii=False), flush=True)
        print(f"load average {os.getloadavg()}", flush=True)
    finally:
        if args.keep and not args.database_url:
            print(f"kept: {url}")
        else:
            cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
