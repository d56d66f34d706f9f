"""Placements concern the demand's enterprise and the supply's school: only they (and admins) write them."""

from __future__ import annotations

from typing import Any

import pytest
from factories import assert_problem, make_cohort, make_demand, make_org, make_program, make_school

URL = "/api/v1/placements"


@pytest.fixture
def parties(client: Any) -> dict[str, Any]:
    enterprise, school = make_org(client), make_school(client)
    program = make_program(client, school["id"])
    return {"enterprise": enterprise, "school": school, "demand": make_demand(client, enterprise["id"]),
            "cohort": make_cohort(client, program["id"])}


def _body(p: dict[str, Any]) -> dict[str, Any]:
    return {"demand_id": p["demand"]["id"], "supply_kind": "cohort", "supply_id": p["cohort"]["id"]}


@pytest.mark.parametrize("party", ["enterprise", "school"])
def test_either_party_records_and_moves_it(party: str, parties: dict[str, Any], client_as: Any,
                                           client: Any) -> None:
    editor = client_as("org_editor", parties[party]["id"])
    created = editor.post(URL, json=_body(parties))
    assert created.status_code == 201, created.text
    moved = editor.patch(f"{URL}/{created.json()['id']}", json={"status": "contacted"})
    assert moved.status_code == 200, moved.text
    actions = [e["action"] for e in client.get("/api/v1/audit-log", params={"entity": "placement"}).json()["items"]]
    assert actions == ["update", "create"]


def test_outsiders_get_401_403_404_and_change_nothing(parties: dict[str, Any], client: Any, client_as: Any,
                                                      anon_client: Any) -> None:
    placement = client.post(URL, json=_body(parties)).json()
    outsider = client_as("org_editor", make_org(client)["id"])
    assert_problem(anon_client.post(URL, json=_body(parties)), 401)
    assert_problem(outsider.post(URL, json=_body(parties)), 403)
    assert_problem(outsider.patch(f"{URL}/{placement['id']}", json={"status": "hired"}), 404)
    assert_problem(outsider.get(f"{URL}/{placement['id']}"), 404)
    assert outsider.get(URL).json()["total"] == 0
    assert_problem(client_as("viewer", parties["school"]["id"]).patch(f"{URL}/{placement['id']}",
                                                                       json={"status": "hired"}), 403)
    assert client.get(f"{URL}/{placement['id']}").json()["status"] == "recommended"
    assert client.get(URL).json()["total"] == 1


def test_planners_read_all_placements(parties: dict[str, Any], client: Any, client_as: Any) -> None:
    client.post(URL, json=_body(parties))
    assert client_as("planner").get(URL).json()["total"] == 1
