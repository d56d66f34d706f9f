"""Reading: published records for every caller, drafts for their owners; unverified organizations publish nothing."""

from __future__ import annotations

from typing import Any

import pytest
from factories import (
    assert_problem,
    demand_body,
    ids,
    make_cohort,
    make_demand,
    make_offer,
    make_org,
    make_program,
    make_school,
    program_body,
)


@pytest.fixture
def drafts(client: Any) -> Any:
    ent, school = make_org(client), make_school(client)
    draft_program = make_program(client, school["id"], status="draft", external_id="SECRET-P")
    return {
        "ent": ent, "school": school,
        "demand": make_demand(client, ent["id"], status="draft"),
        "open_demand": make_demand(client, ent["id"], external_id="HR-7"),
        "program": draft_program,
        "cohort": make_cohort(client, draft_program["id"]),
        "offer": make_offer(client, ent["id"], status="draft"),
    }


PATHS = {"demand": "demands", "program": "programs", "cohort": "cohorts", "offer": "cooperation-offers"}


@pytest.mark.parametrize("kind", PATHS)
def test_other_tenants_do_not_see_drafts(kind: str, drafts: Any, client: Any, client_as: Any) -> None:
    outsider = client_as("org_editor", make_org(client)["id"])
    record = drafts[kind]
    assert_problem(outsider.get(f"/api/v1/{PATHS[kind]}/{record['id']}"), 404)
    assert record["id"] not in ids(outsider.get(f"/api/v1/{PATHS[kind]}", params={"limit": 100}).json())


@pytest.mark.parametrize("role", ["planner", "viewer"])
def test_planners_and_viewers_see_published_records_only(role: str, drafts: Any, client_as: Any) -> None:
    reader = client_as(role)
    assert ids(reader.get("/api/v1/demands").json()) == [drafts["open_demand"]["id"]]
    assert ids(reader.get("/api/v1/programs").json()) == []
    assert ids(reader.get("/api/v1/cohorts").json()) == []


@pytest.mark.parametrize("kind", PATHS)
def test_owners_and_platform_admins_see_drafts(kind: str, drafts: Any, client: Any, client_as: Any) -> None:
    owner_org = drafts["school"] if kind in ("program", "cohort") else drafts["ent"]
    owner = client_as("viewer", owner_org["id"])
    record = drafts[kind]
    for reader in (owner, client):
        assert reader.get(f"/api/v1/{PATHS[kind]}/{record['id']}").status_code == 200
        assert record["id"] in ids(reader.get(f"/api/v1/{PATHS[kind]}", params={"limit": 100}).json())


def test_other_tenants_cannot_write_a_draft_they_cannot_see(drafts: Any, client: Any, client_as: Any) -> None:
    outsider = client_as("org_editor", make_org(client)["id"])
    assert_problem(outsider.patch(f"/api/v1/demands/{drafts['demand']['id']}", json={"title": "x"}), 404)
    assert_problem(outsider.post("/api/v1/cohorts", json={"program_id": drafts["program"]["id"],
                                                          "graduation_year": 2030, "graduates": 1}), 422)


def test_external_ids_are_private(drafts: Any, client: Any, client_as: Any) -> None:
    outsider = client_as("viewer", make_org(client)["id"])
    seen = outsider.get(f"/api/v1/demands/{drafts['open_demand']['id']}").json()
    assert seen["external_id"] is None
    owner = client_as("viewer", drafts["ent"]["id"])
    assert owner.get(f"/api/v1/demands/{drafts['open_demand']['id']}").json()["external_id"] == "HR-7"


class TestUnverifiedOrganization:
    @pytest.fixture
    def org(self, client: Any) -> dict[str, Any]:
        return make_org(client, verified=False)

    def test_can_save_drafts_but_not_publish(self, org: dict[str, Any], client_as: Any) -> None:
        editor = client_as("org_editor", org["id"])
        body = assert_problem(editor.post("/api/v1/demands", json=demand_body(None)), 403)
        assert "not verified" in body["detail"]
        draft = editor.post("/api/v1/demands", json=demand_body(None, status="draft"))
        assert draft.status_code == 201, draft.text
        assert_problem(editor.patch(f"/api/v1/demands/{draft.json()['id']}", json={"status": "open"}), 403)
        assert editor.get(f"/api/v1/demands/{draft.json()['id']}").json()["status"] == "draft"

    def test_sync_and_bulk_are_held_to_the_same_rule(self, org: dict[str, Any], client_as: Any) -> None:
        editor = client_as("org_editor", org["id"])
        assert_problem(editor.put("/api/v1/demands/external/X1", json=demand_body(None)), 403)
        response = editor.post("/api/v1/demands/bulk", json=[demand_body(None, external_id="X2")])
        body = assert_problem(response, 403)
        assert body["errors"][0]["row"] == 1
        ok = editor.post("/api/v1/demands/bulk", json=[demand_body(None, external_id="X2", status="draft")])
        assert ok.status_code == 200, ok.text

    def test_platform_admin_verification_allows_publishing(self, org: dict[str, Any], client: Any,
                                                           client_as: Any) -> None:
        editor = client_as("org_editor", org["id"])
        assert client.patch(f"/api/v1/organizations/{org['id']}", json={"verified": True}).status_code == 200
        assert editor.post("/api/v1/demands", json=demand_body(None)).status_code == 201


class TestOwnerFromCredentials:
    def test_body_naming_another_organization_is_403(self, client: Any, client_as: Any) -> None:
        school, other = make_school(client), make_school(client)
        editor = client_as("org_editor", school["id"])
        assert_problem(editor.post("/api/v1/programs", json=program_body(other["id"])), 403)
        assert_problem(editor.post(f"/api/v1/programs/bulk?organization_id={other['id']}",
                                   json=[program_body(None, external_id="P")]), 403)
        assert client.get("/api/v1/programs").json()["total"] == 0

    def test_bulk_rows_default_to_the_callers_organization(self, client: Any, client_as: Any) -> None:
        school = make_school(client)
        editor = client_as("org_editor", school["id"])
        rows = [program_body(None, external_id=f"P{i}") for i in range(3)]
        for row in rows:
            row.pop("organization_id")
        response = editor.post("/api/v1/programs/bulk", json=rows)
        assert response.status_code == 200, response.text
        assert {p["organization_id"] for p in client.get("/api/v1/programs").json()["items"]} == {school["id"]}


class TestAnonymousRead:
    def test_off_by_default(self, drafts: Any, anon_client: Any) -> None:
        assert_problem(anon_client.get("/api/v1/demands"), 401)

    def test_when_enabled_only_published_records_and_no_writes(self, drafts: Any, anon_client: Any,
                                                               override_settings: Any) -> None:
        override_settings(ALLOW_ANONYMOUS_READ="true")
        assert ids(anon_client.get("/api/v1/demands").json()) == [drafts["open_demand"]["id"]]
        assert_problem(anon_client.get(f"/api/v1/demands/{drafts['demand']['id']}"), 404)
        assert_problem(anon_client.post("/api/v1/demands", json=demand_body(drafts["ent"]["id"])), 401)
        assert_problem(anon_client.get("/api/v1/audit-log"), 403)
