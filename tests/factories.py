"""Factory helpers that create records through the public API (so tests use the real stack)."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import unquote

_seq = itertools.count(1)


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()


def make_org(client: Any, **overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    body = {"kind": "enterprise", "name": f"重庆测试企业{n}有限公司", "region_code": "500117", "industry": "smart_equipment"}
    body.update(overrides)
    return _created(client.post("/api/v1/organizations", json=body))


def make_school(client: Any, **overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    return make_org(client, **{"kind": "school", "name": f"重庆测试职业技术学院{n}", **overrides})


def demand_body(org_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "organization_id": org_id,
        "title": "PLC电气调试工程师",
        "description": "负责自动化产线PLC程序编写与现场调试，熟悉西门子S7-1200。",
        "skills": ["PLC", "电气调试"],
        "majors": ["电气自动化技术"],
        "education_level": "higher_vocational",
        "headcount": 5,
        "region_code": "500117",
        "salary_min": 6000,
        "salary_max": 9000,
    }
    body.update(overrides)
    return body


def make_demand(client: Any, org_id: int, **overrides: Any) -> dict[str, Any]:
    return _created(client.post("/api/v1/demands", json=demand_body(org_id, **overrides)))


def program_body(org_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "organization_id": org_id,
        "name": "电气自动化技术",
        "major_code": "460306",
        "education_level": "higher_vocational",
        "description": "培养掌握PLC控制、电气设备安装调试能力的技术技能人才。",
        "skills": ["PLC", "电气控制"],
        "courses": ["电机与电气控制", "PLC应用技术"],
        "certificates": ["电工证"],
        "annual_enrollment": 120,
        "region_code": "500117",
        "industries": ["smart_equipment"],
    }
    body.update(overrides)
    return body


def make_program(client: Any, org_id: int, **overrides: Any) -> dict[str, Any]:
    return _created(client.post("/api/v1/programs", json=program_body(org_id, **overrides)))


def make_cohort(client: Any, program_id: int, **overrides: Any) -> dict[str, Any]:
    body = {"program_id": program_id, "graduation_year": 2026, "graduates": 100, "available": 60}
    body.update(overrides)
    return _created(client.post("/api/v1/cohorts", json=body))


def make_offer(client: Any, org_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "organization_id": org_id,
        "direction": "seek",
        "kind": "order_class",
        "title": "新能源汽车订单班合作",
        "description": "与职业院校合作开设新能源汽车装调订单班，每年30人。",
        "skills": ["新能源汽车", "电池装配"],
        "region_code": "500117",
        "capacity": 30,
    }
    body.update(overrides)
    return _created(client.post("/api/v1/cooperation-offers", json=body))


# --- assertion and request helpers -------------------------------------------------------

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "errors"}
ERROR_KEYS = {"field", "location", "message", "code"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem response with ``status``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["instance"] == unquote(response.request.url.path)
    assert body["type"].startswith("https://talentmatch.example/problems/")
    return body


def error_fields(body: dict[str, Any]) -> list[tuple[str, str]]:
    """``(field, location)`` of each entry in a problem's ``errors`` (entries checked for shape)."""
    for entry in body["errors"]:
        assert set(entry) >= ERROR_KEYS, entry
        assert entry["message"]
        assert entry["code"]
    return [(e["field"], e["location"]) for e in body["errors"]]


def row_errors(body: dict[str, Any]) -> list[tuple[int, str]]:
    """``(row, field)`` of each entry in a bulk-import problem's ``errors``."""
    error_fields(body)
    return [(e["row"], e["field"]) for e in body["errors"]]


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


def list_ids(client: Any, path: str, **params: Any) -> list[int]:
    """Ids on one page of a list endpoint (asserting 200)."""
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return ids(response.json())


# --- identities ----------------------------------------------------------------------------

TEST_PASSWORD = "Correct-Horse-42"


def make_user(
    role: str = "org_editor", organization_id: int | None = None, *, email: str | None = None,
    password: str = TEST_PASSWORD, is_active: bool = True,
) -> dict[str, Any]:
    """A user account written straight to the database; returns ``{"id", "email", "password", ...}``."""
    from app.auth.models import User
    from app.auth.security import hash_secret
    from app.db.session import get_sessionmaker

    email = email or f"user{next(_seq)}@example.test"
    with get_sessionmaker()() as session:
        user = User(email=email, full_name="Test user", role=role, organization_id=organization_id,
                    password_hash=hash_secret(password), is_active=is_active, failed_logins=0)
        session.add(user)
        session.commit()
        return {"id": user.id, "email": email, "password": password, "role": role,
                "organization_id": organization_id}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def auth_headers(client: Any, role: str = "org_editor", organization_id: int | None = None, **kwargs: Any) -> dict[str, str]:
    """Headers of a fresh user with ``role`` in ``organization_id`` (an access token, as after login)."""
    from app.auth.security import create_access_token

    user = make_user(role, organization_id, **kwargs)
    token, _ = create_access_token(user["id"], role=role, organization_id=organization_id)
    return bearer(token)


def api_key_headers(client: Any, organization_id: int, role: str = "org_editor", **body: Any) -> dict[str, str]:
    """Create an API key through the API (``client`` must be allowed to) and return ``X-API-Key`` headers."""
    created = _created(client.post(f"/api/v1/organizations/{organization_id}/api-keys",
                                   json={"name": f"key {next(_seq)}", "role": role, **body}))
    return {"X-API-Key": created["key"]}


def login(client: Any, email: str, password: str = TEST_PASSWORD) -> Any:
    """``POST /api/v1/auth/token`` with the OAuth2 password form; returns the response."""
    return client.post("/api/v1/auth/token", data={"username": email, "password": password},
                       headers={"Authorization": ""})
