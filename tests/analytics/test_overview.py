"""GET /api/v1/analytics/overview: the cockpit's key indicators on the fixed world."""

from __future__ import annotations

from typing import Any


def test_key_indicators(client: Any, world: dict[str, Any]) -> None:
    body = client.get("/api/v1/analytics/overview", params={"year": 2025}).json()
    assert (body["open_demands"], body["open_headcount"]) == (4, 61)          # D4 is a draft
    assert (body["available_graduates"], body["graduates"]) == (56, 150)
    assert (body["placement_rate"], body["reported_rate"], body["hired"]) == (0.0, 0.6267, 0)
    assert body["warnings"] == {"red": 1, "amber": 0, "green": 1, "low_confidence": 3}
    assert body["trend"] == {"years": [2021, 2022, 2023, 2024, 2025], "demand": [0, 0, 0, 12, 49],
                             "supply": [0, 0, 0, 15, 56]}


def test_placements_move_the_rate(client: Any, world: dict[str, Any]) -> None:
    body = {"demand_id": world["d1"]["id"], "supply_kind": "cohort", "supply_id": world["p1_2025"]["id"],
            "status": "hired", "count": 15}
    assert client.post("/api/v1/placements", json=body).status_code == 201
    overview = client.get("/api/v1/analytics/overview", params={"year": 2025}).json()
    assert (overview["hired"], overview["placement_rate"]) == (15, 0.1)
