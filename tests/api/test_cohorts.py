"""Graduate cohorts: /api/v1/cohorts."""

from __future__ import annotations

from datetime import datetime

from factories import (
    assert_problem,
    error_fields,
    list_ids,
    make_cohort,
    make_program,
    make_school,
)
from sqlalchemy import select

from app.changes.models import ChangeLogEntry

URL = "/api/v1/cohorts"
CONTRACT = {"id", "program_id", "graduation_year", "graduates", "available", "skills", "region_code",
            "created_at", "updated_at"}


def _ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


class TestCreateCohort:
    def test_creates_with_every_field(self, client) -> None:
        school = make_school(client)
        program = make_program(client, school["id"], region_code="500117")
        body = {"program_id": program["id"], "graduation_year": 2027, "graduates": 120, "available": 80,
                "skills": ["西门子PLC"], "region_code": "500106"}
        response = client.post(URL, json=body)
        assert response.status_code == 201, response.text
        got = response.json()
        assert set(got) >= CONTRACT
        assert got == {**body, "organization_id": school["id"], "id": got["id"], "created_at": got["created_at"],
                       "updated_at": got["updated_at"]}

    def test_available_defaults_to_graduates_and_region_to_the_programs(self, client) -> None:
        program = make_program(client, make_school(client)["id"], region_code="500118")
        response = client.post(URL, json={"program_id": program["id"], "graduation_year": 2026, "graduates": 45})
        assert response.status_code == 201, response.text
        got = response.json()
        assert (got["graduates"], got["available"], got["region_code"], got["skills"]) == (45, 45, "500118", [])

    def test_available_above_graduates_is_422_on_available(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        response = client.post(URL, json={"program_id": program["id"], "graduation_year": 2026, "graduates": 10,
                                          "available": 11})
        body = assert_problem(response, 422)
        assert error_fields(body) == [("available", "body")]
        assert body["errors"][0]["message"] == "available must not be greater than graduates"

    def test_negative_graduates_is_422(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        response = client.post(URL, json={"program_id": program["id"], "graduation_year": 2026, "graduates": -1})
        body = assert_problem(response, 422)
        assert error_fields(body) == [("graduates", "body")]

    def test_year_out_of_range_is_422(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        response = client.post(URL, json={"program_id": program["id"], "graduation_year": 1900, "graduates": 1})
        body = assert_problem(response, 422)
        assert error_fields(body) == [("graduation_year", "body")]

    def test_unknown_program_is_422_on_program_id(self, client) -> None:
        body = assert_problem(client.post(URL, json={"program_id": 999, "graduation_year": 2026, "graduates": 1}), 422)
        assert error_fields(body) == [("program_id", "body")]
        assert body["detail"] == "program 999 does not exist"

    def test_missing_graduates_is_422(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        body = assert_problem(client.post(URL, json={"program_id": program["id"], "graduation_year": 2026}), 422)
        assert error_fields(body) == [("graduates", "body")]

    def test_bad_region_code_is_422(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        response = client.post(URL, json={"program_id": program["id"], "graduation_year": 2026, "graduates": 1,
                                          "region_code": "5001170"})
        body = assert_problem(response, 422)
        assert error_fields(body) == [("region_code", "body")]

    def test_organization_id_in_body_is_an_unknown_field(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        response = client.post(URL, json={"program_id": program["id"], "graduation_year": 2026, "graduates": 1,
                                          "organization_id": 1})
        body = assert_problem(response, 422)
        assert error_fields(body) == [("organization_id", "body")]

    def test_duplicate_program_and_year_is_409(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        make_cohort(client, program["id"], graduation_year=2026)
        response = client.post(URL, json={"program_id": program["id"], "graduation_year": 2026, "graduates": 5})
        body = assert_problem(response, 409)
        assert body["title"] == "Conflict"
        assert client.get(URL).json()["total"] == 1

    def test_same_year_in_another_program_is_fine(self, client) -> None:
        school = make_school(client)
        first = make_cohort(client, make_program(client, school["id"])["id"], graduation_year=2026)
        second = make_cohort(client, make_program(client, school["id"])["id"], graduation_year=2026)
        assert first["id"] != second["id"]

    def test_writes_change_log(self, client, db_session) -> None:
        cohort = make_cohort(client, make_program(client, make_school(client)["id"])["id"])
        rows = db_session.execute(
            select(ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.op)
            .where(ChangeLogEntry.entity == "cohort")
        ).all()
        assert [tuple(r) for r in rows] == [("cohort", cohort["id"], "upsert")]


class TestReadCohort:
    def test_reads_created_record(self, client) -> None:
        cohort = make_cohort(client, make_program(client, make_school(client)["id"])["id"])
        response = client.get(f"{URL}/{cohort['id']}")
        assert response.status_code == 200
        assert response.json() == cohort

    def test_unknown_id_is_404(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/8080"), 404)
        assert body["detail"] == "cohort 8080 does not exist"


class TestListCohorts:
    def test_filter_program_id(self, client) -> None:
        school = make_school(client)
        p1, p2 = make_program(client, school["id"]), make_program(client, school["id"])
        wanted = make_cohort(client, p1["id"])
        make_cohort(client, p2["id"])
        assert list_ids(client, URL, program_id=p1["id"]) == [wanted["id"]]

    def test_filter_organization_id(self, client) -> None:
        s1, s2 = make_school(client), make_school(client)
        wanted = make_cohort(client, make_program(client, s1["id"])["id"])
        make_cohort(client, make_program(client, s2["id"])["id"])
        assert list_ids(client, URL, organization_id=s1["id"]) == [wanted["id"]]

    def test_filter_graduation_year_and_year_range(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        by_year = {y: make_cohort(client, program["id"], graduation_year=y)["id"] for y in (2024, 2025, 2026, 2027)}
        assert list_ids(client, URL, graduation_year=2025) == [by_year[2025]]
        assert list_ids(client, URL, year_from=2025, year_to=2026) == [by_year[2026], by_year[2025]]
        assert list_ids(client, URL, year_from=2026) == [by_year[2027], by_year[2026]]
        assert list_ids(client, URL, year_to=2024) == [by_year[2024]]

    def test_default_sort_is_latest_graduation_year_first(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        old = make_cohort(client, program["id"], graduation_year=2020)
        new = make_cohort(client, program["id"], graduation_year=2030)
        mid = make_cohort(client, program["id"], graduation_year=2025)
        assert list_ids(client, URL) == [new["id"], mid["id"], old["id"]]

    def test_filter_min_available(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        make_cohort(client, program["id"], graduation_year=2025, graduates=10, available=9)
        wanted = make_cohort(client, program["id"], graduation_year=2026, graduates=10, available=10)
        assert list_ids(client, URL, min_available=10) == [wanted["id"]]

    def test_negative_min_available_is_422(self, client) -> None:
        body = assert_problem(client.get(URL, params={"min_available": -1}), 422)
        assert error_fields(body) == [("min_available", "query")]

    def test_filter_region_code_province_prefix_and_exact(self, client) -> None:
        school = make_school(client)
        cq = make_cohort(client, make_program(client, school["id"], region_code="500117")["id"])
        make_cohort(client, make_program(client, school["id"], region_code="510104")["id"])
        assert list_ids(client, URL, region_code="500000") == [cq["id"]]
        assert list_ids(client, URL, region_code="500117") == [cq["id"]]
        assert list_ids(client, URL, region_code="500118") == []

    def test_filter_major_code_exact_and_prefix(self, client) -> None:
        school = make_school(client)
        electric = make_cohort(client, make_program(client, school["id"], major_code="460306")["id"])
        nursing = make_cohort(client, make_program(client, school["id"], major_code="520201")["id"])
        assert list_ids(client, URL, major_code="460306") == [electric["id"]]
        assert list_ids(client, URL, major_code="52") == [nursing["id"]]
        assert list_ids(client, URL, major_code="4_") == []

    def test_sort_by_available_and_unknown_key(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        few = make_cohort(client, program["id"], graduation_year=2025, available=5)
        many = make_cohort(client, program["id"], graduation_year=2026, available=50)
        assert list_ids(client, URL, sort="available") == [few["id"], many["id"]]
        assert list_ids(client, URL, sort="-available") == [many["id"], few["id"]]
        body = assert_problem(client.get(URL, params={"sort": "skills"}), 422)
        assert error_fields(body) == [("sort", "query")]


class TestUpdateCohort:
    def test_changes_only_given_fields(self, client) -> None:
        cohort = make_cohort(client, make_program(client, make_school(client)["id"])["id"])
        response = client.patch(f"{URL}/{cohort['id']}", json={"available": 20})
        assert response.status_code == 200, response.text
        got = response.json()
        assert got == {**cohort, "available": 20, "updated_at": got["updated_at"]}
        assert _ts(got["updated_at"]) > _ts(cohort["updated_at"])

    def test_graduates_below_available_is_422_and_nothing_changes(self, client) -> None:
        cohort = make_cohort(client, make_program(client, make_school(client)["id"])["id"], graduates=100,
                             available=60)
        body = assert_problem(client.patch(f"{URL}/{cohort['id']}", json={"graduates": 50}), 422)
        assert error_fields(body) == [("available", "body")]
        assert client.get(f"{URL}/{cohort['id']}").json() == cohort

    def test_null_graduates_is_422(self, client) -> None:
        cohort = make_cohort(client, make_program(client, make_school(client)["id"])["id"])
        body = assert_problem(client.patch(f"{URL}/{cohort['id']}", json={"graduates": None}), 422)
        assert error_fields(body) == [("graduates", "body")]

    def test_moving_to_a_taken_year_is_409(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        make_cohort(client, program["id"], graduation_year=2025)
        cohort = make_cohort(client, program["id"], graduation_year=2026)
        assert_problem(client.patch(f"{URL}/{cohort['id']}", json={"graduation_year": 2025}), 409)
        assert client.get(f"{URL}/{cohort['id']}").json() == cohort

    def test_program_cannot_be_changed(self, client) -> None:
        cohort = make_cohort(client, make_program(client, make_school(client)["id"])["id"])
        body = assert_problem(client.patch(f"{URL}/{cohort['id']}", json={"program_id": 1}), 422)
        assert error_fields(body) == [("program_id", "body")]

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.patch(f"{URL}/999", json={"available": 1}), 404)


class TestDeleteCohort:
    def test_deletes_then_404(self, client) -> None:
        cohort = make_cohort(client, make_program(client, make_school(client)["id"])["id"])
        assert client.delete(f"{URL}/{cohort['id']}").status_code == 204
        assert_problem(client.get(f"{URL}/{cohort['id']}"), 404)

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.delete(f"{URL}/999"), 404)
