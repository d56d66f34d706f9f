"""Organizations: /api/v1/organizations."""

from __future__ import annotations

from datetime import datetime

from factories import (
    assert_problem,
    error_fields,
    ids,
    list_ids,
    make_cohort,
    make_demand,
    make_offer,
    make_org,
    make_program,
    make_school,
)
from sqlalchemy import select

from app.changes.models import ChangeLogEntry

URL = "/api/v1/organizations"
CONTRACT = {"id", "kind", "name", "code", "region_code", "industry", "created_at", "updated_at"}


def _ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


class TestCreateOrganization:
    def test_creates_with_every_field(self, client) -> None:
        body = {
            "kind": "enterprise",
            "name": "重庆长安汽车股份有限公司",
            "code": "91500000202805720T",
            "region_code": "500112",
            "industry": "nev",
            "consortia": ["重庆市智能网联新能源汽车产教联合体"],
            "description": "整车制造",
            "website": "https://www.changan.com.cn/",
            "verified": False,
        }
        response = client.post(URL, json=body)
        assert response.status_code == 201, response.text
        got = response.json()
        assert set(got) >= CONTRACT
        assert got == {**body, "id": got["id"], "created_at": got["created_at"], "updated_at": got["updated_at"]}
        assert _ts(got["created_at"]) <= _ts(got["updated_at"])

    def test_defaults(self, client) -> None:
        response = client.post(URL, json={"kind": "school", "name": "重庆工程职业技术学院"})
        assert response.status_code == 201, response.text
        got = response.json()
        assert {k: v for k, v in got.items() if k not in {"id", "created_at", "updated_at"}} == {
            "kind": "school",
            "name": "重庆工程职业技术学院",
            "code": None,
            "region_code": None,
            "industry": None,
            "consortia": [],
            "description": "",
            "website": None,
            "verified": True,
        }

    def test_industry_catalog_name_is_stored_as_slug(self, client) -> None:
        org = make_org(client, industry="智能装备及智能制造")
        assert org["industry"] == "smart_mfg"

    def test_industry_english_name_is_stored_as_slug(self, client) -> None:
        org = make_org(client, industry="Rail transit")
        assert org["industry"] == "rail_transit"

    def test_name_is_trimmed_of_whitespace_and_zero_width_characters(self, client) -> None:
        org = make_org(client, name="  重庆\u200b测试\ufeff企业 \t")
        assert org["name"] == "重庆测试企业"

    def test_duplicate_code_is_409(self, client) -> None:
        make_org(client, code="915000001234567890")
        body = assert_problem(
            client.post(URL, json={"kind": "enterprise", "name": "另一家", "code": "915000001234567890"}), 409
        )
        assert body["title"] == "Conflict"
        assert client.get(URL, params={"code": "915000001234567890"}).json()["total"] == 1

    def test_unknown_kind_is_422(self, client) -> None:
        body = assert_problem(client.post(URL, json={"kind": "club", "name": "x"}), 422)
        assert error_fields(body) == [("kind", "body")]

    def test_missing_name_is_422(self, client) -> None:
        body = assert_problem(client.post(URL, json={"kind": "school"}), 422)
        assert error_fields(body) == [("name", "body")]

    def test_blank_name_is_422(self, client) -> None:
        body = assert_problem(client.post(URL, json={"kind": "school", "name": " \u200b "}), 422)
        assert error_fields(body) == [("name", "body")]
        assert body["errors"][0]["code"] == "string_too_short"

    def test_name_over_200_characters_is_422(self, client) -> None:
        body = assert_problem(client.post(URL, json={"kind": "school", "name": "校" * 201}), 422)
        assert error_fields(body) == [("name", "body")]
        assert body["errors"][0]["code"] == "string_too_long"

    def test_name_of_exactly_200_characters_is_accepted(self, client) -> None:
        assert make_org(client, name="企" * 200)["name"] == "企" * 200

    def test_description_over_20000_characters_is_422(self, client) -> None:
        body = assert_problem(
            client.post(URL, json={"kind": "school", "name": "x", "description": "d" * 20_001}), 422
        )
        assert error_fields(body) == [("description", "body")]

    def test_bad_region_code_is_422(self, client) -> None:
        body = assert_problem(client.post(URL, json={"kind": "school", "name": "x", "region_code": "50011"}), 422)
        assert error_fields(body) == [("region_code", "body")]

    def test_unknown_field_is_422(self, client) -> None:
        body = assert_problem(client.post(URL, json={"kind": "school", "name": "x", "nmae": "typo"}), 422)
        assert error_fields(body) == [("nmae", "body")]
        assert body["errors"][0]["code"] == "extra_forbidden"

    def test_read_only_fields_in_body_are_ignored(self, client) -> None:
        response = client.post(
            URL,
            json={"kind": "school", "name": "x", "id": 999, "created_at": "2000-01-01T00:00:00Z",
                  "updated_at": "2000-01-01T00:00:00Z"},
        )
        assert response.status_code == 201, response.text
        got = response.json()
        assert got["id"] != 999
        assert _ts(got["created_at"]).year > 2000
        assert client.get(f"{URL}/999").status_code == 404


