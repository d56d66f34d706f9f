"""Unified authentication: access tokens of an external OpenID Connect provider, checked with a local JWKS."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from factories import assert_problem, bearer, demand_body, make_org

from app.auth.models import User

ISSUER = "https://sso.city.example/realms/consortium"
AUDIENCE = "talentmatch"
ME = "/api/v1/auth/me"


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def idp_key() -> rsa.RSAPrivateKey:
    return _rsa()


@pytest.fixture
def oidc(tmp_path: Path, idp_key: rsa.RSAPrivateKey, override_settings: Any) -> Any:
    """Configure the provider with a JWKS file; return a function that signs tokens."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(idp_key.public_key()))
    jwk.update(kid="idp-1", use="sig", alg="RS256")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    override_settings(OIDC_ISSUER=ISSUER, OIDC_AUDIENCE=AUDIENCE, OIDC_JWKS_FILE=str(path))

    def sign(key: Any = idp_key, kid: str = "idp-1", **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u-42", "iat": now, "exp": now + 300,
                   "email": "officer@city.example"}
        payload.update(claims)
        return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm="RS256",
                          headers={"kid": kid})

    return sign


def test_token_maps_to_role_and_organization(oidc: Any, client: Any, anon_client: Any) -> None:
    org = make_org(client, code="91500000TEST0001")
    token = oidc(talentmatch_role="org_editor", talentmatch_org="91500000TEST0001")
    me = anon_client.get(ME, headers=bearer(token))
    assert me.status_code == 200, me.text
    assert me.json() == {"kind": "oidc", "id": f"{ISSUER}|u-42", "organization_id": org["id"], "role": "org_editor",
                         "name": "officer@city.example"}
    created = anon_client.post("/api/v1/demands", json=demand_body(None), headers=bearer(token))
    assert created.status_code == 201, created.text
    assert created.json()["organization_id"] == org["id"]


def test_default_role_is_viewer_who_cannot_write(oidc: Any, client: Any, anon_client: Any) -> None:
    org = make_org(client, code="ORG-V")
    token = oidc(talentmatch_org="ORG-V")
    assert anon_client.get(ME, headers=bearer(token)).json()["role"] == "viewer"
    assert_problem(anon_client.post("/api/v1/demands", json=demand_body(org["id"]), headers=bearer(token)), 403)


def test_planner_without_organization(oidc: Any, anon_client: Any) -> None:
    me = anon_client.get(ME, headers=bearer(oidc(talentmatch_role="planner"))).json()
    assert me["role"] == "planner" and me["organization_id"] is None


def test_linked_local_user_wins(oidc: Any, client: Any, anon_client: Any, db_session: Any) -> None:
    org = make_org(client)
    db_session.add(User(email="linked@city.example", role="org_admin", organization_id=org["id"],
                        external_subject=f"{ISSUER}|u-42", is_active=True, failed_logins=0))
    db_session.commit()
    me = anon_client.get(ME, headers=bearer(oidc(talentmatch_role="viewer"))).json()
    assert me["role"] == "org_admin" and me["organization_id"] == org["id"] and me["kind"] == "oidc"


@pytest.mark.parametrize("case", ["wrong-key", "issuer", "audience", "expired", "unknown-kid", "no-sub"])
def test_bad_provider_tokens_are_401(case: str, oidc: Any, anon_client: Any) -> None:
    now = int(time.time())
    token = {
        "wrong-key": lambda: oidc(key=_rsa(), talentmatch_role="planner"),
        "issuer": lambda: oidc(iss="https://other-idp.example", talentmatch_role="planner"),
        "audience": lambda: oidc(aud="another-app", talentmatch_role="planner"),
        "expired": lambda: oidc(iat=now - 7200, exp=now - 3600, talentmatch_role="planner"),
        "unknown-kid": lambda: oidc(kid="rotated-away", talentmatch_role="planner"),
        "no-sub": lambda: oidc(sub=None, talentmatch_role="planner"),
    }[case]()
    response = anon_client.get(ME, headers=bearer(token))
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_hs256_token_claiming_the_provider_issuer_is_refused(oidc: Any, anon_client: Any) -> None:
    """No algorithm confusion: provider tokens must be signed with the provider's asymmetric keys."""
    now = int(time.time())
    forged = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "iat": now, "exp": now + 60,
                         "talentmatch_role": "planner"}, "guessable-secret-but-long-enough-0123456789",
                        algorithm="HS256")
    assert_problem(anon_client.get(ME, headers=bearer(forged)), 401)


def test_platform_admin_cannot_be_claimed(oidc: Any, anon_client: Any) -> None:
    assert_problem(anon_client.get(ME, headers=bearer(oidc(talentmatch_role="platform_admin"))), 403)


def test_unknown_organization_is_refused(oidc: Any, anon_client: Any) -> None:
    token = oidc(talentmatch_role="org_editor", talentmatch_org="NOT-REGISTERED")
    assert_problem(anon_client.get(ME, headers=bearer(token)), 403)


def test_provider_tokens_are_refused_when_not_configured(idp_key: Any, anon_client: Any) -> None:
    now = int(time.time())
    token = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "u", "iat": now, "exp": now + 60}, idp_key,
                       algorithm="RS256")
    assert_problem(anon_client.get(ME, headers=bearer(token)), 401)
