"""Subscription API: validation, tenant isolation, secrets, the delivery log and the ops status."""

from __future__ import annotations

from typing import Any

import pytest
from factories import assert_problem, make_demand, make_org

from app.webhooks.signing import sign, url_problem, verify

URL = "https://hooks.example.com/talentmatch"


def body(**overrides: Any) -> dict[str, Any]:
    return {"name": "推送", "target_url": URL, "kind": "matches", "scope": "demands", **overrides}


@pytest.fixture
def org_a(client: Any) -> dict[str, Any]:
    return make_org(client)


@pytest.fixture
def org_b(client: Any) -> dict[str, Any]:
    return make_org(client)


class TestCreate:
    def test_secret_is_shown_once(self, client_as: Any, org_a: dict) -> None:
        admin = client_as("org_admin", org_a["id"])
        r = admin.post("/api/v1/webhooks/subscriptions", json=body())
        assert r.status_code == 201
        created = r.json()
        assert created["organization_id"] == org_a["id"] and created["min_score"] == 0.5
        assert created["secret"].startswith("whsec_")
        read = admin.get(f"/api/v1/webhooks/subscriptions/{created['id']}").json()
        assert "secret" not in read and read["secret_hint"] == "…" + created["secret"][-4:]

    def test_rotating_returns_a_new_secret(self, client_as: Any, org_a: dict) -> None:
        admin = client_as("org_admin", org_a["id"])
        created = admin.post("/api/v1/webhooks/subscriptions", json=body()).json()
        rotated = admin.post(f"/api/v1/webhooks/subscriptions/{created['id']}/secret").json()
        assert rotated["secret"] != created["secret"] and rotated["secret"].startswith("whsec_")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"target_url": "ftp://example.com/x"}, "target_url"),
            ({"target_url": "https://user:pw@example.com/x"}, "target_url"),
            ({"target_url": "not a url"}, "target_url"),
            ({"scope": None}, "scope"),
            ({"scope": "records", "record_refs": []}, "record_refs"),
            ({"scope": "records", "record_refs": ["job:1"]}, "record_refs"),
            ({"kind": "saved_search", "scope": None}, "query"),
            ({"min_score": 1.5}, "min_score"),
        ],
    )
    def test_invalid_bodies_are_422(self, client: Any, org_a: dict, overrides: dict, field: str) -> None:
        r = client.post("/api/v1/webhooks/subscriptions", json=body(organization_id=org_a["id"], **overrides))
        problem = assert_problem(r, 422)
        assert field in {e["field"] for e in problem["errors"]}

    def test_record_refs_must_be_own_records(self, client: Any, client_as: Any, org_a: dict, org_b: dict) -> None:
        mine = make_demand(client, org_a["id"])
        theirs = make_demand(client, org_b["id"])
        admin = client_as("org_admin", org_a["id"])
        ok = admin.post("/api/v1/webhooks/subscriptions",
                        json=body(scope="records", record_refs=[f"demand:{mine['id']}"]))
        assert ok.status_code == 201 and ok.json()["record_refs"] == [f"demand:{mine['id']}"]
        r = admin.post("/api/v1/webhooks/subscriptions",
                       json=body(scope="records", record_refs=[f"demand:{theirs['id']}"]))
        assert_problem(r, 422)

    def test_private_targets_are_refused_when_not_allowed(
        self, no_private_targets: None, client: Any, org_a: dict
    ) -> None:
        for url in ("http://127.0.0.1:8080/x", "http://10.1.2.3/x", "http://localhost/x", "http://[::1]/x",
                    "http://169.254.169.254/latest/meta-data"):
            r = client.post("/api/v1/webhooks/subscriptions", json=body(organization_id=org_a["id"], target_url=url))
            assert_problem(r, 422)

    def test_without_credentials_401(self, anon_client: Any) -> None:
        assert_problem(anon_client.get("/api/v1/webhooks/subscriptions"), 401)
        assert_problem(anon_client.post("/api/v1/webhooks/subscriptions", json=body()), 401)


