"""Password login (OAuth2 password grant), refresh rotation, lockout, /auth/me."""

from __future__ import annotations

from typing import Any

from factories import TEST_PASSWORD, assert_problem, bearer, login, make_org, make_user
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User

TOKEN = "/api/v1/auth/token"


class TestPasswordLogin:
    def test_returns_the_token_contract(self, anon_client: Any) -> None:
        user = make_user("org_editor")
        response = login(anon_client, user["email"])
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 900
        assert response.headers["cache-control"] == "no-store"
        me = anon_client.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
        assert me.json() == {"kind": "user", "id": user["id"], "organization_id": None, "role": "org_editor",
                             "name": user["email"]}

    def test_username_is_case_insensitive(self, anon_client: Any) -> None:
        user = make_user("viewer", email="mixed@example.test")
        assert login(anon_client, "  MIXED@Example.test ").status_code == 200
        assert user["email"] == "mixed@example.test"

    def test_wrong_password_is_401_with_bearer_challenge(self, anon_client: Any) -> None:
        user = make_user()
        response = login(anon_client, user["email"], "Wrong-password-1")
        body = assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        assert body["detail"] == "Incorrect username or password"

    def test_unknown_user_gets_the_same_answer(self, anon_client: Any) -> None:
        response = login(anon_client, "nobody@example.test", "Whatever-pass-1")
        assert assert_problem(response, 401)["detail"] == "Incorrect username or password"

    def test_missing_fields_are_422(self, anon_client: Any) -> None:
        assert_problem(anon_client.post(TOKEN, data={"username": "a@b.cd"}), 422)

    def test_inactive_user_cannot_log_in(self, anon_client: Any) -> None:
        user = make_user(is_active=False)
        assert_problem(login(anon_client, user["email"]), 401)

    def test_failures_are_audited_without_the_password(self, anon_client: Any, db_session: Any) -> None:
        user = make_user()
        login(anon_client, user["email"], "Secret-guess-77")
        entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).one()
        assert entry.actor_kind == "anonymous"
        assert entry.entity == "user" and entry.entity_id == str(user["id"])
        assert entry.changes == {"username": user["email"], "reason": "bad_credentials"}
        assert entry.request_id
        assert "Secret-guess-77" not in str(entry.changes)


class TestLockout:
    def test_account_locks_after_repeated_failures(self, anon_client: Any, db_session: Any) -> None:
        user = make_user()
        for _ in range(5):
            assert_problem(login(anon_client, user["email"], "Wrong-password-1"), 401)
        # Locked: even the right password is refused for a while.
        assert_problem(login(anon_client, user["email"]), 401)
        row = db_session.get(User, user["id"])
        assert row.locked_until is not None
        reasons = [e.changes["reason"] for e in db_session.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.login_failed").order_by(AuditEntry.id))]
        assert reasons == ["bad_credentials"] * 5 + ["locked"]

    def test_lock_expires(self, anon_client: Any, db_session: Any, override_settings: Any) -> None:
        override_settings(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=1)
        user = make_user()
        for _ in range(2):
            login(anon_client, user["email"], "Wrong-password-1")
        assert_problem(login(anon_client, user["email"]), 401)
        from datetime import UTC, datetime, timedelta

        row = db_session.get(User, user["id"])
        row.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        db_session.commit()
        assert login(anon_client, user["email"]).status_code == 200

    def test_success_resets_the_failure_count(self, anon_client: Any, db_session: Any) -> None:
        user = make_user()
        for _ in range(4):
            login(anon_client, user["email"], "Wrong-password-1")
        assert login(anon_client, user["email"]).status_code == 200
        for _ in range(4):
            login(anon_client, user["email"], "Wrong-password-1")
        assert login(anon_client, user["email"]).status_code == 200


class TestRefresh:
    def _tokens(self, anon_client: Any) -> dict[str, Any]:
        user = make_user()
        response = login(anon_client, user["email"])
        assert response.status_code == 200
        return response.json()

    def test_refresh_rotates(self, anon_client: Any) -> None:
        first = self._tokens(anon_client)
        second = anon_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200, second.text
        new = second.json()
        assert new["refresh_token"] != first["refresh_token"]
        assert anon_client.get("/api/v1/auth/me", headers=bearer(new["access_token"])).status_code == 200
        # The used refresh token is dead.
        assert_problem(anon_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401)

    def test_reuse_of_a_rotated_token_revokes_the_family(self, anon_client: Any) -> None:
        first = self._tokens(anon_client)
        second = anon_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
        assert_problem(anon_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401)
        assert_problem(anon_client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}), 401)

    def test_refresh_grant_on_the_token_endpoint(self, anon_client: Any) -> None:
        first = self._tokens(anon_client)
        response = anon_client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
        assert response.status_code == 200, response.text

    def test_logout_revokes(self, anon_client: Any) -> None:
        first = self._tokens(anon_client)
        assert anon_client.post("/api/v1/auth/logout", json={"refresh_token": first["refresh_token"]}).status_code == 204
        assert_problem(anon_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401)

    def test_garbage_refresh_token_is_401(self, anon_client: Any) -> None:
        assert_problem(anon_client.post("/api/v1/auth/refresh", json={"refresh_token": "rt_nope"}), 401)


class TestOrganizationUsers:
    def test_org_admin_creates_a_user_who_can_log_in(self, client: Any, client_as: Any, anon_client: Any) -> None:
        org = make_org(client)
        admin = client_as("org_admin", org["id"])
        response = admin.post(f"/api/v1/organizations/{org['id']}/users",
                              json={"email": "HR@Corp.example", "password": "Long-enough-9", "role": "org_editor"})
        assert response.status_code == 201, response.text
        created = response.json()
        assert created["email"] == "hr@corp.example"
        assert "password" not in created and "password_hash" not in created
        token = login(anon_client, "hr@corp.example", "Long-enough-9").json()["access_token"]
        me = anon_client.get("/api/v1/auth/me", headers=bearer(token)).json()
        assert me["organization_id"] == org["id"] and me["role"] == "org_editor"

    def test_weak_password_is_422_without_echoing_it(self, client: Any) -> None:
        org = make_org(client)
        response = client.post(f"/api/v1/organizations/{org['id']}/users",
                               json={"email": "a@corp.example", "password": "short1", "role": "viewer"})
        body = assert_problem(response, 422)
        assert "short1" not in response.text
        assert body["errors"][0]["field"] == "password"

    def test_org_admin_cannot_create_planners_or_platform_admins(self, client: Any, client_as: Any) -> None:
        org = make_org(client)
        admin = client_as("org_admin", org["id"])
        for role in ("planner", "platform_admin"):
            response = admin.post(f"/api/v1/organizations/{org['id']}/users",
                                  json={"email": f"{role}@corp.example", "password": TEST_PASSWORD, "role": role})
            assert_problem(response, 403)

    def test_duplicate_email_is_409(self, client: Any) -> None:
        org = make_org(client)
        body = {"email": "dup@corp.example", "password": TEST_PASSWORD, "role": "viewer"}
        assert client.post(f"/api/v1/organizations/{org['id']}/users", json=body).status_code == 201
        assert_problem(client.post(f"/api/v1/organizations/{org['id']}/users", json=body), 409)

    def test_deactivated_user_token_stops_working(self, client: Any, client_as: Any) -> None:
        org = make_org(client)
        editor = client_as("org_editor", org["id"])
        user_id = editor.get("/api/v1/auth/me").json()["id"]
        assert client.delete(f"/api/v1/organizations/{org['id']}/users/{user_id}").status_code == 204
        assert_problem(editor.get("/api/v1/demands"), 401)
