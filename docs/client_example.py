"""Example: an HR system keeps its open positions in step with TalentMatch and reads the matches.

Runnable against a local server::

    export TALENTMATCH_URL=http://127.0.0.1:8000
    export TALENTMATCH_API_KEY=tm_...            # an org_editor key of your organization
    # (or TALENTMATCH_USERNAME / TALENTMATCH_PASSWORD to log in with a user account)
    python docs/client_example.py

It only needs ``httpx``. Every function takes an ``httpx.Client`` whose ``base_url`` is the server
and whose headers carry the credentials, so the same code runs against the real service and, in
``tests/docs/test_client_example.py``, against the app in process.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterable
from typing import Any

import httpx

API = "/api/v1"

#: Positions as the HR system knows them; ``external_id`` is the HR system's own key.
POSITIONS: list[dict[str, Any]] = [
    {
        "external_id": "HR-2026-001",
        "title": "PLC电气调试工程师",
        "description": "负责自动化产线PLC程序编写与现场调试，熟悉西门子S7-1200。",
        "skills": ["PLC", "电气调试"],
        "majors": ["电气自动化技术"],
        "education_level": "higher_vocational",
        "headcount": 5,
        "region_code": "500117",
    },
    {
        "external_id": "HR-2026-002",
        "title": "工业机器人运维技术员",
        "description": "负责焊接机器人日常点检、示教编程与故障排除。",
        "skills": ["工业机器人", "示教编程"],
        "education_level": "higher_vocational",
        "headcount": 3,
        "region_code": "500117",
    },
]


def connect(base_url: str, *, api_key: str | None = None, username: str | None = None,
            password: str | None = None, timeout: float = 30.0) -> httpx.Client:
    """A client authenticated with an API key, or by logging in with a user account."""
    client = httpx.Client(base_url=base_url, timeout=timeout)
    if api_key:
        client.headers["X-API-Key"] = api_key
    elif username and password:
        response = client.post(f"{API}/auth/token", data={"username": username, "password": password})
        response.raise_for_status()
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    else:
        raise SystemExit("set TALENTMATCH_API_KEY, or TALENTMATCH_USERNAME and TALENTMATCH_PASSWORD")
    return client


def upsert_position(client: httpx.Client, position: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """PUT one position by its external id: creates it, replaces it, or changes nothing (idempotent)."""
    body = {k: v for k, v in position.items() if k != "external_id"}
    response = client.put(f"{API}/demands/external/{position['external_id']}", json=body)
    response.raise_for_status()
    return response.json(), response.headers["X-Upsert-Outcome"]  # created / updated / unchanged


def sync_positions(client: httpx.Client, positions: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Upsert every position; returns how many were created, updated or unchanged."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for position in positions:
        _, outcome = upsert_position(client, position)
        counts[outcome] += 1
    return counts


def positions_csv(positions: Iterable[dict[str, Any]]) -> str:
    """The positions as the bulk endpoint's CSV (list fields joined with ';')."""
    rows = list(positions)
    columns = sorted({key for row in rows for key in row})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue()


def bulk_import_csv(client: httpx.Client, csv_text: str) -> dict[str, Any]:
    """Import many positions in one all-or-nothing request (422 lists every bad row)."""
    response = client.post(f"{API}/demands/bulk", content=csv_text.encode("utf-8"),
                           headers={"Content-Type": "text/csv; charset=utf-8"})
    if response.status_code == 422:
        for error in response.json()["errors"]:
            print(f"row {error.get('row')}: {error['field']}: {error['message']}", file=sys.stderr)
    response.raise_for_status()
    return response.json()  # {"total", "created", "updated", "unchanged", "items"}


def find_demand_id(client: httpx.Client, external_id: str) -> int:
    """Our id of a position, looked up by the HR system's external id."""
    response = client.get(f"{API}/demands", params={"external_id": external_id})
    response.raise_for_status()
    items = response.json()["items"]
    if not items:
        raise LookupError(external_id)
    return int(items[0]["id"])


def read_matches(client: httpx.Client, demand_id: int, *, limit: int = 10, min_score: float | None = None
                 ) -> list[dict[str, Any]]:
    """Programs, cohorts and school offers ranked for one demand (best first, with explanations)."""
    params: dict[str, Any] = {"limit": limit}
    if min_score is not None:
        params["min_score"] = min_score
    response = client.get(f"{API}/demands/{demand_id}/matches", params=params)
    if response.status_code == 503:  # the match index is still being built right after start-up
        raise RuntimeError("match index not ready; retry in a few seconds")
    response.raise_for_status()
    return response.json()["items"]


def run(client: httpx.Client) -> int:
    """The whole sync: upsert, upsert again (nothing changes), bulk CSV, then read matches."""
    print("upsert one by one:", sync_positions(client, POSITIONS))
    print("again (idempotent):", sync_positions(client, POSITIONS))
    more = [{**p, "external_id": p["external_id"] + "-B", "headcount": 2} for p in POSITIONS]
    result = bulk_import_csv(client, positions_csv(more))
    print(f"bulk CSV: {result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged")
    demand_id = find_demand_id(client, POSITIONS[0]["external_id"])
    for match in read_matches(client, demand_id, limit=5):
        print(f"{match['score'] or 0:.2f}  {match['kind']:<8} {match['title']}")
    return 0


def main() -> int:
    base_url = os.environ.get("TALENTMATCH_URL", "http://127.0.0.1:8000")
    with connect(base_url, api_key=os.environ.get("TALENTMATCH_API_KEY"),
                 username=os.environ.get("TALENTMATCH_USERNAME"),
                 password=os.environ.get("TALENTMATCH_PASSWORD")) as client:
        return run(client)


if __name__ == "__main__":
    raise SystemExit(main())
