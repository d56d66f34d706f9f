#!/usr/bin/env python3
"""Contract fuzzing: schemathesis against the live OpenAPI schema, every operation.

Starts uvicorn on a loopback port over a fresh database (SQLite file, or a fresh PostgreSQL
schema with ``--backend postgresql``), seeds a few records so that ids in paths sometimes hit,
logs in as a platform admin and runs ``schemathesis run`` with the checks
not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance, bounded by ``--max-examples`` per operation and ``--max-time``.
Exits non-zero when schemathesis reports a failure.

Usage: python scripts/fuzz_api.py [--backend sqlite|postgresql] [--max-examples 25] [--max-time 240]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _live_server import LiveServer, create_admin, login, migrate, temp_database  # noqa: E402

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _seed(base_url: str, token: str) -> None:
    import httpx

    h = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=h, timeout=60) as c:
        school = c.post("/api/v1/organizations", json={"kind": "school", "name": "Fuzz school"}).json()
        company = c.post("/api/v1/organizations", json={"kind": "enterprise", "name": "Fuzz company"}).json()
        program = c.post("/api/v1/programs", json={"organization_id": school["id"], "name": "电气自动化技术",
                                                   "education_level": "higher_vocational"}).json()
        c.post("/api/v1/cohorts", json={"program_id": program["id"], "graduation_year": 2026, "graduates": 40})
        c.post("/api/v1/demands", json={"organization_id": company["id"], "title": "PLC工程师", "headcount": 2})
        c.post("/api/v1/cooperation-offers", json={"organization_id": company["id"], "kind": "internship",
                                                   "title": "实习基地", "direction": "offer"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--max-time", type=int, default=240, help="seconds for the whole schemathesis run")
    parser.add_argument("--workers", default="2", help="schemathesis workers")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--report-dir", type=Path, default=None, help="write a JUnit report here")
    parser.add_argument("extra", nargs="*", help="extra schemathesis arguments (after --)")
    args = parser.parse_args(argv)

    url, cleanup = temp_database(args.backend, args.pg_url)
    os.environ["DATABASE_URL"] = url
    try:
        migrate(url)
        email, password = create_admin()
        env = {"ACCESS_TOKEN_TTL_SECONDS": "7200", "ENVIRONMENT": "test", "WEBHOOK_WORKERS_ENABLED": "false"}
        with LiveServer(url, env=env) as server:
            token = login(server.base_url, email, password)
            _seed(server.base_url, token)
            cmd = [
                sys.executable, "-m", "schemathesis.cli", "run", f"{server.base_url}/openapi.json",
                "--checks", CHECKS, "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
                "--workers", args.workers, "--seed", str(args.seed), "--phases", "examples,coverage,fuzzing",
                "--header", f"Authorization: Bearer {token}", "--request-timeout", "30",
                "--generation-database", "none", "--suppress-health-check", "all", "--no-shrink",
                # Revoking the fuzzer's own session would turn the rest of the run into 401s.
                "--exclude-path", "/api/v1/auth/logout",
                # Credentials are tested in tests/auth; generated Authorization headers only yield 401s.
                "--generation-with-security-parameters", "false",
                *args.extra,
            ]
            if args.report_dir:
                cmd += ["--report", "junit", "--report-dir", str(args.report_dir)]
            started = time.monotonic()
            code = subprocess.call(cmd, env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"})
            print(f"schemathesis finished in {time.monotonic() - started:.0f} s with exit code {code}", flush=True)
            if code and "Traceback" in server.log_tail(20000):
                print("server log (tail):\n" + server.log_tail(6000), flush=True)
            return code
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
