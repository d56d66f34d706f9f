"""Programs (majors): /api/v1/programs (CRUD and list; sync and bulk are in test_sync_and_bulk.py)."""

from __future__ import annotations

from datetime import datetime

from factories import (
    assert_problem,
    error_fields,
    list_ids,
    make_cohort,
    make_org,
    make_program,
    make_school,
    program_body,
)
from sqlalchemy import select

from app.changes.models import ChangeLogEntry

URL = "/api/v1/programs"
CONTRACT = {
    "id", "organization_id", "external_id", "major_code", "name", "education_level", "description", "skills",
    "courses", "certificates", "annual_enrollment", "region_code", "industries", "status", "created_at",
    "updated_at",
}


def _ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


def _changes(db_session) -> list[tuple[str, int, str]]:
    rows = db_session.execute(
        select(ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.op).order_by(ChangeLogEntry.id)
    ).all()
    return [tuple(r) for r in rows]


class TestCreateProgram:
    def test_creates_with_every_field(self, client) -> None:
        school = make_school(client)
        body = program_body(school["id"], external_id="P-1", status="draft")
        response = client.post(URL, json=body)
        assert response.status_code == 201, response.text
        got = response.json()
        assert set(got) == CONTRACT
        assert got == {**body, "id": got["id"], "created_at": got["created_at"], "updated_at": got["updated_at"]}

    def test_defaults(self, client) -> None:
        school = make_school(client)
        response = client.post(URL, json={"organization_id": school["id"], "name": "护理"})
        assert response.status_code == 201, response.text
        got = response.json()
        assert {k: v for k, v in got.items() if k not in {"id", "created_at", "updated_at"}} == {
            "organization_id": school["id"],
            "external_id": None,
            "major_code": None,
            "name": "护理",
            "education_level": "higher_vocational",
            "description": "",
            "skills": [],
            "courses": [],
            "certificates": [],
            "annual_enrollment": None,
            "region_code": None,
            "industries": [],
            "status": "open",
        }

    def test_industry_names_are_stored_as_slugs(self, client) -> None:
        school = make_school(client)
        got = make_program(client, school["id"], industries=["智能装备及智能制造", "software", "Biomedicine", "smart_mfg"])
        assert got["industries"] == ["smart_mfg", "software", "biomed"]

    def test_name_is_trimmed(self, client) -> None:
        school = make_school(client)
        assert make_program(client, school["id"], name="\u200b 电气自动化技术 \u2060")["name"] == "电气自动化技术"

    def test_enterprise_cannot_own_a_program(self, client) -> None:
        enterprise = make_org(client)
        body = assert_problem(client.post(URL, json=program_body(enterprise["id"])), 422)
        assert error_fields(body) == [("organization_id", "body")]
        assert "enterprise cannot own a program" in body["detail"]

    def test_unknown_owner_is_422_on_organization_id(self, client) -> None:
        body = assert_problem(client.post(URL, json=program_body(4040)), 422)
        assert error_fields(body) == [("organization_id", "body")]

    def test_level_any_is_422_on_education_level(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=program_body(school["id"], education_level="any")), 422)
        assert error_fields(body) == [("education_level", "body")]

    def test_name_over_200_characters_is_422(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=program_body(school["id"], name="专" * 201)), 422)
        assert error_fields(body) == [("name", "body")]

    def test_description_over_20000_characters_is_422(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=program_body(school["id"], description="x" * 20_001)), 422)
        assert error_fields(body) == [("description", "body")]

    def test_negative_enrollment_is_422(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=program_body(school["id"], annual_enrollment=-10)), 422)
        assert error_fields(body) == [("annual_enrollment", "body")]

    def test_unknown_status_is_422(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=program_body(school["id"], status="filled")), 422)
        assert error_fields(body) == [("status", "body")]

    def test_bad_region_code_is_422(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=program_body(school["id"], region_code="cq")), 422)
        assert error_fields(body) == [("region_code", "body")]

    def test_unknown_field_is_422(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=program_body(school["id"], graduates=30)), 422)
        assert error_fields(body) == [("graduates", "body")]

    def test_external_id_already_used_by_the_school_is_409(self, client) -> None:
        school = make_school(client)
        make_program(client, school["id"], external_id="ZY-1")
        assert_problem(client.post(URL, json=program_body(school["id"], external_id="ZY-1")), 409)
        assert client.get(URL).json()["total"] == 1

    def test_writes_change_log(self, client, db_session) -> None:
        program = make_program(client, make_school(client)["id"])
        assert _changes(db_session) == [("program", program["id"], "upsert")]


