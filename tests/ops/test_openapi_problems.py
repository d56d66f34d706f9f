"""The OpenAPI schema documents the problem responses; values the database cannot store are 422."""

from __future__ import annotations

from typing import Any


def test_error_responses_are_documented_as_problem_details(anon_client: Any) -> None:
    spec = anon_client.get("/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    op = spec["paths"]["/api/v1/demands/{record_id}"]["patch"]
    for code in ("401", "403", "404", "409", "413", "415", "422", "429"):
        assert op["responses"][code]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"}
    assert "application/json" not in op["responses"]["422"]["content"]
    assert "503" in spec["paths"]["/api/v1/demands/{record_id}/matches"]["get"]["responses"]
    assert "401" not in spec["paths"]["/healthz"]["get"]["responses"]


def test_an_id_beyond_64_bits_is_422_not_500(client: Any) -> None:
    response = client.get("/api/v1/cohorts/41398957633227147988661436416/matches")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 422
