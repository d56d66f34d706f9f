"""1,000 concurrent upserts and bulk imports racing on the same external ids (real server, 2 workers).

No duplicates (one record per external id, created exactly once), no lost or phantom updates
(each final value is one that a successful request wrote; rows of a failed batch never show), no
5xx, and every success response agrees with what it wrote. (``updated_at`` is taken when a write
starts, not when it commits, so it cannot order racing writes; it is not compared.) A 409 ("being written concurrently;
retry") is an allowed, documented answer to a lost race; it must have written nothing.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

OPERATIONS = 1000
KEYS = 20
CLIENTS = 32
BULK_EVERY = 10  # every 10th operation is a bulk import of several keys
BULK_ROWS = 8


def test_concurrent_upserts_and_bulk_imports(live_server: Any, admin_token_for: Any) -> None:
    server = live_server(workers=2)
    headers = {"Authorization": f"Bearer {admin_token_for(server.base_url)}"}
    clients = [httpx.Client(base_url=server.base_url, headers=headers, timeout=120) for _ in range(CLIENTS)]
    org = clients[0].post("/api/v1/organizations", json={"kind": "enterprise", "name": "Race Co"}).json()
    keys = [f"RACE-{k}" for k in range(KEYS)]
    rng = random.Random(6)
    plan = []
    for op in range(OPERATIONS):
        if op % BULK_EVERY == 0:
            plan.append(("bulk", [(k, 10_000 + op * 100 + j) for j, k in enumerate(rng.sample(keys, BULK_ROWS))]))
        else:
            plan.append(("put", [(rng.choice(keys), 10_000 + op * 100)]))

    def body(key: str, value: int) -> dict[str, Any]:
        return {"title": f"竞争岗位 {key}", "description": "并发写入测试", "headcount": value}

    def run(op: int) -> tuple[int, str, Any]:
        kind, rows = plan[op]
        c = clients[op % CLIENTS]
        if kind == "put":
            key, value = rows[0]
            r = c.put(f"/api/v1/demands/external/{key}", json={**body(key, value), "organization_id": org["id"]})
        else:
            r = c.post("/api/v1/demands/bulk", params={"organization_id": org["id"]},
                       json=[{"external_id": k, **body(k, v)} for k, v in rows])
        return r.status_code, kind, r.json() if r.content else None

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(run, range(OPERATIONS)))

    statuses = Counter(status for status, _, _ in results)
    assert all(s in (200, 201, 409) for s in statuses), (statuses, [r for r in results if r[0] >= 500][:3])
    written: dict[str, set[int]] = defaultdict(set)
    created: Counter[str] = Counter()
    failed_values = {v for op, (status, _, _) in enumerate(results) if status == 409 for _, v in plan[op][1]}
    for op, (status, kind, payload) in enumerate(results):
        if status == 409:
            continue
        for key, value in plan[op][1]:
            written[key].add(value)
        if kind == "put":
            key, value = plan[op][1][0]
            assert payload["external_id"] == key and payload["headcount"] == value  # response = what it wrote
            created[key] += status == 201
        else:
            outcomes = {item["external_id"]: item["outcome"] for item in payload["items"]}
            for key, _ in plan[op][1]:
                created[key] += outcomes[key] == "created"

    final = clients[0].get("/api/v1/demands", params={"organization_id": org["id"], "limit": 100}).json()
    assert final["total"] == KEYS, "duplicates or missing records"
    by_key = {item["external_id"]: item for item in final["items"]}
    assert sorted(by_key) == sorted(keys)
    for key in keys:
        assert created[key] == 1, f"{key} created {created[key]} times"
        record = by_key[key]
        assert record["headcount"] in written[key], f"{key}: final value was never written successfully"
        assert record["headcount"] not in failed_values, f"{key}: a rejected batch left a row behind"
    for c in clients:
        c.close()
    print(f"statuses: {dict(statuses)}")
