"""The one error shape (RFC 9457 problem details) and the request limits."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from factories import assert_problem, auth_headers, error_fields, make_org
from fastapi.testclient import TestClient

from app.core.config import Settings, get_settings

SMALL_CAP = 2048


@pytest.fixture
def small_cap_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A fresh app built while MAX_BODY_BYTES is 2048 (the app reads its settings at creation)."""
    from app.main import create_app

    monkeypatch.setenv("MAX_BODY_BYTES", str(SMALL_CAP))
    get_settings.cache_clear()
    try:
        app = create_app()
        with TestClient(app) as c:
            c.headers.update(auth_headers(c, role="platform_admin"))
            yield c
    finally:
        monkeypatch.delenv("MAX_BODY_BYTES")
        get_settings.cache_clear()


class TestBodySizeLimit:
    def test_body_over_the_cap_is_413(self, small_cap_client) -> None:
        payload = json.dumps([{"external_id": f"E{i}", "title": "t" * 50} for i in range(100)]).encode()
        assert len(payload) > SMALL_CAP
        response = small_cap_client.post("/api/v1/demands/bulk", content=payload,
                                         headers={"content-type": "application/json"})
        body = assert_problem(response, 413)
        assert body == {
            "type": "https://talentmatch.example/problems/payload-too-large",
            "title": "Payload too large",
            "status": 413,
            "detail": "The request body exceeds the limit of 2048 bytes.",
            "instance": "/api/v1/demands/bulk",
            "errors": [],
        }

    def test_streamed_body_over_the_cap_is_413(self, small_cap_client) -> None:
        def chunks() -> Iterator[bytes]:
            for _ in range(10):
                yield b"x" * 1000

        response = small_cap_client.post("/api/v1/demands/bulk", content=chunks(),
                                         headers={"content-type": "application/x-ndjson"})
        assert_problem(response, 413)

    def test_streamed_json_body_over_the_cap_is_413_and_writes_nothing(self, small_cap_client, client) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"kind": "school", "name": "x", "description": "'
            for _ in range(5):
                yield b"d" * 1000
            yield b'"}'

        response = small_cap_client.post("/api/v1/organizations", content=chunks(),
                                         headers={"content-type": "application/json"})
        body = assert_problem(response, 413)
        assert body["detail"] == "The request body exceeds the limit of 2048 bytes."
        assert client.get("/api/v1/organizations").json()["total"] == 0

    def test_json_endpoint_body_over_the_cap_is_413_and_writes_nothing(self, small_cap_client, client) -> None:
        response = small_cap_client.post(
            "/api/v1/organizations", json={"kind": "school", "name": "x", "description": "d" * 5000}
        )
        assert_problem(response, 413)
        assert client.get("/api/v1/organizations").json()["total"] == 0

    def test_body_under_the_cap_is_accepted(self, small_cap_client) -> None:
        response = small_cap_client.post("/api/v1/organizations", json={"kind": "school", "name": "小机构"})
        assert response.status_code == 201, response.text

    def test_settings_are_restored_after_the_override(self, client) -> None:
        assert get_settings().max_body_bytes == Settings().max_body_bytes

    def test_default_cap_admits_a_full_bulk_batch(self) -> None:
        settings = Settings()
        assert settings.max_body_bytes >= 32 * 1024 * 1024
        assert settings.bulk_max_records == 10_000
        # A 10,000-row batch of fully filled demands stays well under the cap.
        row = json.dumps({"organization_id": 1, "external_id": "HR-00000", "title": "岗" * 50,
                          "description": "描" * 500, "skills": ["技能"] * 20}, ensure_ascii=False)
        assert len(row.encode()) * settings.bulk_max_records < settings.max_body_bytes