class TestReadOrganization:
    def test_reads_created_record(self, client) -> None:
        org = make_org(client, code="C-1")
        response = client.get(f"{URL}/{org['id']}")
        assert response.status_code == 200
        assert response.json() == org

    def test_unknown_id_is_404(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/424242"), 404)
        assert body["detail"] == "organization 424242 does not exist"
        assert body["errors"] == []

    def test_non_positive_id_is_422(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/0"), 422)
        assert error_fields(body) == [("record_id", "path")]


class TestListOrganizations:
    def test_empty(self, client) -> None:
        response = client.get(URL)
        assert response.status_code == 200
        assert response.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}

    def test_filter_kind(self, client) -> None:
        make_org(client)
        school = make_school(client)
        assert list_ids(client, URL, kind="school") == [school["id"]]

    def test_filter_kind_invalid_is_422(self, client) -> None:
        body = assert_problem(client.get(URL, params={"kind": "club"}), 422)
        assert error_fields(body) == [("kind", "query")]

    def test_filter_region_code_province_prefix_and_exact(self, client) -> None:
        hechuan = make_org(client, region_code="500117")
        yubei = make_org(client, region_code="500112")
        make_org(client, region_code="510104")
        make_org(client, region_code=None)
        assert list_ids(client, URL, region_code="500000", sort="created_at") == [hechuan["id"], yubei["id"]]
        assert list_ids(client, URL, region_code="500112") == [yubei["id"]]

    def test_filter_region_code_city_prefix(self, client) -> None:
        chengdu = make_org(client, region_code="510104")
        make_org(client, region_code="510302")
        assert list_ids(client, URL, region_code="510100") == [chengdu["id"]]

    def test_filter_region_code_malformed_is_422(self, client) -> None:
        body = assert_problem(client.get(URL, params={"region_code": "50"}), 422)
        assert error_fields(body) == [("region_code", "query")]

    def test_filter_industry_by_slug_and_by_catalog_name(self, client) -> None:
        org = make_org(client, industry="smart_mfg")
        make_org(client, industry="biomed")
        assert list_ids(client, URL, industry="smart_mfg") == [org["id"]]
        assert list_ids(client, URL, industry="智能装备及智能制造") == [org["id"]]

    def test_filter_code(self, client) -> None:
        org = make_org(client, code="A-1")
        make_org(client, code="A-2")
        assert list_ids(client, URL, code="A-1") == [org["id"]]

    def test_filter_consortium(self, client) -> None:
        member = make_org(client, consortia=["重庆市智能制造产教联合体", "西部职教联盟"])
        make_org(client, consortia=["西部职教联盟"])
        make_org(client)
        assert list_ids(client, URL, consortium="重庆市智能制造产教联合体") == [member["id"]]

    def test_filter_verified(self, client) -> None:
        make_org(client)
        unverified = make_org(client, verified=False)
        assert list_ids(client, URL, verified="false") == [unverified["id"]]

    def test_filter_q_is_case_insensitive_substring_of_name(self, client) -> None:
        org = make_org(client, name="Chongqing ROBOTICS Ltd")
        make_org(client, name="重庆某食品公司")
        assert list_ids(client, URL, q="robotics") == [org["id"]]

    def test_filter_q_treats_percent_literally(self, client) -> None:
        org = make_org(client, name="100%新能源")
        make_org(client, name="100新能源")
        assert list_ids(client, URL, q="0%") == [org["id"]]

    def test_sort_by_name_ascending_and_descending(self, client) -> None:
        b = make_org(client, name="B")
        a = make_org(client, name="A")
        c = make_org(client, name="C")
        assert list_ids(client, URL, sort="name") == [a["id"], b["id"], c["id"]]
        assert list_ids(client, URL, sort="-name") == [c["id"], b["id"], a["id"]]

    def test_sort_by_several_keys(self, client) -> None:
        s1 = make_school(client, name="B校")
        e1 = make_org(client, name="B企")
        s2 = make_school(client, name="A校")
        e2 = make_org(client, name="A企")
        assert list_ids(client, URL, sort="kind,-name") == [e1["id"], e2["id"], s1["id"], s2["id"]]

    def test_default_sort_is_newest_first(self, client) -> None:
        first = make_org(client)
        second = make_org(client)
        assert list_ids(client, URL) == [second["id"], first["id"]]

    def test_sort_by_unknown_key_is_422_naming_sort(self, client) -> None:
        body = assert_problem(client.get(URL, params={"sort": "website"}), 422)
        assert error_fields(body) == [("sort", "query")]
        assert "website" in body["detail"]


class TestUpdateOrganization:
    def test_changes_only_given_fields(self, client) -> None:
        org = make_org(client, code="U-1", description="旧")
        response = client.patch(f"{URL}/{org['id']}", json={"description": "新的介绍"})
        assert response.status_code == 200, response.text
        got = response.json()
        assert got == {**org, "description": "新的介绍", "updated_at": got["updated_at"]}
        assert _ts(got["updated_at"]) > _ts(org["updated_at"])
        assert client.get(f"{URL}/{org['id']}").json() == got

    def test_industry_name_is_normalised(self, client) -> None:
        org = make_org(client)
        got = client.patch(f"{URL}/{org['id']}", json={"industry": "生物医药"}).json()
        assert got["industry"] == "biomed"

    def test_null_for_required_field_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.patch(f"{URL}/{org['id']}", json={"name": None}), 422)
        assert error_fields(body) == [("name", "body")]
        assert client.get(f"{URL}/{org['id']}").json() == org

    def test_code_taken_by_another_is_409(self, client) -> None:
        make_org(client, code="TAKEN")
        org = make_org(client, code="MINE")
        assert_problem(client.patch(f"{URL}/{org['id']}", json={"code": "TAKEN"}), 409)
        assert client.get(f"{URL}/{org['id']}").json()["code"] == "MINE"

    def test_changing_kind_of_owner_is_409(self, client) -> None:
        org = make_org(client)
        make_demand(client, org["id"])
        assert_problem(client.patch(f"{URL}/{org['id']}", json={"kind": "school"}), 409)
        assert client.get(f"{URL}/{org['id']}").json()["kind"] == "enterprise"

    def test_unknown_field_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.patch(f"{URL}/{org['id']}", json={"color": "red"}), 422)
        assert error_fields(body) == [("color", "body")]

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.patch(f"{URL}/999", json={"name": "x"}), 404)


