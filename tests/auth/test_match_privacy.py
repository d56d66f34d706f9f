"""Matching and search never show drafts or other tenants' private fields."""

from __future__ import annotations

import time
from typing import Any

from factories import make_demand, make_org, make_program, make_school


def _ready(client: Any) -> None:
    index = client.app.state.match_index
    deadline = time.monotonic() + 30
    while not index.ready:
        assert index.error is None, index.error
        assert time.monotonic() < deadline, "match index was not built in time"
        time.sleep(0.02)


def test_drafts_and_external_ids_stay_private(client: Any, client_as: Any) -> None:
    _ready(client)
    ent, school = make_org(client), make_school(client)
    open_demand = make_demand(client, ent["id"], external_id="HR-OPEN")
    draft_demand = make_demand(client, ent["id"], status="draft", title="PLC电气调试草稿岗位")
    program = make_program(client, school["id"], external_id="SIS-1")
    outsider = client_as("org_editor", make_org(client)["id"])
    school_user = client_as("viewer", school["id"])
    _ready(client)  # each new client runs the app's lifespan, which rebuilds the index

    matches = outsider.get(f"/api/v1/programs/{program['id']}/matches").json()["items"]
    assert [m["id"] for m in matches if m["kind"] == "demand"] == [open_demand["id"]]
    assert all(m["external_id"] is None for m in matches)

    found = outsider.get("/api/v1/search", params={"q": "PLC"}).json()["items"]
    assert draft_demand["id"] not in [m["id"] for m in found if m["kind"] == "demand"]
    assert all(m["external_id"] is None for m in found)

    own = school_user.get("/api/v1/search", params={"q": "电气自动化", "type": "program"}).json()["items"]
    assert [m["external_id"] for m in own] == ["SIS-1"]

    assert outsider.get(f"/api/v1/demands/{draft_demand['id']}/matches").status_code == 404
