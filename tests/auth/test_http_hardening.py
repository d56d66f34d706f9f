"""Security headers, request ids, CORS, public endpoints, OpenAPI security schemes, rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from factories import assert_problem, make_user
from fastapi.testclient import TestClient

from app.core.ratelimit import RateLimiter

PUBLIC = ["/healthz", "/openapi.json", "/docs", "/api/v1/catalog/education-levels", "/api/v1/catalog/regions"]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_endpoints_need_no_credentials(path: str, anon_client: Any) -> None:
    assert anon_client.get(path).status_code == 200


def test_readiness_needs_no_credentials(anon_client: Any) -> None:
    assert anon_client.get("/readyz").status_code in (200, 503)  # 503 while the match index builds


def test_security_headers_on_every_response(client: Any, anon_client: Any) -> None:
    for response in (client.get("/api/v1/demands"), anon_client.get("/api/v1/demands"), anon_client.get("/healthz"),
                     anon_client.get("/api/v1/nope")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert "strict-transport-security" not in response.headers


def test_credentialed_api_responses_are_not_cached(client: Any, anon_client: Any) -> None:
    assert client.get("/api/v1/demands").headers["cache-control"] == "no-store"
    assert "cache-control" not in anon_client.get("/api/v1/catalog/industries").headers


def test_docs_page_may_load_swagger_assets(anon_client: Any) -> None:
    csp = anon_client.get("/docs").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in csp
    assert "cdn.jsdelivr.net" not in anon_client.get("/api/v1/catalog/industries").headers["content-security-policy"]


def test_hsts_when_behind_https(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.config import get_settings
    from app.main import create_app

    monkeypatch.setenv("BEHIND_HTTPS", "true")
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as c:
            assert c.get("/healthz").headers["strict-transport-security"].startswith("max-age=")
    finally:
        monkeypatch.delenv("BEHIND_HTTPS")
        get_settings.cache_clear()


class TestRequestId:
    def test_echoes_a_given_id(self, client: Any) -> None:
        assert client.get("/api/v1/demands", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"

    def test_generates_one_otherwise_even_on_errors(self, anon_client: Any) -> None:
        response = anon_client.get("/api/v1/demands")
        assert response.status_code == 401
        assert len(response.headers["x-request-id"]) == 32

    def test_replaces_an_unsafe_id(self, anon_client: Any) -> None:
        response = anon_client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
        assert response.headers["x-request-id"] != "bad id\twith spaces"


class TestCors:
    @pytest.fixture
    def cors_client(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
        from app.core.config import get_settings
        from app.main import create_app

        monkeypatch.setenv("CORS_ORIGINS", "https://portal.example")
        get_settings.cache_clear()
        try:
            with TestClient(create_app()) as c:
                yield c
        finally:
            monkeypatch.delenv("CORS_ORIGINS")
            get_settings.cache_clear()

    def test_only_configured_origins(self, cors_client: TestClient) -> None:
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
        ok = cors_client.options("/api/v1/demands", headers={"Origin": "https://portal.example", **preflight})
        assert ok.headers["access-control-allow-origin"] == "https://portal.example"
        bad = cors_client.options("/api/v1/demands", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in bad.headers

    def test_no_cors_by_default(self, anon_client: Any) -> None:
        response = anon_client.get("/healthz", headers={"Origin": "https://portal.example"})
        assert "access-control-allow-origin" not in response.headers


def test_openapi_declares_the_security_schemes(anon_client: Any) -> None:
    spec = anon_client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["OAuth2Password"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                 "description": schemes["ApiKey"]["description"]}
    assert spec["paths"]["/api/v1/demands"]["post"]["security"]
    assert "security" not in spec["paths"]["/api/v1/catalog/industries"]["get"]


class TestRateLimit:
    @pytest.fixture
    def limited(self, client: Any) -> Iterator[Any]:
        app = client.app
        original = app.state.rate_limiter
        app.state.rate_limiter = RateLimiter(rate_per_minute=1, burst=3)  # no refill during the test
        yield client
        app.state.rate_limiter = original

    def test_429_with_retry_after_per_principal(self, limited: Any, client_as: Any) -> None:
        for _ in range(3):
            assert limited.get("/api/v1/demands").status_code == 200
        response = limited.get("/api/v1/demands")
        assert_problem(response, 429)
        assert int(response.headers["retry-after"]) >= 1
        # Another principal has its own bucket.
        assert client_as("viewer").get("/api/v1/demands").status_code == 200

    def test_login_is_limited_per_client_address(self, limited: Any, anon_client: Any) -> None:
        user = make_user()
        for _ in range(3):
            anon_client.post("/api/v1/auth/token", data={"username": user["email"], "password": "x"})
        response = anon_client.post("/api/v1/auth/token", data={"username": user["email"], "password": "x"})
        assert_problem(response, 429)
        assert response.headers["retry-after"]

    def test_bucket_refills(self) -> None:
        limiter = RateLimiter(rate_per_minute=60, burst=2)
        assert limiter.hit("k", now=0.0) == 0 and limiter.hit("k", now=0.0) == 0
        assert limiter.hit("k", now=0.0) == pytest.approx(1.0)
        assert limiter.hit("k", now=1.0) == 0
        assert RateLimiter(0, 1).hit("k") == 0  # disabled