class TestTenantIsolation:
    def test_other_organizations_subscriptions_are_invisible(
        self, client_as: Any, org_a: dict, org_b: dict
    ) -> None:
        a = client_as("org_admin", org_a["id"])
        b = client_as("org_admin", org_b["id"])
        sub = a.post("/api/v1/webhooks/subscriptions", json=body()).json()
        b.post("/api/v1/webhooks/subscriptions", json=body(name="B"))
        path = f"/api/v1/webhooks/subscriptions/{sub['id']}"
        assert_problem(b.get(path), 404)
        assert_problem(b.patch(path, json={"name": "stolen"}), 404)
        assert_problem(b.delete(path), 404)
        assert_problem(b.post(f"{path}/test"), 404)
        assert_problem(b.post(f"{path}/secret"), 404)
        assert_problem(b.get(f"{path}/deliveries"), 404)
        listed = b.get("/api/v1/webhooks/subscriptions").json()
        assert [s["name"] for s in listed["items"]] == ["B"] and listed["total"] == 1

    def test_cannot_create_for_another_organization(self, client_as: Any, org_a: dict, org_b: dict) -> None:
        a = client_as("org_admin", org_a["id"])
        assert_problem(a.post("/api/v1/webhooks/subscriptions", json=body(organization_id=org_b["id"])), 403)

    def test_viewers_read_but_may_not_change(self, client_as: Any, org_a: dict) -> None:
        sub = client_as("org_editor", org_a["id"]).post("/api/v1/webhooks/subscriptions", json=body()).json()
        viewer = client_as("viewer", org_a["id"])
        path = f"/api/v1/webhooks/subscriptions/{sub['id']}"
        assert viewer.get(path).status_code == 200
        assert viewer.get(f"{path}/deliveries").status_code == 200
        assert_problem(viewer.patch(path, json={"name": "x"}), 403)
        assert_problem(viewer.post(f"{path}/test"), 403)
        assert_problem(viewer.post("/api/v1/webhooks/subscriptions", json=body()), 403)

    def test_platform_admin_sees_all(self, client: Any, client_as: Any, org_a: dict, org_b: dict) -> None:
        client_as("org_admin", org_a["id"]).post("/api/v1/webhooks/subscriptions", json=body())
        client_as("org_admin", org_b["id"]).post("/api/v1/webhooks/subscriptions", json=body())
        assert client.get("/api/v1/webhooks/subscriptions").json()["total"] == 2
        only_b = client.get("/api/v1/webhooks/subscriptions", params={"organization_id": org_b["id"]}).json()
        assert [s["organization_id"] for s in only_b["items"]] == [org_b["id"]]


class TestUpdateAndDelete:
    def test_patch_and_delete(self, client_as: Any, org_a: dict) -> None:
        a = client_as("org_admin", org_a["id"])
        sub = a.post("/api/v1/webhooks/subscriptions", json=body()).json()
        path = f"/api/v1/webhooks/subscriptions/{sub['id']}"
        r = a.patch(path, json={"min_score": 0.8, "active": False, "scope": "supplies"})
        assert r.status_code == 200
        assert (r.json()["min_score"], r.json()["active"], r.json()["scope"]) == (0.8, False, "supplies")
        assert_problem(a.patch(path, json={"target_url": "gopher://x"}), 422)
        assert_problem(a.patch(path, json={"scope": "records"}), 422)  # records need record_refs
        assert a.delete(path).status_code == 204
        assert_problem(a.get(path), 404)

    def test_changes_are_audited_without_the_secret(self, client: Any, client_as: Any, org_a: dict) -> None:
        a = client_as("org_admin", org_a["id"])
        sub = a.post("/api/v1/webhooks/subscriptions", json=body()).json()
        a.patch(f"/api/v1/webhooks/subscriptions/{sub['id']}", json={"name": "改名"})
        entries = client.get("/api/v1/audit-log", params={"entity": "webhook_subscription"}).json()["items"]
        assert {e["action"] for e in entries} >= {"create", "update"}
        assert sub["secret"] not in str(entries)


class TestDeliveryLogAndStatus:
    def test_queued_ping_appears_in_the_log_and_the_status(
        self, no_workers: None, client: Any, client_as: Any, org_a: dict, db_session: Any
    ) -> None:
        from app.webhooks.service import webhook_status

        a = client_as("org_admin", org_a["id"])
        sub = a.post("/api/v1/webhooks/subscriptions", json=body()).json()
        queued = a.post(f"/api/v1/webhooks/subscriptions/{sub['id']}/test").json()
        log = a.get(f"/api/v1/webhooks/subscriptions/{sub['id']}/deliveries").json()
        assert log["total"] == 1
        (entry,) = log["items"]
        assert entry["delivery_id"] == queued["delivery_id"] and entry["status"] == "pending"
        assert entry["attempts"] == 0 and entry["payload"]["type"] == "ping"
        assert a.get(f"/api/v1/webhooks/subscriptions/{sub['id']}/deliveries",
                      params={"status": "delivered"}).json()["total"] == 0
        status = webhook_status(db_session)
        assert status["pending"] == 1 and status["oldest_pending_age_seconds"] >= 0
        assert status["worker"] is None


class TestSigning:
    def test_signature_is_hmac_sha256_of_the_raw_body(self) -> None:
        import hashlib
        import hmac

        raw = '{"a":"中文"}'.encode()
        assert sign("k", raw) == "sha256=" + hmac.new(b"k", raw, hashlib.sha256).hexdigest()
        assert verify("k", raw, sign("k", raw)) and not verify("other", raw, sign("k", raw))

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [("https://example.com/x", True), ("http://8.8.8.8/x", True), ("http://192.168.1.1/x", False),
         ("http://127.0.0.1/x", False), ("http://[fd00::1]/x", False), ("file:///etc/passwd", False)],
    )
    def test_url_policy_without_private_targets(self, url: str, allowed: bool) -> None:
        assert (url_problem(url, allow_private=False, resolve=False) is None) is allowed
