#!/usr/bin/env python3
"""Bounded load test against a local server (127.0.0.1 only): mixed reads, matches and writes.

Creates a fresh database (SQLite file or PostgreSQL schema), scales it up with
``scripts/scale_data.py`` (100k programs + 5k demands by default; on PostgreSQL then
``VACUUM ANALYZE``, as autovacuum would have done), starts uvicorn with
``--workers`` on a loopback port, waits until every worker's match index is built, then runs
``--clients`` concurrent asyncio clients for ``--duration`` seconds and prints throughput and
p50/p95/p99 latency per endpoint. Or point it at a running server with ``--url`` and ``--token``.

It also reports what the figures need to be read honestly: the CPU time of the server (its process
group) and of this load generator over the run, as shares of the machine (they share the cores),
the load average before and after, and the server-side mean time per route from ``/metrics``
(workers share their metrics through ``PROMETHEUS_MULTIPROC_DIR``), so that time spent queueing
is visible as the difference from the client-side latency.

Usage: python scripts/load_test.py [--backend sqlite|postgresql] [--workers 2] [--clients 32]
       [--duration 60] [--supplies 100000] [--demands 5000] [--sweep 1,2,4,8]

``--sweep`` runs each client count in turn, ``--duration`` seconds each, on the same server (one
scale-up and warm-up): where the latency goal holds, not only what 32 clients see.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

#: (name, weight): the request mix.
MIX = [
    ("list_demands", 15), ("list_programs", 10), ("get_program", 10), ("search", 15),
    ("demand_matches", 25), ("program_matches", 5), ("adhoc_match", 5), ("upsert_demand", 15),
]
WORDS = ["软件", "数控", "电气", "自动化", "机器人", "会计", "物流", "护理", "software", "network", "data",
         "mechanical", "nursing", "PLC", "焊接", "汽车"]


def group_processes(pgid: int) -> Iterator[tuple[Path, list[str]]]:
    """``(/proc/<pid>, stat fields after "(comm)")`` of every live process in a process group."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # state, ppid, pgrp, ...
            yield entry, fields


def _cpu_seconds_of_group(pgid: int | None) -> float:
    """User + system CPU seconds of every live process in a process group (the server and its workers)."""
    if pgid is None:
        return float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    return sum((int(f[11]) + int(f[12])) / tick for _, f in group_processes(pgid))


def _machine_busy() -> tuple[float, float]:
    """``(busy, total)`` CPU seconds of the whole machine so far (``/proc/stat``)."""
    tick = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / tick, sum(values) / tick


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_totals(base_url: str) -> dict[str, tuple[float, float]]:
    """``(seconds, count)`` of server-side request time per route template, from ``/metrics`` (all workers)."""
    import httpx

    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    text = httpx.get(base_url + "/metrics", timeout=30).text
    for line in text.splitlines():
        for suffix, into in (("_sum{", sums), ("_count{", counts)):
            if line.startswith("talentmatch_http_request_duration_seconds" + suffix):
                labels, value = line.rsplit(" ", 1)
                route = labels.split('route="', 1)[1].split('"', 1)[0]
                method = labels.split('method="', 1)[1].split('"', 1)[0]
                key = f"{method} {route}"
                into[key] = into.get(key, 0.0) + float(value)
    return {k: (sums[k], counts.get(k, 0.0)) for k in sums}