class TestReadProgram:
    def test_reads_created_record(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        response = client.get(f"{URL}/{program['id']}")
        assert response.status_code == 200
        assert response.json() == program

    def test_unknown_id_is_404(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/5150"), 404)
        assert body["detail"] == "program 5150 does not exist"


class TestListPrograms:
    def test_filter_organization_id(self, client) -> None:
        a, b = make_school(client), make_school(client)
        mine = make_program(client, a["id"])
        make_program(client, b["id"])
        assert list_ids(client, URL, organization_id=a["id"]) == [mine["id"]]

    def test_filter_external_id(self, client) -> None:
        school = make_school(client)
        wanted = make_program(client, school["id"], external_id="ZY-7")
        make_program(client, school["id"], external_id="ZY-8")
        assert list_ids(client, URL, external_id="ZY-7") == [wanted["id"]]

    def test_filter_major_code_exact_and_prefix(self, client) -> None:
        school = make_school(client)
        electric = make_program(client, school["id"], major_code="460306")
        mechatronics = make_program(client, school["id"], major_code="460301")
        make_program(client, school["id"], major_code="510201")
        assert list_ids(client, URL, major_code="460306") == [electric["id"]]
        assert list_ids(client, URL, major_code="4603", sort="major_code") == [mechatronics["id"], electric["id"]]
        assert list_ids(client, URL, major_code="46", sort="major_code") == [mechatronics["id"], electric["id"]]

    def test_filter_major_code_treats_like_wildcards_literally(self, client) -> None:
        school = make_school(client)
        make_program(client, school["id"], major_code="460306")
        assert list_ids(client, URL, major_code="%") == []
        assert list_ids(client, URL, major_code="46_306") == []

    def test_filter_status(self, client) -> None:
        school = make_school(client)
        make_program(client, school["id"])
        closed = make_program(client, school["id"], status="closed")
        assert list_ids(client, URL, status="closed") == [closed["id"]]

    def test_filter_education_level(self, client) -> None:
        school = make_school(client)
        make_program(client, school["id"])
        secondary = make_program(client, school["id"], education_level="secondary_vocational")
        assert list_ids(client, URL, education_level="secondary_vocational") == [secondary["id"]]

    def test_filter_region_code_province_prefix_and_exact(self, client) -> None:
        school = make_school(client)
        hechuan = make_program(client, school["id"], region_code="500117")
        shapingba = make_program(client, school["id"], region_code="500106")
        make_program(client, school["id"], region_code="510104")
        assert list_ids(client, URL, region_code="500000", sort="created_at") == [hechuan["id"], shapingba["id"]]
        assert list_ids(client, URL, region_code="500106") == [shapingba["id"]]

    def test_filter_industry_slug_or_catalog_name(self, client) -> None:
        school = make_school(client)
        wanted = make_program(client, school["id"], industries=["nev", "smart_mfg"])
        make_program(client, school["id"], industries=["software"])
        assert list_ids(client, URL, industry="nev") == [wanted["id"]]
        assert list_ids(client, URL, industry="智能网联新能源汽车") == [wanted["id"]]

    def test_filter_skill(self, client) -> None:
        school = make_school(client)
        wanted = make_program(client, school["id"], skills=["PLC", "电气控制"])
        make_program(client, school["id"], skills=["护理"])
        assert list_ids(client, URL, skill="电气控制") == [wanted["id"]]

    def test_filter_q_matches_name_or_description(self, client) -> None:
        school = make_school(client)
        by_name = make_program(client, school["id"], name="工业机器人技术", description="")
        by_text = make_program(client, school["id"], name="智能制造", description="含工业机器人编程")
        make_program(client, school["id"], name="护理", description="临床护理")
        assert list_ids(client, URL, q="工业机器人", sort="created_at") == [by_name["id"], by_text["id"]]

    def test_filter_updated_since(self, client) -> None:
        school = make_school(client)
        make_program(client, school["id"])
        new = make_program(client, school["id"])
        assert list_ids(client, URL, updated_since=new["updated_at"]) == [new["id"]]

    def test_sort_ascending_descending_and_several_keys(self, client) -> None:
        school = make_school(client)
        a = make_program(client, school["id"], name="A", annual_enrollment=50)
        b = make_program(client, school["id"], name="B", annual_enrollment=100)
        c = make_program(client, school["id"], name="C", annual_enrollment=50)
        assert list_ids(client, URL, sort="annual_enrollment,name") == [a["id"], c["id"], b["id"]]
        assert list_ids(client, URL, sort="-annual_enrollment,-name") == [b["id"], c["id"], a["id"]]

    def test_unknown_sort_key_is_422_naming_sort(self, client) -> None:
        body = assert_problem(client.get(URL, params={"sort": "-skills"}), 422)
        assert error_fields(body) == [("sort", "query")]


class TestUpdateProgram:
    def test_changes_only_given_fields(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        response = client.patch(f"{URL}/{program['id']}", json={"annual_enrollment": 150, "industries": ["现代物流"]})
        assert response.status_code == 200, response.text
        got = response.json()
        assert got == {**program, "annual_enrollment": 150, "industries": ["logistics"],
                       "updated_at": got["updated_at"]}
        assert _ts(got["updated_at"]) > _ts(program["updated_at"])

    def test_null_for_a_required_field_is_422(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        body = assert_problem(client.patch(f"{URL}/{program['id']}", json={"name": None}), 422)
        assert error_fields(body) == [("name", "body")]
        assert client.get(f"{URL}/{program['id']}").json() == program

    def test_level_any_is_422(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        body = assert_problem(client.patch(f"{URL}/{program['id']}", json={"education_level": "any"}), 422)
        assert error_fields(body) == [("education_level", "body")]

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.patch(f"{URL}/999", json={"name": "x"}), 404)


class TestDeleteProgram:
    def test_deletes_then_404(self, client, db_session) -> None:
        program = make_program(client, make_school(client)["id"])
        assert client.delete(f"{URL}/{program['id']}").status_code == 204
        assert_problem(client.get(f"{URL}/{program['id']}"), 404)
        assert _changes(db_session) == [("program", program["id"], "upsert"), ("program", program["id"], "delete")]

    def test_with_cohorts_is_409_and_kept(self, client) -> None:
        program = make_program(client, make_school(client)["id"])
        cohort = make_cohort(client, program["id"])
        body = assert_problem(client.delete(f"{URL}/{program['id']}"), 409)
        assert "cascade=true" in body["detail"]
        assert client.get(f"{URL}/{program['id']}").status_code == 200
        assert client.get(f"/api/v1/cohorts/{cohort['id']}").status_code == 200

    def test_cascade_deletes_its_cohorts(self, client, db_session) -> None:
        school = make_school(client)
        program = make_program(client, school["id"])
        c1 = make_cohort(client, program["id"], graduation_year=2025)
        c2 = make_cohort(client, program["id"], graduation_year=2026)
        other = make_cohort(client, make_program(client, school["id"])["id"])
        assert client.delete(f"{URL}/{program['id']}", params={"cascade": "true"}).status_code == 204
        assert_problem(client.get(f"{URL}/{program['id']}"), 404)
        assert_problem(client.get(f"/api/v1/cohorts/{c1['id']}"), 404)
        assert_problem(client.get(f"/api/v1/cohorts/{c2['id']}"), 404)
        assert list_ids(client, "/api/v1/cohorts") == [other["id"]]
        deletes = [c for c in _changes(db_session) if c[2] == "delete"]
        assert sorted(deletes) == sorted([("cohort", c1["id"], "delete"), ("cohort", c2["id"], "delete"),
                                          ("program", program["id"], "delete")])

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.delete(f"{URL}/999"), 404)
