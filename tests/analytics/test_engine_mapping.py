"""Demands without wanted majors are mapped through the matching engine once its index is ready."""

from __future__ import annotations

import time
from typing import Any

from factories import make_cohort, make_demand, make_org, make_program, make_school


def _wait_for_index(client: Any) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError("the match index did not become ready")


def test_matched_mapping_from_the_best_programs(client: Any) -> None:
    school = make_school(client)
    program = make_program(client, school["id"], name="工业机器人技术", major_code="460305",
                           description="工业机器人编程、调试与运维，ABB与发那科机器人离线编程。",
                           skills=["工业机器人编程", "机器人调试", "离线编程"], industries=["smart_mfg"])
    make_cohort(client, program["id"], graduation_year=2025, graduates=40, available=40)
    enterprise = make_org(client)
    demand = make_demand(client, enterprise["id"], title="工业机器人调试工程师", majors=[], industry=None,
                         description="负责ABB工业机器人编程与现场调试，离线编程经验优先。",
                         skills=["工业机器人编程", "机器人调试"], headcount=6, valid_from="2025-04-01")
    _wait_for_index(client)

    mapping = client.get(f"/api/v1/analytics/demands/{demand['id']}/majors").json()
    assert mapping["source"] == "matched"
    assert [link["major_code"] for link in mapping["links"]] == ["460305"]
    assert mapping["links"][0]["name"] == "工业机器人技术"

    body = client.get("/api/v1/analytics/supply-demand", params={"year": 2025, "dimension": "major"}).json()
    row = {i["key"]: i for i in body["items"]}["460305"]
    assert (row["demand"], row["supply"], row["demand_by_source"]) == (6, 40, {"matched": 6})
    assert body["mapping"] == {"matched": 6}
