"""/api/v1/placements and the destination rate built on it."""

from __future__ import annotations

from typing import Any

import pytest
from factories import assert_problem, make_cohort, make_demand, make_org, make_program, make_school

URL = "/api/v1/placements"
RATES = "/api/v1/analytics/destination-rates"


@pytest.fixture
def setup(client: Any) -> dict[str, Any]:
    enterprise = make_org(client)
    school = make_school(client)
    program = make_program(client, school["id"])
    return {
        "demand": make_demand(client, enterprise["id"]),
        "school": school,
        "program": program,
        "cohort": make_cohort(client, program["id"], graduation_year=2025, graduates=50, available=20),
    }


def _create(client: Any, setup: dict[str, Any], **overrides: Any) -> Any:
    body = {"demand_id": setup["demand"]["id"], "supply_kind": "cohort", "supply_id": setup["cohort"]["id"]}
    return client.post(URL, json={**body, **overrides})


class TestCreate:
    def test_cohort_placement(self, client: Any, setup: dict[str, Any]) -> None:
        response = _create(client, setup, count=3, note="推荐3人")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "recommended" and body["count"] == 3 and body["year"] == 2025
        assert body["program_id"] == setup["program"]["id"] and body["supply_id"] == setup["cohort"]["id"]
        assert body["organization_id"] == setup["school"]["id"]
        assert [h["status"] for h in body["history"]] == ["recommended"]

    def test_program_placement(self, client: Any, setup: dict[str, Any]) -> None:
        body = _create(client, setup, supply_kind="program", supply_id=setup["program"]["id"]).json()
        assert body["cohort_id"] is None and body["supply_id"] == setup["program"]["id"]

    @pytest.mark.parametrize(("override", "field"), [
        ({"demand_id": 999999}, "demand_id"), ({"supply_id": 999999}, "supply_id"),
        ({"supply_kind": "alumni"}, "supply_kind"), ({"status": "married"}, "status"), ({"count": 0}, "count"),
    ])
    def test_invalid(self, client: Any, setup: dict[str, Any], override: dict[str, Any], field: str) -> None:
        body = assert_problem(_create(client, setup, **override), 422)
        assert body["errors"][0]["field"] == field


class TestTransitions:
    def test_full_path_to_hired(self, client: Any, setup: dict[str, Any]) -> None:
        pid = _create(client, setup).json()["id"]
        for status in ("contacted", "interviewing", "hired"):
            response = client.patch(f"{URL}/{pid}", json={"status": status})
            assert response.status_code == 200 and response.json()["status"] == status
        assert [h["status"] for h in client.get(f"{URL}/{pid}").json()["history"]] == [
            "recommended", "contacted", "interviewing", "hired"]

    def test_skip_forward_and_reject(self, client: Any, setup: dict[str, Any]) -> None:
        pid = _create(client, setup).json()["id"]
        assert client.patch(f"{URL}/{pid}", json={"status": "interviewing"}).status_code == 200
        assert client.patch(f"{URL}/{pid}", json={"status": "rejected", "note": "薪资不符"}).json()["note"] == "薪资不符"

    @pytest.mark.parametrize(("start", "target"), [
        ("interviewing", "contacted"), ("hired", "rejected"), ("rejected", "contacted"), ("hired", "recommended"),
    ])
    def test_disallowed_moves_are_409(self, client: Any, setup: dict[str, Any], start: str, target: str) -> None:
        pid = _create(client, setup, status=start).json()["id"]
        body = assert_problem(client.patch(f"{URL}/{pid}", json={"status": target}), 409)
        assert start in body["detail"] and target in body["detail"]

    def test_missing_is_404(self, client: Any) -> None:
        assert_problem(client.patch(f"{URL}/424242", json={"status": "hired"}), 404)


class TestList:
    def test_filters(self, client: Any, setup: dict[str, Any]) -> None:
        a = _create(client, setup).json()["id"]
        b = _create(client, setup, status="hired").json()["id"]
        hired = client.get(URL, params={"status": "hired"}).json()
        assert [p["id"] for p in hired["items"]] == [b] and hired["total"] == 1
        both = client.get(URL, params={"demand_id": setup["demand"]["id"], "sort": "created_at"}).json()
        assert [p["id"] for p in both["items"]] == [a, b]


class TestDestinationRate:
    def test_per_school_program_and_year(self, client: Any, setup: dict[str, Any]) -> None:
        _create(client, setup, status="hired", count=4)
        _create(client, setup, status="hired", count=1)
        _create(client, setup, status="interviewing", count=2)
        _create(client, setup, status="rejected", count=7)
        body = client.get(RATES, params={"group_by": "school,year"}).json()
        [row] = body["items"]
        assert row["school"] == setup["school"]["id"] and row["year"] == 2025
        assert row["school_name"] == setup["school"]["name"]
        assert (row["graduates"], row["available"], row["hired"]) == (50, 20, 5)
        assert row["by_status"] == {"recommended": 0, "contacted": 0, "interviewing": 2, "hired": 5, "rejected": 7}
        assert row["placement_rate"] == 0.1 and row["reported_rate"] == 0.6
        program = client.get(RATES, params={"group_by": "program"}).json()["items"][0]
        assert program["program_name"] == setup["program"]["name"] and program["hired"] == 5

    def test_no_graduates_gives_null_rate(self, client: Any, setup: dict[str, Any]) -> None:
        body = client.get(RATES, params={"group_by": "year", "year_from": 2030, "year_to": 2031}).json()
        assert body["items"] == [] and body["totals"]["placement_rate"] is None

    def test_bad_group(self, client: Any) -> None:
        assert_problem(client.get(RATES, params={"group_by": "planet"}), 422)
