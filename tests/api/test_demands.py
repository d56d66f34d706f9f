"""Job demands: /api/v1/demands (CRUD and list; sync and bulk are in test_sync_and_bulk.py)."""

from __future__ import annotations

from datetime import datetime

from factories import (
    assert_problem,
    demand_body,
    error_fields,
    ids,
    list_ids,
    make_demand,
    make_org,
    make_school,
)
from sqlalchemy import select

from app.changes.models import ChangeLogEntry

URL = "/api/v1/demands"
CONTRACT = {
    "id", "organization_id", "external_id", "title", "description", "skills", "majors", "education_level",
    "headcount", "region_code", "industry", "employment_type", "salary_min", "salary_max", "valid_from",
    "valid_until", "status", "created_at", "updated_at",
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


class TestCreateDemand:
    def test_creates_with_every_field(self, client) -> None:
        org = make_org(client)
        body = demand_body(
            org["id"], external_id="HR-001", industry="nev", employment_type="internship",
            valid_from="2026-01-01", valid_until="2026-12-31", status="draft",
        )
        response = client.post(URL, json=body)
        assert response.status_code == 201, response.text
        got = response.json()
        assert set(got) == CONTRACT
        assert got == {**body, "id": got["id"], "created_at": got["created_at"], "updated_at": got["updated_at"]}
        assert _ts(got["created_at"]) <= _ts(got["updated_at"])

    def test_needs_only_owner_title_and_description(self, client) -> None:
        org = make_org(client)
        response = client.post(URL, json={"organization_id": org["id"], "title": "焊工", "description": "熟练焊接"})
        assert response.status_code == 201, response.text
        got = response.json()
        assert {k: v for k, v in got.items() if k not in {"id", "created_at", "updated_at"}} == {
            "organization_id": org["id"],
            "external_id": None,
            "title": "焊工",
            "description": "熟练焊接",
            "skills": [],
            "majors": [],
            "education_level": "any",
            "headcount": 1,
            "region_code": None,
            "industry": None,
            "employment_type": "full_time",
            "salary_min": None,
            "salary_max": None,
            "valid_from": None,
            "valid_until": None,
            "status": "open",
        }

    def test_skills_instead_of_description_is_enough(self, client) -> None:
        org = make_org(client)
        response = client.post(URL, json={"organization_id": org["id"], "title": "焊工", "skills": ["焊接"]})
        assert response.status_code == 201, response.text
        assert response.json()["description"] == ""
        assert response.json()["skills"] == ["焊接"]

    def test_neither_description_nor_skills_is_422_on_description(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json={"organization_id": org["id"], "title": "焊工"}), 422)
        assert error_fields(body) == [("description", "body")]

    def test_institute_may_own_a_demand(self, client) -> None:
        institute = make_org(client, kind="institute")
        assert make_demand(client, institute["id"])["organization_id"] == institute["id"]

    def test_school_cannot_own_a_demand(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.post(URL, json=demand_body(school["id"])), 422)
        assert error_fields(body) == [("organization_id", "body")]
        assert "school cannot own a demand" in body["detail"]
        assert client.get(URL).json()["total"] == 0

    def test_unknown_owner_is_422_on_organization_id(self, client) -> None:
        body = assert_problem(client.post(URL, json=demand_body(9999)), 422)
        assert error_fields(body) == [("organization_id", "body")]
        assert body["detail"] == "organization 9999 does not exist"

    def test_title_is_trimmed_of_whitespace_and_zero_width_characters(self, client) -> None:
        org = make_org(client)
        assert make_demand(client, org["id"], title="\u3000 Java\u200b开发\u200d ")["title"] == "Java开发"

    def test_title_over_200_characters_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=demand_body(org["id"], title="岗" * 201)), 422)
        assert error_fields(body) == [("title", "body")]

    def test_description_over_20000_characters_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=demand_body(org["id"], description="描" * 20_001)), 422)
        assert error_fields(body) == [("description", "body")]

    def test_description_of_20000_characters_keeps_newlines(self, client) -> None:
        org = make_org(client)
        text = "行\n" * 10_000
        assert make_demand(client, org["id"], description=text)["description"] == text.strip()

    def test_negative_headcount_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=demand_body(org["id"], headcount=-1)), 422)
        assert error_fields(body) == [("headcount", "body")]
        assert body["errors"][0]["code"] == "greater_than_equal"

    def test_negative_salary_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=demand_body(org["id"], salary_min=-5)), 422)
        assert error_fields(body) == [("salary_min", "body")]

    def test_salary_min_above_salary_max_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=demand_body(org["id"], salary_min=9001, salary_max=9000)), 422)
        assert error_fields(body) == [("salary_min", "body")]
        assert body["errors"][0]["message"] == "salary_min must not be greater than salary_max"

    def test_valid_from_after_valid_until_is_422(self, client) -> None:
        org = make_org(client)
        response = client.post(URL, json=demand_body(org["id"], valid_from="2026-06-02", valid_until="2026-06-01"))
        body = assert_problem(response, 422)
        assert error_fields(body) == [("valid_from", "body")]

    def test_unknown_enum_values_are_422(self, client) -> None:
        org = make_org(client)
        response = client.post(
            URL, json=demand_body(org["id"], education_level="phd", employment_type="gig", status="open!")
        )
        body = assert_problem(response, 422)
        assert sorted(error_fields(body)) == [("education_level", "body"), ("employment_type", "body"),
                                              ("status", "body")]
        assert {e["code"] for e in body["errors"]} == {"enum"}

    def test_bad_region_code_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=demand_body(org["id"], region_code="050011")), 422)
        assert error_fields(body) == [("region_code", "body")]

    def test_unknown_field_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=demand_body(org["id"], salary=8000)), 422)
        assert error_fields(body) == [("salary", "body")]

    def test_read_only_fields_are_ignored(self, client) -> None:
        org = make_org(client)
        got = make_demand(client, org["id"], id=777, created_at="1999-01-01T00:00:00Z", updated_at="x")
        assert got["id"] != 777
        assert _ts(got["created_at"]).year > 1999

    def test_external_id_already_used_by_the_org_is_409(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"], external_id="HR-1")
        body = assert_problem(client.post(URL, json=demand_body(org["id"], external_id="HR-1")), 409)
        assert body["title"] == "Conflict"
        assert client.get(URL).json()["total"] == 1

    def test_same_external_id_under_another_org_is_fine(self, client) -> None:
        first = make_demand(client, make_org(client)["id"], external_id="HR-1")
        second = make_demand(client, make_org(client)["id"], external_id="HR-1")
        assert first["id"] != second["id"]

    def test_skills_are_deduplicated_case_insensitively(self, client) -> None:
        org = make_org(client)
        assert make_demand(client, org["id"], skills=["PLC", "plc", " CAD ", ""])["skills"] == ["PLC", "CAD"]

    def test_industry_name_is_stored_as_slug(self, client) -> None:
        org = make_org(client)
        assert make_demand(client, org["id"], industry="软件信息服务")["industry"] == "software"

    def test_writes_change_log(self, client, db_session) -> None:
        demand = make_demand(client, make_org(client)["id"])
        assert _changes(db_session) == [("demand", demand["id"], "upsert")]


class TestReadDemand:
    def test_reads_created_record(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"])
        response = client.get(f"{URL}/{demand['id']}")
        assert response.status_code == 200
        assert response.json() == demand

    def test_unknown_id_is_404(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/31337"), 404)
        assert body["detail"] == "demand 31337 does not exist"

    def test_non_integer_id_is_422(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/abc"), 422)
        assert error_fields(body) == [("record_id", "path")]


class TestListDemands:
    def test_filter_organization_id(self, client) -> None:
        a, b = make_org(client), make_org(client)
        mine = make_demand(client, a["id"])
        make_demand(client, b["id"])
        assert list_ids(client, URL, organization_id=a["id"]) == [mine["id"]]

    def test_filter_external_id(self, client) -> None:
        org = make_org(client)
        wanted = make_demand(client, org["id"], external_id="X-1")
        make_demand(client, org["id"], external_id="X-2")
        make_demand(client, org["id"])
        assert list_ids(client, URL, external_id="X-1") == [wanted["id"]]

    def test_filter_status(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"])
        filled = make_demand(client, org["id"], status="filled")
        assert list_ids(client, URL, status="filled") == [filled["id"]]

    def test_filter_status_invalid_is_422(self, client) -> None:
        body = assert_problem(client.get(URL, params={"status": "gone"}), 422)
        assert error_fields(body) == [("status", "query")]

    def test_filter_education_level(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"])
        bachelor = make_demand(client, org["id"], education_level="bachelor")
        assert list_ids(client, URL, education_level="bachelor") == [bachelor["id"]]

    def test_filter_employment_type(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"])
        intern = make_demand(client, org["id"], employment_type="internship")
        assert list_ids(client, URL, employment_type="internship") == [intern["id"]]

    def test_filter_region_code_province_prefix_and_exact(self, client) -> None:
        org = make_org(client)
        hechuan = make_demand(client, org["id"], region_code="500117")
        yongchuan = make_demand(client, org["id"], region_code="500118")
        make_demand(client, org["id"], region_code="510104")
        assert list_ids(client, URL, region_code="500000", sort="created_at") == [hechuan["id"], yongchuan["id"]]
        assert list_ids(client, URL, region_code="500118") == [yongchuan["id"]]

    def test_filter_industry_slug_or_catalog_name(self, client) -> None:
        org = make_org(client)
        nev = make_demand(client, org["id"], industry="nev")
        make_demand(client, org["id"], industry="software")
        assert list_ids(client, URL, industry="nev") == [nev["id"]]
        assert list_ids(client, URL, industry="智能网联新能源汽车") == [nev["id"]]

    def test_filter_skill(self, client) -> None:
        org = make_org(client)
        welder = make_demand(client, org["id"], skills=["焊接", "识图"])
        make_demand(client, org["id"], skills=["PLC"])
        assert list_ids(client, URL, skill="焊接") == [welder["id"]]

    def test_filter_skill_is_an_exact_item_not_a_substring(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"], skills=["PLC编程"])
        assert list_ids(client, URL, skill="PLC") == []

    def test_filter_major(self, client) -> None:
        org = make_org(client)
        wanted = make_demand(client, org["id"], majors=["机电一体化技术", "460301"])
        make_demand(client, org["id"], majors=["电气自动化技术"])
        assert list_ids(client, URL, major="460301") == [wanted["id"]]
        assert list_ids(client, URL, major="机电一体化技术") == [wanted["id"]]

    def test_filter_q_matches_title_or_description(self, client) -> None:
        org = make_org(client)
        by_title = make_demand(client, org["id"], title="Java Developer", description="后端")
        by_text = make_demand(client, org["id"], title="工程师", description="使用 JAVA 与 Spring")
        make_demand(client, org["id"], title="焊工", description="焊接")
        assert list_ids(client, URL, q="java", sort="created_at") == [by_title["id"], by_text["id"]]

    def test_filter_active_on(self, client) -> None:
        org = make_org(client)
        open_ended = make_demand(client, org["id"])
        june = make_demand(client, org["id"], valid_from="2026-06-01", valid_until="2026-06-30")
        make_demand(client, org["id"], valid_from="2026-07-01")
        make_demand(client, org["id"], valid_until="2026-05-31")
        assert list_ids(client, URL, active_on="2026-06-30", sort="created_at") == [open_ended["id"], june["id"]]
        assert list_ids(client, URL, active_on="2026-06-01", sort="created_at") == [open_ended["id"], june["id"]]

    def test_filter_updated_since(self, client) -> None:
        org = make_org(client)
        old = make_demand(client, org["id"])
        new = make_demand(client, org["id"])
        assert list_ids(client, URL, updated_since=new["updated_at"]) == [new["id"]]
        touched = client.patch(f"{URL}/{old['id']}", json={"headcount": 9}).json()
        assert list_ids(client, URL, updated_since=touched["updated_at"]) == [old["id"]]

    def test_filters_combine(self, client) -> None:
        org = make_org(client)
        wanted = make_demand(client, org["id"], skills=["PLC"], status="open", region_code="500117")
        make_demand(client, org["id"], skills=["PLC"], status="closed", region_code="500117")
        make_demand(client, org["id"], skills=["PLC"], status="open", region_code="510104")
        assert list_ids(client, URL, skill="PLC", status="open", region_code="500000") == [wanted["id"]]


class TestPaginationAndSorting:
    def test_default_limit_is_20(self, client) -> None:
        org = make_org(client)
        created = [make_demand(client, org["id"], title=f"岗位{i:02d}")["id"] for i in range(23)]
        page = client.get(URL, params={"sort": "title"}).json()
        assert (page["total"], page["limit"], page["offset"]) == (23, 20, 0)
        assert ids(page) == created[:20]
        rest = client.get(URL, params={"sort": "title", "offset": 20}).json()
        assert (rest["total"], rest["limit"], rest["offset"]) == (23, 20, 20)
        assert ids(rest) == created[20:]

    def test_limit_above_cap_is_clamped_and_reported(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"])
        page = client.get(URL, params={"limit": 1000}).json()
        assert (page["limit"], page["total"], len(page["items"])) == (100, 1, 1)

    def test_offset_past_the_end_gives_empty_items_and_the_total(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"])
        make_demand(client, org["id"])
        response = client.get(URL, params={"offset": 50, "limit": 5})
        assert response.status_code == 200
        assert response.json() == {"items": [], "total": 2, "limit": 5, "offset": 50}

    def test_limit_zero_is_422(self, client) -> None:
        body = assert_problem(client.get(URL, params={"limit": 0}), 422)
        assert error_fields(body) == [("limit", "query")]

    def test_negative_offset_is_422(self, client) -> None:
        body = assert_problem(client.get(URL, params={"offset": -1}), 422)
        assert error_fields(body) == [("offset", "query")]

    def test_sort_ascending_and_descending(self, client) -> None:
        org = make_org(client)
        mid = make_demand(client, org["id"], salary_min=5000, salary_max=8000)
        low = make_demand(client, org["id"], salary_min=3000, salary_max=4000)
        high = make_demand(client, org["id"], salary_min=9000, salary_max=15000)
        assert list_ids(client, URL, sort="salary_max") == [low["id"], mid["id"], high["id"]]
        assert list_ids(client, URL, sort="-salary_max") == [high["id"], mid["id"], low["id"]]

    def test_sort_by_several_keys(self, client) -> None:
        org = make_org(client)
        a = make_demand(client, org["id"], title="A", headcount=2)
        b = make_demand(client, org["id"], title="B", headcount=1)
        c = make_demand(client, org["id"], title="C", headcount=2)
        assert list_ids(client, URL, sort="-headcount,title") == [a["id"], c["id"], b["id"]]
        assert list_ids(client, URL, sort="headcount,-title") == [b["id"], c["id"], a["id"]]

    def test_ties_are_broken_by_id(self, client) -> None:
        org = make_org(client)
        first = make_demand(client, org["id"], title="同名")
        second = make_demand(client, org["id"], title="同名")
        assert list_ids(client, URL, sort="title") == [first["id"], second["id"]]

    def test_unknown_sort_key_is_422_naming_sort(self, client) -> None:
        body = assert_problem(client.get(URL, params={"sort": "title,password"}), 422)
        assert error_fields(body) == [("sort", "query")]
        assert body["detail"].startswith("cannot sort by 'password'")


class TestUpdateDemand:
    def test_changes_only_given_fields(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"])
        response = client.patch(f"{URL}/{demand['id']}", json={"headcount": 8, "skills": ["PLC", "HMI"]})
        assert response.status_code == 200, response.text
        got = response.json()
        assert got == {**demand, "headcount": 8, "skills": ["PLC", "HMI"], "updated_at": got["updated_at"]}
        assert got["created_at"] == demand["created_at"]
        assert _ts(got["updated_at"]) > _ts(demand["updated_at"])
        assert client.get(f"{URL}/{demand['id']}").json() == got

    def test_same_values_change_nothing(self, client, db_session) -> None:
        demand = make_demand(client, make_org(client)["id"])
        got = client.patch(f"{URL}/{demand['id']}", json={"headcount": demand["headcount"]}).json()
        assert got == demand
        assert len(_changes(db_session)) == 1

    def test_null_for_a_required_field_is_422(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"])
        body = assert_problem(client.patch(f"{URL}/{demand['id']}", json={"title": None}), 422)
        assert error_fields(body) == [("title", "body")]
        assert client.get(f"{URL}/{demand['id']}").json() == demand

    def test_null_for_an_optional_field_clears_it(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"])
        got = client.patch(f"{URL}/{demand['id']}", json={"salary_max": None}).json()
        assert (got["salary_min"], got["salary_max"]) == (6000, None)

    def test_salary_min_above_stored_salary_max_is_422_and_nothing_changes(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"], salary_min=6000, salary_max=9000)
        response = client.patch(f"{URL}/{demand['id']}", json={"salary_min": 12000, "headcount": 3})
        body = assert_problem(response, 422)
        assert error_fields(body) == [("salary_min", "body")]
        assert client.get(f"{URL}/{demand['id']}").json() == demand

    def test_dates_in_wrong_order_after_merge_is_422(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"], valid_from="2026-03-01")
        body = assert_problem(client.patch(f"{URL}/{demand['id']}", json={"valid_until": "2026-02-01"}), 422)
        assert error_fields(body) == [("valid_from", "body")]

    def test_removing_both_description_and_skills_is_422(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"])
        body = assert_problem(client.patch(f"{URL}/{demand['id']}", json={"description": "", "skills": []}), 422)
        assert error_fields(body) == [("description", "body")]

    def test_invalid_enum_is_422(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"])
        body = assert_problem(client.patch(f"{URL}/{demand['id']}", json={"status": "done"}), 422)
        assert error_fields(body) == [("status", "body")]

    def test_owner_cannot_be_changed(self, client) -> None:
        demand = make_demand(client, make_org(client)["id"])
        body = assert_problem(client.patch(f"{URL}/{demand['id']}", json={"organization_id": 2}), 422)
        assert error_fields(body) == [("organization_id", "body")]

    def test_external_id_taken_by_a_sibling_is_409(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"], external_id="A")
        other = make_demand(client, org["id"], external_id="B")
        assert_problem(client.patch(f"{URL}/{other['id']}", json={"external_id": "A"}), 409)
        assert client.get(f"{URL}/{other['id']}").json()["external_id"] == "B"

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.patch(f"{URL}/999", json={"headcount": 1}), 404)

    def test_writes_change_log(self, client, db_session) -> None:
        demand = make_demand(client, make_org(client)["id"])
        client.patch(f"{URL}/{demand['id']}", json={"headcount": 2})
        assert _changes(db_session) == [("demand", demand["id"], "upsert"), ("demand", demand["id"], "upsert")]


class TestDeleteDemand:
    def test_deletes_then_404(self, client, db_session) -> None:
        demand = make_demand(client, make_org(client)["id"])
        response = client.delete(f"{URL}/{demand['id']}")
        assert response.status_code == 204
        assert response.content == b""
        assert_problem(client.get(f"{URL}/{demand['id']}"), 404)
        assert_problem(client.delete(f"{URL}/{demand['id']}"), 404)
        assert _changes(db_session) == [("demand", demand["id"], "upsert"), ("demand", demand["id"], "delete")]

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.delete(f"{URL}/999"), 404)
