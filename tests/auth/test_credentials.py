"""Access tokens and API keys: what is accepted and what is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from factories import api_key_headers, assert_problem, bearer, make_org, make_user

from app.auth.models import ApiKey
from app.core.config import get_settings

ME = "/api/v1/auth/me"


def _token(user_id: int, **overrides: Any) -> str:
    settings = get_settings()
    now = datetime.now(UTC)
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": str(user_id), "iat": now,
              "exp": now + timedelta(minutes=5), "jti": uuid.uuid4().hex, "typ": "access"}
    key = overrides.pop("_key", settings.secret_key.get_secret_value())
    alg = overrides.pop("_alg", "HS256")
    claims.update(overrides)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm=alg)


class TestAccessTokens:
    def test_a_valid_token_is_accepted(self, anon_client: Any) -> None:
        user = make_user("viewer")
        assert anon_client.get(ME, headers=bearer(_token(user["id"]))).status_code == 200

    @pytest.mark.parametrize("case", [
        {"_key": "another-secret-of-sufficient-length-0123456789"},
        {"iss": "https://evil.example"},
        {"aud": "someone-else"},
        {"exp": datetime.now(UTC) - timedelta(minutes=1)},
        {"typ": "refresh"},
        {"sub": "999999"},
        {"exp": None},
    ], ids=["signature", "issuer", "audience", "expired", "type", "unknown-user", "no-expiry"])
    def test_bad_tokens_are_401(self, case: dict[str, Any], anon_client: Any) -> None:
        user = make_user("viewer")
        response = anon_client.get(ME, headers=bearer(_token(user["id"], **case)))
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"

    def test_alg_none_is_refused(self, anon_client: Any) -> None:
        user = make_user("viewer")
        token = jwt.encode({"iss": get_settings().jwt_issuer, "sub": str(user["id"])}, None, algorithm="none")
        assert_problem(anon_client.get(ME, headers=bearer(token)), 401)

    @pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token", "Token abc"])
    def test_malformed_authorization_is_401(self, header: str, anon_client: Any) -> None:
        assert_problem(anon_client.get(ME, headers={"Authorization": header}), 401)

    def test_no_credentials_is_401(self, anon_client: Any) -> None:
        response = anon_client.get("/api/v1/demands")
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


class TestApiKeys:
    def test_key_is_shown_once_and_works_both_ways(self, client: Any, anon_client: Any) -> None:
        org = make_org(client)
        response = client.post(f"/api/v1/organizations/{org['id']}/api-keys", json={"name": "HR", "role": "org_editor"})
        assert response.status_code == 201, response.text
        created = response.json()
        key = created["key"]
        assert key.startswith(f"tm_{created['prefix']}_")
        assert {"id", "key", "name", "role", "prefix", "organization_id", "expires_at", "revoked_at",
                "last_used_at", "created_at", "created_by"} == set(created)
        for headers in ({"X-API-Key": key}, bearer(key)):
            me = anon_client.get(ME, headers=headers)
            assert me.status_code == 200, me.text
            assert me.json() == {"kind": "api_key", "id": created["id"], "organization_id": org["id"],
                                 "role": "org_editor", "name": "api-key:HR"}
        listed = client.get(f"/api/v1/organizations/{org['id']}/api-keys")
        assert key not in listed.text and "key_hash" not in listed.text
        assert listed.json()[0]["last_used_at"] is not None

    def test_key_hash_is_argon2_not_the_key(self, client: Any, db_session: Any) -> None:
        org = make_org(client)
        key = api_key_headers(client, org["id"])["X-API-Key"]
        row = db_session.query(ApiKey).one()
        assert row.key_hash.startswith("$argon2id$")
        assert key not in row.key_hash and key.split("_")[-1] not in row.key_hash

    def test_revoked_key_is_refused(self, client: Any, anon_client: Any) -> None:
        org = make_org(client)
        created = client.post(f"/api/v1/organizations/{org['id']}/api-keys", json={"name": "x"}).json()
        headers = {"X-API-Key": created["key"]}
        assert anon_client.get(ME, headers=headers).status_code == 200  # also warms the verification cache
        assert client.delete(f"/api/v1/organizations/{org['id']}/api-keys/{created['id']}").status_code == 204
        body = assert_problem(anon_client.get(ME, headers=headers), 401)
        assert "revoked" in body["detail"]
        # Revoking again is harmless.
        assert client.delete(f"/api/v1/organizations/{org['id']}/api-keys/{created['id']}").status_code == 204

    def test_expired_key_is_refused(self, client: Any, anon_client: Any, db_session: Any) -> None:
        org = make_org(client)
        soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        created = client.post(f"/api/v1/organizations/{org['id']}/api-keys",
                              json={"name": "x", "expires_at": soon}).json()
        headers = {"X-API-Key": created["key"]}
        assert anon_client.get(ME, headers=headers).status_code == 200
        row = db_session.get(ApiKey, created["id"])
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db_session.commit()
        assert "expired" in assert_problem(anon_client.get(ME, headers=headers), 401)["detail"]

    def test_verification_cache_skips_argon2_but_not_the_database(
        self, client: Any, anon_client: Any, db_session: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from app.auth import security

        org = make_org(client)
        created = client.post(f"/api/v1/organizations/{org['id']}/api-keys", json={"name": "x"}).json()
        headers = {"X-API-Key": created["key"]}
        calls: list[str] = []
        real_verify = security.verify_secret
        monkeypatch.setattr(security, "verify_secret", lambda h, k: calls.append(k) or real_verify(h, k))
        assert anon_client.get(ME, headers=headers).status_code == 200
        assert anon_client.get(ME, headers=headers).status_code == 200
        assert calls == [created["key"]]  # argon2 ran once; the second request hit the cache
        # Revoked by another worker or replica (a database write only: this process's cache is not
        # told): still refused on the next request, because every request reads the key's row.
        row = db_session.get(ApiKey, created["id"])
        row.revoked_at = datetime.now(UTC)
        db_session.commit()
        assert "revoked" in assert_problem(anon_client.get(ME, headers=headers), 401)["detail"]

    def test_a_cached_key_does_not_let_a_tampered_one_in(self, client: Any, anon_client: Any) -> None:
        org = make_org(client)
        key = api_key_headers(client, org["id"])["X-API-Key"]
        assert anon_client.get(ME, headers={"X-API-Key": key}).status_code == 200  # cached now
        tampered = key[:-3] + ("aaa" if not key.endswith("aaa") else "bbb")  # same prefix, same row
        assert_problem(anon_client.get(ME, headers={"X-API-Key": tampered}), 401)
        assert anon_client.get(ME, headers={"X-API-Key": key}).status_code == 200

    def test_cache_disabled_verifies_every_time(
        self, client: Any, anon_client: Any, override_settings: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from app.auth import security

        override_settings(API_KEY_VERIFY_CACHE_SECONDS=0)
        org = make_org(client)
        key = api_key_headers(client, org["id"])["X-API-Key"]
        calls: list[str] = []
        real_verify = security.verify_secret
        monkeypatch.setattr(security, "verify_secret", lambda h, k: calls.append(k) or real_verify(h, k))
        for _ in range(2):
            assert anon_client.get(ME, headers={"X-API-Key": key}).status_code == 200
        assert calls == [key, key]

    def test_expiry_in_the_past_is_422(self, client: Any) -> None:
        org = make_org(client)
        response = client.post(f"/api/v1/organizations/{org['id']}/api-keys",
                               json={"name": "x", "expires_at": "2020-01-01T00:00:00Z"})
        assert_problem(response, 422)

    @pytest.mark.parametrize("key", ["tm_0123456789ab_" + "x" * 43, "tm_short", "not-a-key-at-all"])
    def test_unknown_or_malformed_keys_are_401(self, key: str, anon_client: Any) -> None:
        assert_problem(anon_client.get(ME, headers={"X-API-Key": key}), 401)

    def test_tampered_secret_is_401(self, client: Any, anon_client: Any) -> None:
        org = make_org(client)
        key = api_key_headers(client, org["id"])["X-API-Key"]
        tampered = key[:-3] + ("aaa" if not key.endswith("aaa") else "bbb")
        assert_problem(anon_client.get(ME, headers={"X-API-Key": tampered}), 401)

    @pytest.mark.parametrize("role", ["platform_admin", "planner"])
    def test_key_roles_are_organization_roles(self, role: str, client: Any) -> None:
        org = make_org(client)
        response = client.post(f"/api/v1/organizations/{org['id']}/api-keys", json={"name": "x", "role": role})
        assert_problem(response, 422)

    def test_editors_cannot_manage_keys(self, client: Any, client_as: Any) -> None:
        org = make_org(client)
        editor = client_as("org_editor", org["id"])
        assert_problem(editor.post(f"/api/v1/organizations/{org['id']}/api-keys", json={"name": "x"}), 403)
        assert_problem(editor.get(f"/api/v1/organizations/{org['id']}/api-keys"), 403)

    def test_key_writes_its_own_organization_only(self, client: Any) -> None:
        from factories import demand_body

        mine, other = make_org(client), make_org(client)
        headers = api_key_headers(client, mine["id"])
        own = client.post("/api/v1/demands", json=demand_body(None), headers=headers)
        assert own.status_code == 201, own.text
        assert own.json()["organization_id"] == mine["id"]
        assert_problem(client.post("/api/v1/demands", json=demand_body(other["id"]), headers=headers), 403)
        put = client.put("/api/v1/demands/external/HR-1", json=demand_body(None), headers=headers)
        assert put.status_code == 201 and put.json()["organization_id"] == mine["id"]

    def test_platform_admin_must_name_the_owner(self, client: Any) -> None:
        from factories import demand_body

        body = assert_problem(client.post("/api/v1/demands", json=demand_body(None)), 422)
        assert body["errors"][0]["field"] == "organization_id"

    def test_deleting_the_organization_kills_its_keys(self, client: Any, anon_client: Any) -> None:
        org = make_org(client)
        headers = api_key_headers(client, org["id"])
        assert client.delete(f"/api/v1/organizations/{org['id']}").status_code == 204
        assert_problem(anon_client.get(ME, headers=headers), 401)
