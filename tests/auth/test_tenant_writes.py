"""Every write endpoint: no credentials → 401, another tenant → 403 and nothing changes, owner → success."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from factories import assert_problem, demand_body, make_user, program_body

W = SimpleNamespace


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    path: Callable[[W], str]
    body: Callable[[W], Any] | None
    owner: str  # attribute of the world: the organization whose record this is
    other: str  # another tenant of the same kind
    role: str = "org_editor"
    ok: int = 200
    content_type: str = "application/json"


def _org(w: W, key: str) -> int:
    return getattr(w, key)["id"]


def _new_key_id(client: Any, w: W) -> int:
    created = client.post(f"/api/v1/organizations/{w.ent_a['id']}/api-keys", json={"name": "hr", "role": "viewer"})
    assert created.status_code == 201, created.text
    return created.json()["id"]


WRITES = [
    Write("demand create", "POST", lambda w: "/api/v1/demands", lambda w: demand_body(w.ent_a["id"]),
          "ent_a", "ent_b", ok=201),
    Write("demand update", "PATCH", lambda w: f"/api/v1/demands/{w.demand_a['id']}", lambda w: {"title": "改了"},
          "ent_a", "ent_b"),
    Write("demand delete", "DELETE", lambda w: f"/api/v1/demands/{w.demand_a['id']}", None, "ent_a", "ent_b", ok=204),
    Write("demand put external", "PUT", lambda w: "/api/v1/demands/external/D-1",
          lambda w: demand_body(w.ent_a["id"], title="换了"), "ent_a", "ent_b"),
    Write("demand bulk", "POST", lambda w: "/api/v1/demands/bulk",
          lambda w: [demand_body(w.ent_a["id"], external_id="D-9")], "ent_a", "ent_b"),
    Write("program create", "POST", lambda w: "/api/v1/programs", lambda w: program_body(w.school_a["id"]),
          "school_a", "school_b", ok=201),
    Write("program update", "PATCH", lambda w: f"/api/v1/programs/{w.program_a['id']}", lambda w: {"name": "新名"},
          "school_a", "school_b"),
    Write("program delete", "DELETE", lambda w: f"/api/v1/programs/{w.program_a['id']}?cascade=true", None,
          "school_a", "school_b", ok=204),
    Write("program put external", "PUT", lambda w: "/api/v1/programs/external/P-1",
          lambda w: program_body(w.school_a["id"], name="换了"), "school_a", "school_b"),
    Write("program bulk", "POST", lambda w: "/api/v1/programs/bulk",
          lambda w: [program_body(w.school_a["id"], external_id="P-9")], "school_a", "school_b"),
    Write("cohort create", "POST", lambda w: "/api/v1/cohorts",
          lambda w: {"program_id": w.program_a["id"], "graduation_year": 2027, "graduates": 10}, "school_a",
          "school_b", ok=201),
    Write("cohort update", "PATCH", lambda w: f"/api/v1/cohorts/{w.cohort_a['id']}", lambda w: {"available": 1},
          "school_a", "school_b"),
    Write("cohort delete", "DELETE", lambda w: f"/api/v1/cohorts/{w.cohort_a['id']}", None, "school_a", "school_b",
          ok=204),
    Write("offer create", "POST", lambda w: "/api/v1/cooperation-offers",
          lambda w: {"organization_id": w.ent_a["id"], "kind": "internship", "title": "实习"}, "ent_a", "ent_b",
          ok=201),
    Write("offer update", "PATCH", lambda w: f"/api/v1/cooperation-offers/{w.offer_a['id']}",
          lambda w: {"title": "改"}, "ent_a", "ent_b"),
    Write("offer delete", "DELETE", lambda w: f"/api/v1/cooperation-offers/{w.offer_a['id']}", None, "ent_a",
          "ent_b", ok=204),
    Write("organization update", "PATCH", lambda w: f"/api/v1/organizations/{w.ent_a['id']}",
          lambda w: {"description": "我们"}, "ent_a", "ent_b", role="org_admin"),
    Write("user create", "POST", lambda w: f"/api/v1/organizations/{w.ent_a['id']}/users",
          lambda w: {"email": "hr@a.example", "password": "Str0ng-enough!", "role": "org_editor"}, "ent_a", "ent_b",
          role="org_admin", ok=201),
    Write("api key create", "POST", lambda w: f"/api/v1/organizations/{w.ent_a['id']}/api-keys",
          lambda w: {"name": "HR system", "role": "org_editor"}, "ent_a", "ent_b", role="org_admin", ok=201),
    Write("api key revoke", "DELETE", lambda w: f"/api/v1/organizations/{w.ent_a['id']}/api-keys/{w.key_id}", None,
          "ent_a", "ent_b", role="org_admin", ok=204),
    Write("user deactivate", "DELETE", lambda w: f"/api/v1/organizations/{w.ent_a['id']}/users/{w.user_id}", None,
          "ent_a", "ent_b", role="org_admin", ok=204),
]


def _send(client: Any, write: Write, w: W, headers: dict[str, str] | None = None) -> Any:
    body = write.body(w) if write.body else None
    content = None if body is None else json.dumps(body)
    hdrs = {"Content-Type": write.content_type} if content is not None else {}
    return client.request(write.method, write.path(w), content=content, headers={**hdrs, **(headers or {})})


def _snapshot(client: Any, w: W) -> dict[str, Any]:
    """Everything a write could change, as the platform admin sees it."""
    out: dict[str, Any] = {}
    for path in ("demands", "programs", "cohorts", "cooperation-offers", "organizations"):
        response = client.get(f"/api/v1/{path}", params={"limit": 100})
        assert response.status_code == 200, response.text
        out[path] = response.json()
    for org in (w.ent_a, w.school_a):
        out[f"users {org['id']}"] = client.get(f"/api/v1/organizations/{org['id']}/users").json()
        out[f"keys {org['id']}"] = client.get(f"/api/v1/organizations/{org['id']}/api-keys").json()
    return out


@pytest.fixture
def w(client: Any, world: W) -> W:
    world.key_id = _new_key_id(client, world)
    world.user_id = make_user("viewer", world.ent_a["id"])["id"]
    return world


@pytest.mark.parametrize("write", WRITES, ids=lambda x: x.name)
def test_no_credentials_is_401(write: Write, w: W, client: Any, anon_client: Any) -> None:
    before = _snapshot(client, w)
    response = _send(anon_client, write, w)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert _snapshot(client, w) == before


@pytest.mark.parametrize("write", WRITES, ids=lambda x: x.name)
def test_other_tenant_is_403_and_changes_nothing(write: Write, w: W, client: Any, client_as: Any) -> None:
    before = _snapshot(client, w)
    intruder = client_as(write.role, _org(w, write.other))
    response = _send(intruder, write, w)
    assert_problem(response, 403)
    assert _snapshot(client, w) == before


@pytest.mark.parametrize("write", WRITES, ids=lambda x: x.name)
def test_owner_succeeds(write: Write, w: W, client_as: Any) -> None:
    owner = client_as(write.role, _org(w, write.owner))
    response = _send(owner, write, w)
    assert response.status_code == write.ok, response.text


@pytest.mark.parametrize("write", [x for x in WRITES if x.role == "org_editor"], ids=lambda x: x.name)
def test_viewer_of_the_owner_cannot_write(write: Write, w: W, client: Any, client_as: Any) -> None:
    viewer = client_as("viewer", _org(w, write.owner))
    before = _snapshot(client, w)
    response = _send(viewer, write, w)
    assert_problem(response, 403)
    assert _snapshot(client, w) == before


def test_only_platform_admins_create_and_delete_organizations(w: W, client: Any, client_as: Any) -> None:
    org_admin = client_as("org_admin", w.ent_a["id"])
    assert_problem(org_admin.post("/api/v1/organizations", json={"kind": "enterprise", "name": "新公司"}), 403)
    assert_problem(org_admin.delete(f"/api/v1/organizations/{w.ent_a['id']}"), 403)
    assert client.get(f"/api/v1/organizations/{w.ent_a['id']}").status_code == 200
    created = client.post("/api/v1/organizations", json={"kind": "enterprise", "name": "新公司"})
    assert created.status_code == 201


def test_org_admin_cannot_verify_itself_or_change_kind(client: Any, client_as: Any) -> None:
    org = client.post("/api/v1/organizations", json={"kind": "enterprise", "name": "未认证", "verified": False}).json()
    admin = client_as("org_admin", org["id"])
    body = assert_problem(admin.patch(f"/api/v1/organizations/{org['id']}", json={"verified": True}), 403)
    assert "verified" in body["detail"]
    assert client.get(f"/api/v1/organizations/{org['id']}").json()["verified"] is False
    assert admin.patch(f"/api/v1/organizations/{org['id']}", json={"description": "简介"}).status_code == 200