class TestProblemShape:
    def test_unknown_route_is_404_problem(self, client) -> None:
        body = assert_problem(client.get("/api/v1/nothing-here"), 404)
        assert body["title"] == "Not found"

    def test_wrong_method_is_405_problem(self, client) -> None:
        body = assert_problem(client.put("/api/v1/organizations"), 405)
        assert body["type"] == "https://talentmatch.example/problems/method-not-allowed"

    def test_malformed_json_body_is_422_problem(self, client) -> None:
        response = client.post("/api/v1/organizations", content=b'{"kind": ', headers={"content-type": "application/json"})
        body = assert_problem(response, 422)
        assert body["type"] == "https://talentmatch.example/problems/invalid-input"
        assert [e["code"] for e in body["errors"]] == ["json_invalid"]

    def test_body_that_is_not_an_object_is_422(self, client) -> None:
        body = assert_problem(client.post("/api/v1/demands", json=[1, 2]), 422)
        assert error_fields(body) == [("body", "body")]

    def test_every_invalid_field_is_listed(self, client) -> None:
        org = make_org(client)
        response = client.post("/api/v1/demands", json={
            "organization_id": org["id"], "title": "", "skills": ["x"], "headcount": -1, "region_code": "abc",
            "employment_type": "gig", "valid_from": "not-a-date",
        })
        body = assert_problem(response, 422)
        assert sorted(error_fields(body)) == [("employment_type", "body"), ("headcount", "body"),
                                              ("region_code", "body"), ("title", "body"), ("valid_from", "body")]
        assert body["title"] == "Invalid input"

    def test_nested_list_item_error_names_its_index(self, client) -> None:
        org = make_org(client)
        response = client.post("/api/v1/demands", json={
            "organization_id": org["id"], "title": "t", "skills": ["ok", "长" * 201]})
        body = assert_problem(response, 422)
        assert error_fields(body) == [("skills[1]", "body")]

    def test_not_found_problem(self, client) -> None:
        body = assert_problem(client.get("/api/v1/cohorts/12345"), 404)
        assert body == {"type": "https://talentmatch.example/problems/not-found", "title": "Not found",
                        "status": 404, "detail": "cohort 12345 does not exist", "instance": "/api/v1/cohorts/12345",
                        "errors": []}

    def test_conflict_problem(self, client) -> None:
        make_org(client, code="DUP")
        body = assert_problem(client.post("/api/v1/organizations", json={"kind": "school", "name": "x", "code": "DUP"}),
                              409)
        assert body["type"] == "https://talentmatch.example/problems/conflict"
        assert body["errors"] == []

    def test_unsupported_media_type_problem(self, client) -> None:
        response = client.post("/api/v1/programs/bulk", content=b"<x/>", headers={"content-type": "application/xml"})
        body = assert_problem(response, 415)
        assert body["type"] == "https://talentmatch.example/problems/unsupported-media-type"
        assert "application/xml" in body["detail"]


class TestPaginationLimits:
    @pytest.mark.parametrize("path", ["/api/v1/organizations", "/api/v1/demands", "/api/v1/programs",
                                      "/api/v1/cohorts", "/api/v1/cooperation-offers", "/api/v1/catalog/majors"])
    def test_limit_zero_and_negative_offset_are_422(self, client, path) -> None:
        body = assert_problem(client.get(path, params={"limit": 0, "offset": -1}), 422)
        assert sorted(error_fields(body)) == [("limit", "query"), ("offset", "query")]

    @pytest.mark.parametrize("path", ["/api/v1/organizations", "/api/v1/demands", "/api/v1/programs",
                                      "/api/v1/cohorts", "/api/v1/cooperation-offers"])
    def test_limit_above_the_cap_is_clamped_and_reported(self, client, path) -> None:
        response = client.get(path, params={"limit": 101, "offset": 7})
        assert response.status_code == 200
        assert response.json() == {"items": [], "total": 0, "limit": 100, "offset": 7}

    def test_non_integer_limit_is_422(self, client) -> None:
        body = assert_problem(client.get("/api/v1/demands", params={"limit": "ten"}), 422)
        assert error_fields(body) == [("limit", "query")]

    def test_organizations_pagination_edges(self, client) -> None:
        created = [make_org(client, name=f"机构{i:02d}")["id"] for i in range(25)]
        first = client.get("/api/v1/organizations", params={"sort": "name"}).json()
        assert (first["total"], first["limit"], [o["id"] for o in first["items"]]) == (25, 20, created[:20])
        past = client.get("/api/v1/organizations", params={"offset": 25}).json()
        assert past == {"items": [], "total": 25, "limit": 20, "offset": 25}
        clamped = client.get("/api/v1/organizations", params={"limit": 500, "sort": "-name"}).json()
        assert (clamped["limit"], [o["id"] for o in clamped["items"]]) == (100, created[::-1])
