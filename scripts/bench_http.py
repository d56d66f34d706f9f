#!/usr/bin/env python3
"""One-client latency through HTTP at scale, and the service's own index build time.

Scales a fresh SQLite database (or uses ``--database-url``, already scaled with
``scripts/scale_data.py``), serves it with ``python -m app.server --workers 1`` (uvicorn) on a loopback
port with JSON access logs at INFO as in production, waits for ``/readyz``, and prints the
index's ``build_seconds`` from it. Then one httpx client with keep-alive and a bearer token sends
``--requests`` requests per route (after 20 warm-up requests each) one at a time and prints
p50 / p95 / p99 client-side wall time per route:

* ``GET /api/v1/demands/{id}/matches?limit=10`` over the Chinese demands among the first 1,500;
* ``GET /api/v1/search?q=<two words>&limit=10``;
* ``GET /api/v1/demands/{id}``.

The semantic factor's warm-up is off (``MATCH_SEMANTIC_WARM=false``: at 100k it embeds ~42k
English records first, which takes tens of minutes on two cores); it applies to English queries
only, so the Chinese demands used here rank exactly as in production.

Usage: python scripts/bench_http.py [--supplies 100000] [--demands 5000] [--requests 500]
       [--seed 0] [--database-url URL] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from load_test import WORDS, _pct, group_processes  # noqa: E402

WARMUP = 20
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _peak_rss_mb(pgid: int) -> float:
    """Largest peak resident set (VmHWM) among the server's processes, in MB."""
    peak = 0
    for entry, _ in group_processes(pgid):
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return round(peak / 1024, 1)


def _chinese_demands(client: Any, first: int = 1500) -> list[int]:
    ids = []
    for offset in range(0, first, 100):
        for item in client.get("/api/v1/demands", params={"limit": 100, "offset": offset}).json()["items"]:
            if _HAN.search(item["title"]):
                ids.append(item["id"])
    return ids


def _time_route(client: Any, make: Any, count: int, rng: random.Random) -> dict[str, float]:
    for _ in range(WARMUP):
        path, params = make(rng)
        client.get(path, params=params).raise_for_status()
    samples = []
    for _ in range(count):
        path, params = make(rng)
        started = time.perf_counter()
        response = client.get(path, params=params)
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
    return {"n": count, **{f"p{p}_ms": round(_pct(samples, p) * 1000, 2) for p in (50, 95, 99)}}


def measure(base_url: str, token: str, requests: int, seed: int) -> dict[str, Any]:
    import httpx

    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        demands = _chinese_demands(client)
        if not demands:
            raise SystemExit("no Chinese demands: scale the database first")
        routes = {
            "GET /api/v1/demands/{id}/matches": lambda r: (
                f"/api/v1/demands/{r.choice(demands)}/matches",
                {"limit": 10},
            ),
            "GET /api/v1/search?q=(two words)": lambda r: (
                "/api/v1/search",
                {"q": r.choice(WORDS) + r.choice(WORDS), "limit": 10},
            ),
            "GET /api/v1/demands/{id}": lambda r: (f"/api/v1/demands/{r.choice(demands)}", None),
        }
        out = {}
        for name, make in routes.items():
            rng = random.Random(seed)
            out[name] = _time_route(client, make, requests, rng)
        return {"chinese_demands": len(demands), "routes": out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--supplies", type=int, default=100_000)
    ap.add_argument("--demands", type=int, default=5_000)
    ap.add_argument("--requests", type=int, default=500, help="timed requests per route")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--database-url", help="an already scaled database (kept); default: a fresh SQLite file")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    from _live_server import LiveServer, create_admin, login, migrate, temp_database

    url = args.database_url
    scale_seconds = None
    if url is None:
        url, _ = temp_database("sqlite")
    os.environ["DATABASE_URL"] = url
    os.environ["ENVIRONMENT"] = "test"
    os.environ["LOG_LEVEL"] = "WARNING"
    migrate(url)
    if args.database_url is None:
        import scale_data

        started = time.perf_counter()
        scale_data.main(["--supplies", str(args.supplies), "--demands", str(args.demands)])
        scale_seconds = round(time.perf_counter() - started, 1)
    email, password = create_admin("bench@localhost.localdomain", "Bench-password-123")
    env = {
        "ENVIRONMENT": "test",
        "WEBHOOK_WORKERS_ENABLED": "false",
        "MATCH_SEMANTIC_WARM": "false",
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="talentmatch-metrics-"),
    }
    started = time.monotonic()
    with LiveServer(url, workers=1, env=env).start(wait="/readyz", timeout=900) as server:
        ready_seconds = round(time.monotonic() - started, 1)
        import httpx

        status = httpx.get(server.base_url + "/readyz", timeout=30).json()
        token = login(server.base_url, email, password)
        report = measure(server.base_url, token, args.requests, args.seed)
        assert server.process is not None
        report["server_peak_rss_mb"] = _peak_rss_mb(server.process.pid)
    index = status.get("match_index", {})
    report.update(
        scale_seconds=scale_seconds,
        ready_seconds=ready_seconds,
        build_seconds=index.get("build_seconds"),
        documents=index.get("documents"),
    )
    print(
        f"scaled in {scale_seconds} s; /readyz 200 after {ready_seconds} s (index build_seconds "
        f"{report['build_seconds']}); documents {report['documents']}; {report['chinese_demands']} Chinese demands"
    )
    print("\n| request | n | p50 ms | p95 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |")
    for name, r in report["routes"].items():
        print(f"| `{name}` | {r['n']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