def _server_means(before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Mean server-side duration (ms) per route over the measured window only."""
    means = {}
    for key, (seconds, count) in after.items():
        s0, c0 = before.get(key, (0.0, 0.0))
        if count > c0:
            means[key] = round((seconds - s0) / (count - c0) * 1000, 1)
    return means


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


async def _run(base_url: str, token: str, clients: int, duration: float, pools: dict[str, Any],
               server_pgid: int | None = None) -> dict[str, Any]:
    import httpx

    names = [n for n, _ in MIX]
    weights = [w for _, w in MIX]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(n: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(n)
        seq = 0
        while time.monotonic() < deadline:
            name = rng.choices(names, weights)[0]
            seq += 1
            if name == "list_demands":
                req = client.get("/api/v1/demands", params={"limit": 20, "offset": rng.randrange(0, 2000)})
            elif name == "list_programs":
                req = client.get("/api/v1/programs", params={"limit": 20, "offset": rng.randrange(0, 20000),
                                                             "q": rng.choice(WORDS)})
            elif name == "get_program":
                req = client.get(f"/api/v1/programs/{rng.choice(pools['programs'])}")
            elif name == "search":
                req = client.get("/api/v1/search", params={"q": rng.choice(WORDS) + rng.choice(WORDS), "limit": 10})
            elif name == "demand_matches":
                req = client.get(f"/api/v1/demands/{rng.choice(pools['demands'])}/matches", params={"limit": 10})
            elif name == "program_matches":
                req = client.get(f"/api/v1/programs/{rng.choice(pools['programs'])}/matches", params={"limit": 10})
            elif name == "adhoc_match":
                req = client.post("/api/v1/match", json={"target": "programs", "title": rng.choice(WORDS),
                                                         "text": " ".join(rng.sample(WORDS, 4))})
            else:
                ext = f"LOAD-{n}-{seq % 50}"
                req = client.put(f"/api/v1/demands/external/{ext}",
                                 json={"organization_id": pools["org"], "title": f"负载测试岗位 {rng.choice(WORDS)}", "headcount": 1 + seq % 20,
                                       "description": " ".join(rng.sample(WORDS, 6))})
            started = time.perf_counter()
            try:
                response = await req
                elapsed = time.perf_counter() - started
                if response.status_code >= 400:
                    errors[name][str(response.status_code)] += 1
                else:
                    latencies[name].append(elapsed)
            except httpx.HTTPError as exc:
                errors[name][type(exc).__name__] += 1

    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"},
                                 timeout=60, limits=limits) as client:
        load_before = os.getloadavg()
        own_before, server_before = _own_cpu_seconds(), _cpu_seconds_of_group(server_pgid)
        machine_before = _machine_busy()
        started = time.monotonic()
        await asyncio.gather(*(worker(i, client) for i in range(clients)))
        wall = time.monotonic() - started
        own_cpu = _own_cpu_seconds() - own_before
        server_cpu = _cpu_seconds_of_group(server_pgid) - server_before
        machine_after = _machine_busy()
        machine_share = (machine_after[0] - machine_before[0]) / max(machine_after[1] - machine_before[1], 1e-9)
        load_after = os.getloadavg()
    per = {}
    for name in names:
        lat = latencies.get(name, [])
        per[name] = {"ok": len(lat), "errors": dict(errors.get(name, {})), "rps": round(len(lat) / wall, 1),
                     "p50_ms": round(_pct(lat, 50) * 1000, 1), "p95_ms": round(_pct(lat, 95) * 1000, 1),
                     "p99_ms": round(_pct(lat, 99) * 1000, 1),
                     "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None}
    total = sum(p["ok"] for p in per.values())
    cores = os.cpu_count() or 1
    return {"seconds": round(wall, 1), "requests": total, "rps": round(total / wall, 1),
            "errors": sum(sum(p["errors"].values()) for p in per.values()), "endpoints": per,
            # Share of the machine's CPU capacity (cores x wall time) used by each side: the load
            # generator runs on the same cores as the server, so what it uses the server cannot.
            "cpu": {"cores": cores, "client_seconds": round(own_cpu, 1), "server_seconds": round(server_cpu, 1),
                    "client_share": round(own_cpu / (cores * wall), 3),
                    "server_share": round(server_cpu / (cores * wall), 3),
                    # Everything busy: server, load generator, the database server, other users.
                    "machine_busy_share": round(machine_share, 3)},
            "load_average": {"before": [round(x, 2) for x in load_before],
                             "after": [round(x, 2) for x in load_after]}}


def _pools(base_url: str, token: str) -> dict[str, Any]:
    import httpx

    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        demands = [i["id"] for off in (0, 1000, 3000) for i in
                   c.get("/api/v1/demands", params={"limit": 100, "offset": off}).json()["items"]]
        programs = [i["id"] for off in (0, 25_000, 50_000, 90_000) for i in
                    c.get("/api/v1/programs", params={"limit": 100, "offset": off}).json()["items"]]
        org = c.post("/api/v1/organizations", json={"kind": "enterprise", "name": f"Load Co {os.getpid()}"}).json()
    assert demands and programs, "no data: scale the database first"
    return {"demands": demands, "programs": programs, "org": org["id"]}


def _readyz_streak(base_url: str, ok: Callable[[Any], bool], timeout: float, what: str) -> float:
    """Seconds until ``ok(/readyz response)`` held twenty times in a row (requests spread over the workers)."""
    import httpx

    started = time.monotonic()
    streak = 0
    while streak < 20:
        if time.monotonic() - started > timeout:
            raise SystemExit(what)
        try:
            good = ok(httpx.get(base_url + "/readyz", timeout=10))
        except (httpx.HTTPError, ValueError):
            good = False
        streak = streak + 1 if good else 0
        time.sleep(0.05 if good else 1.0)
    return time.monotonic() - started


def _wait_all_workers_ready(base_url: str, timeout: float = 900) -> float:
    """``/readyz`` 200 twenty times in a row."""
    return _readyz_streak(base_url, lambda r: r.status_code == 200, timeout, "workers did not become ready")


def _warmed(r: Any) -> bool:
    sem = r.json().get("match_index", {}).get("semantic", {})
    return r.status_code == 200 and (not sem.get("enabled") or (sem.get("warm_passes", 0) >= 1 and not sem.get("warming")))


def _wait_semantic_warm(base_url: str, timeout: float = 3600) -> float:
    """Until every worker has embedded its index for the semantic factor (as a server in steady state has).

    A service with the factor or its warm-up off passes at once.
    """
    return _readyz_streak(base_url, _warmed, timeout, "semantic warm-up did not finish")


def _vacuum(url: str) -> None:
    """``VACUUM ANALYZE`` the scaled tables, as autovacuum does to a production database by itself.

    A minutes-old database whose GIN indexes were never vacuumed lacks the statistics the
    planner needs for them: it then picks 0.5 s table scans for trigram-indexed needles about
    half the time (docs/BENCHMARKS.md, "List search"), which no running service would see.
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for table in ("program", "demand", "change_log", "match_tokens"):
                conn.execute(text(f"VACUUM ANALYZE {table}"))
    finally:
        engine.dispose()


def _print(report: dict[str, Any], label: str) -> None:
    print(f"\n### {label}: {report['requests']} requests in {report['seconds']} s = {report['rps']} req/s, "
          f"{report['errors']} errors\n")
    cpu, load = report["cpu"], report["load_average"]
    print(f"CPU of {cpu['cores']} cores x {report['seconds']} s: server {cpu['server_seconds']} s "
          f"({cpu['server_share']:.0%}), load generator {cpu['client_seconds']} s ({cpu['client_share']:.0%}), "
          f"whole machine busy {cpu['machine_busy_share']:.0%} (database and other users included); "
          f"load average before {load['before']}, after {load['after']}\n")
    print("| endpoint | ok | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, p in report["endpoints"].items():
        print(f"| {name} | {p['ok']} | {p['rps']} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} | "
              f"{p['errors'] or 0} |")
    if report.get("server_mean_ms"):
        print("\nServer-side mean per route (ms, from /metrics; the rest of the client time is queueing):")
        for route, mean in sorted(report["server_mean_ms"].items()):
            print(f"  {route}: {mean}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--supplies", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=5_000)
    parser.add_argument("--url", help="a running server (loopback) instead of starting one")
    parser.add_argument("--token", help="platform admin token for --url")
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--sweep", help="client counts to run in turn on the same server, e.g. 1,2,4,8 "
                        "(each for --duration; replaces --clients)")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.sweep.split(",")] if args.sweep else [args.clients]
    if max(counts) > 64 or args.duration * len(counts) > 600 or min(counts) < 1:
        raise SystemExit("bounded: 1 to 64 clients and 600 s in all")

    if args.url:
        if not args.url.startswith(("http://127.0.0.1", "http://localhost")):
            raise SystemExit("loopback only")
        pools = _pools(args.url, args.token)
        failed = False
        for clients in counts:
            report = asyncio.run(_run(args.url, args.token, clients, args.duration, pools))
            _print(report, f"{args.url}, {clients} clients")
            failed = failed or bool(report["errors"])
        return 1 if failed else 0

    from _live_server import LiveServer, create_admin, login, migrate, temp_database

    url, cleanup = temp_database(args.backend, args.pg_url)
    os.environ["DATABASE_URL"] = url
    os.environ["ENVIRONMENT"] = "test"
    os.environ["LOG_LEVEL"] = "WARNING"
    try:
        migrate(url)
        started = time.perf_counter()
        import scale_data

        scale_data.main(["--supplies", str(args.supplies), "--demands", str(args.demands)])
        if args.backend == "postgresql":
            _vacuum(url)
        scale_seconds = time.perf_counter() - started
        email, password = create_admin("load@localhost.localdomain", "Load-password-123")
        # Metrics shared by the workers, so /metrics reports server-side time over all of them.
        # INFO as in production: one JSON access line per request is part of the per-request cost.
        env = {"ENVIRONMENT": "test", "WEBHOOK_WORKERS_ENABLED": "false", "ACCESS_TOKEN_TTL_SECONDS": "7200",
               "LOG_LEVEL": "INFO", "LOG_FORMAT": "json",
               "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="talentmatch-metrics-")}
        with LiveServer(url, workers=args.workers, env=env).start(wait="/healthz") as server:
            ready_seconds = _wait_all_workers_ready(server.base_url)
            warm_seconds = _wait_semantic_warm(server.base_url)
            token = login(server.base_url, email, password)
            pools = _pools(server.base_url, token)
            pgid = server.process.pid if server.process is not None else None
            reports = []
            for clients in counts:
                before = _server_totals(server.base_url)
                report = asyncio.run(_run(server.base_url, token, clients, args.duration, pools, pgid))
                report["server_mean_ms"] = _server_means(before, _server_totals(server.base_url))
                report["clients"] = clients
                reports.append(report)
            import httpx

            status = httpx.get(server.base_url + "/readyz", timeout=30).json()
        setup = dict(backend=args.backend, workers=args.workers, supplies=args.supplies, demands=args.demands,
                     scale_seconds=round(scale_seconds, 1), index_ready_seconds=round(ready_seconds, 1),
                     semantic_warm_seconds=round(warm_seconds, 1),
                     semantic=status.get("match_index", {}).get("semantic"),
                     index=status.get("match_index", {}).get("documents"),
                     index_build_seconds=status.get("match_index", {}).get("build_seconds"))
        print(f"scaled in {setup['scale_seconds']} s; all workers' indexes ready {setup['index_ready_seconds']} s "
              f"after start (build {setup['index_build_seconds']} s); documents {setup['index']}; semantic warm-up "
              f"done {setup['semantic_warm_seconds']} s later ({setup['semantic']})")
        for report in reports:
            report.update(setup)
            _print(report, f"{args.backend}, {args.workers} workers, {report['clients']} clients")
        if args.json:
            args.json.write_text(json.dumps(reports[0] if len(reports) == 1 else reports, indent=2))
        return 1 if any(r["errors"] for r in reports) else 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