class TestDeleteOrganization:
    def test_deletes_then_404(self, client) -> None:
        org = make_org(client)
        response = client.delete(f"{URL}/{org['id']}")
        assert response.status_code == 204
        assert response.content == b""
        assert_problem(client.get(f"{URL}/{org['id']}"), 404)

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.delete(f"{URL}/999"), 404)

    def test_owner_of_records_is_409_and_kept(self, client) -> None:
        org = make_org(client)
        demand = make_demand(client, org["id"])
        body = assert_problem(client.delete(f"{URL}/{org['id']}"), 409)
        assert "cascade=true" in body["detail"]
        assert client.get(f"{URL}/{org['id']}").status_code == 200
        assert client.get(f"/api/v1/demands/{demand['id']}").status_code == 200

    def test_school_with_program_is_409(self, client) -> None:
        school = make_school(client)
        make_program(client, school["id"])
        assert_problem(client.delete(f"{URL}/{school['id']}"), 409)

    def test_cascade_deletes_every_owned_record(self, client, db_session) -> None:
        enterprise = make_org(client)
        school = make_school(client)
        demand = make_demand(client, enterprise["id"])
        offer = make_offer(client, enterprise["id"])
        program = make_program(client, school["id"])
        cohort = make_cohort(client, program["id"])
        school_offer = make_offer(client, school["id"])
        other_demand = make_demand(client, make_org(client)["id"])

        assert client.delete(f"{URL}/{enterprise['id']}", params={"cascade": "true"}).status_code == 204
        assert client.delete(f"{URL}/{school['id']}", params={"cascade": "true"}).status_code == 204

        for path in (
            f"{URL}/{enterprise['id']}",
            f"{URL}/{school['id']}",
            f"/api/v1/demands/{demand['id']}",
            f"/api/v1/cooperation-offers/{offer['id']}",
            f"/api/v1/programs/{program['id']}",
            f"/api/v1/cohorts/{cohort['id']}",
            f"/api/v1/cooperation-offers/{school_offer['id']}",
        ):
            assert client.get(path).status_code == 404, path
        assert ids(client.get("/api/v1/demands").json()) == [other_demand["id"]]
        deletes = db_session.execute(
            select(ChangeLogEntry.entity, ChangeLogEntry.entity_id).where(ChangeLogEntry.op == "delete")
        ).all()
        assert sorted(deletes) == sorted([
            ("demand", demand["id"]),
            ("cooperation_offer", offer["id"]),
            ("program", program["id"]),
            ("cohort", cohort["id"]),
            ("cooperation_offer", school_offer["id"]),
        ])
