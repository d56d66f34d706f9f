"""The audit log: one entry per write, in the write's transaction, readable by admins and planners only."""

from __future__ import annotations

from typing import Any

import pytest
from factories import api_key_headers, assert_problem, demand_body, make_org, make_school, program_body
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEntry

LOG = "/api/v1/audit-log"


def _entries(client: Any, **params: Any) -> list[dict[str, Any]]:
    response = client.get(LOG, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


class TestWritesAreAudited:
    def test_create_update_delete(self, client: Any, client_as: Any) -> None:
        org = make_org(client)
        editor = client_as("org_editor", org["id"])
        me = editor.get("/api/v1/auth/me").json()
        created = editor.post("/api/v1/demands", json=demand_body(None), headers={"X-Request-ID": "req-create"})
        demand_id = created.json()["id"]
        editor.patch(f"/api/v1/demands/{demand_id}", json={"headcount": 9, "title": "PLC工程师"},
                     headers={"X-Request-ID": "req-update"})
        editor.delete(f"/api/v1/demands/{demand_id}", headers={"X-Request-ID": "req-delete"})

        entries = _entries(client, entity="demand")
        assert [e["action"] for e in entries] == ["delete", "update", "create"]  # newest first
        for entry in entries:
            assert entry["actor_kind"] == "user"
            assert entry["actor_id"] == str(me["id"])
            assert entry["actor_name"] == me["name"]
            assert entry["organization_id"] == org["id"]
            assert entry["entity_id"] == str(demand_id)
        delete, update, create = entries
        assert [create["request_id"], update["request_id"], delete["request_id"]] == ["req-create", "req-update",
                                                                                      "req-delete"]
        assert create["changes"]["title"] == "PLC电气调试工程师"
        assert create["changes"]["organization_id"] == org["id"]
        assert update["changes"] == {"headcount": [5, 9], "title": ["PLC电气调试工程师", "PLC工程师"]}
        assert delete["changes"]["title"] == "PLC工程师"

    def test_unchanged_update_writes_no_entry(self, client: Any) -> None:
        org = make_org(client)
        demand = client.post("/api/v1/demands", json=demand_body(org["id"])).json()
        client.patch(f"/api/v1/demands/{demand['id']}", json={"headcount": demand["headcount"]})
        assert [e["action"] for e in _entries(client, entity="demand")] == ["create"]

    def test_refused_write_leaves_no_entry(self, client: Any, client_as: Any) -> None:
        org, other = make_org(client), make_org(client)
        client_as("org_editor", other["id"]).post("/api/v1/demands", json=demand_body(org["id"]))
        assert _entries(client, entity="demand") == []

    def test_bulk_import_and_put_external_with_an_api_key(self, client: Any) -> None:
        school = make_school(client)
        headers = api_key_headers(client, school["id"])
        rows = [program_body(None, external_id=f"P{i}") for i in range(3)]
        bulk = client.post("/api/v1/programs/bulk", json=rows, headers=headers)
        assert bulk.status_code == 200, bulk.text
        client.put("/api/v1/programs/external/P0", json=program_body(None, name="新专业"), headers=headers)
        put, imported = _entries(client, entity="program")
        assert imported["action"] == "bulk_import" and imported["actor_kind"] == "api_key"
        assert imported["organization_id"] == school["id"]
        assert imported["changes"]["created"] == 3
        assert sorted(imported["changes"]["created_ids"]) == sorted(i["id"] for i in bulk.json()["items"])
        assert put["action"] == "upsert" and put["changes"] == {"name": ["电气自动化技术", "新专业"]}

    def test_key_creation_and_revocation(self, client: Any) -> None:
        org = make_org(client)
        created = client.post(f"/api/v1/organizations/{org['id']}/api-keys", json={"name": "HR", "role": "viewer"})
        key = created.json()
        client.delete(f"/api/v1/organizations/{org['id']}/api-keys/{key['id']}")
        revoke, create = _entries(client, entity="api_key")
        assert (create["action"], revoke["action"]) == ("api_key.create", "api_key.revoke")
        assert create["changes"] == {"name": "HR", "role": "viewer", "prefix": key["prefix"], "expires_at": None}
        assert key["key"] not in str(create)
        assert create["actor_kind"] == "user" and create["organization_id"] == org["id"]

    def test_organization_writes(self, client: Any) -> None:
        org = make_org(client)
        client.patch(f"/api/v1/organizations/{org['id']}", json={"verified": False})
        client.delete(f"/api/v1/organizations/{org['id']}")
        actions = [(e["action"], e["entity_id"]) for e in _entries(client, entity="organization")]
        assert actions == [("delete", str(org["id"])), ("update", str(org["id"])), ("create", str(org["id"]))]


class TestReadingTheLog:
    def test_filters_and_pagination(self, client: Any) -> None:
        org = make_org(client)
        for i in range(3):
            client.post("/api/v1/demands", json=demand_body(org["id"], title=f"岗位{i}"))
        page = client.get(LOG, params={"entity": "demand", "action": "create", "limit": 2, "offset": 1}).json()
        assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 1 and len(page["items"]) == 2
        assert _entries(client, organization_id=org["id"], entity="organization") != []
        assert _entries(client, action="nothing-like-this") == []

    def test_planner_reads_everything(self, client: Any, client_as: Any) -> None:
        make_org(client)
        assert len(_entries(client_as("planner"))) == 1

    def test_org_admin_reads_only_its_organization(self, client: Any, client_as: Any) -> None:
        mine, other = make_org(client), make_org(client)
        client.post("/api/v1/demands", json=demand_body(other["id"]))
        entries = _entries(client_as("org_admin", mine["id"]))
        assert {e["organization_id"] for e in entries} == {mine["id"]}

    @pytest.mark.parametrize("role", ["org_editor", "viewer"])
    def test_others_are_refused(self, role: str, client: Any, client_as: Any) -> None:
        org = make_org(client)
        assert_problem(client_as(role, org["id"]).get(LOG), 403)

    def test_anonymous_is_401(self, anon_client: Any) -> None:
        assert_problem(anon_client.get(LOG), 401)

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    def test_the_api_cannot_change_it(self, method: str, client: Any) -> None:
        make_org(client)
        entry_id = _entries(client)[0]["id"]
        assert client.request(method, LOG, json={}).status_code == 405
        assert client.request(method, f"{LOG}/{entry_id}", json={}).status_code in (404, 405)
        assert len(_entries(client)) == 1


def test_the_database_refuses_updates(client: Any, db_session: Any) -> None:
    make_org(client)
    with pytest.raises(DBAPIError):
        db_session.execute(text("UPDATE audit_log SET action = 'tampered'"))
    db_session.rollback()
    assert db_session.scalars(select(AuditEntry.action)).all() == ["create"]


def test_the_orm_refuses_updates(client: Any, db_session: Any) -> None:
    make_org(client)
    entry = db_session.scalars(select(AuditEntry)).one()
    entry.action = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db_session.flush()
    db_session.rollback()
