#!/usr/bin/env python3
"""Scale a database up for load tests: synthetic schools' programs and enterprises' demands.

Writes through the bulk import API (in-process, no server needed; the match index is not
built here), so every record passes validation and lands in the change log like real data.
Records are deterministic (``matching.synthetic``) and keyed by external id, so re-running is
idempotent.

Usage: DATABASE_URL=... python scripts/scale_data.py [--supplies 100000] [--demands 5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

CHUNK = 5000
SCHOOLS = 50
ENTERPRISES = 100


def _program(doc: Any) -> dict[str, Any]:
    return {"external_id": f"SCALE-P{doc.id}", "name": doc.title[:200], "description": doc.text,
            "skills": list(doc.skills), "education_level": doc.education_level}


def _demand(doc: Any) -> dict[str, Any]:
    return {"external_id": f"SCALE-D{doc.id}", "title": doc.title[:200], "description": doc.text,
            "skills": list(doc.skills), "education_level": doc.education_level, "headcount": 1 + doc.id % 9}


def scale(client: Any, supplies: int, demands: int) -> dict[str, float]:
    from matching.synthetic import synthetic_docs

    def orgs(kind: str, count: int) -> list[int]:
        ids = []
        for i in range(count):
            r = client.post("/api/v1/organizations", json={"kind": kind, "name": f"Scale {kind} {i}",
                                                           "code": f"SCALE-{kind[:3].upper()}-{i}"})
            if r.status_code == 409:  # re-run: find it
                r = client.get("/api/v1/organizations", params={"q": f"Scale {kind} {i}", "limit": 1})
                ids.append(r.json()["items"][0]["id"])
            else:
                assert r.status_code == 201, r.text
                ids.append(r.json()["id"])
        return ids

    timings = {}
    for kind, n, count, owners, make, seed in (
        ("programs", supplies, SCHOOLS, "school", _program, 1),
        ("demands", demands, ENTERPRISES, "enterprise", _demand, 2),
    ):
        started = time.perf_counter()
        org_ids = orgs(owners, count)
        docs = list(synthetic_docs(n, seed=seed, kind="program" if kind == "programs" else "demand"))
        per_org = -(-n // count)
        for o, org_id in enumerate(org_ids):
            mine = docs[o * per_org:(o + 1) * per_org]
            for start in range(0, len(mine), CHUNK):
                rows = [make(d) for d in mine[start:start + CHUNK]]
                r = client.post(f"/api/v1/{kind}/bulk", params={"organization_id": org_id}, json=rows)
                assert r.status_code == 200, r.text[:500]
        timings[kind] = round(time.perf_counter() - started, 1)
        print(f"{kind}: {n} records in {timings[kind]} s", flush=True)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--supplies", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=5_000)
    args = parser.parse_args(argv)
    import os

    os.environ.setdefault("RATE_LIMIT_PER_MINUTE", "0")
    os.environ.setdefault("WEBHOOK_WORKERS_ENABLED", "false")
    from _live_server import create_admin
    from fastapi.testclient import TestClient

    from app.main import create_app

    email, password = create_admin("scale@localhost.localdomain", "Scale-password-123")
    client = TestClient(create_app())  # no lifespan: no index build in this process
    token = client.post("/api/v1/auth/token", data={"username": email, "password": password}).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    scale(client, args.supplies, args.demands)
    return 0


if __name__ == "__main__":
    sys.exit(main())
