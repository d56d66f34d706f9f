"""Reference catalogs: /api/v1/catalog/*."""

from __future__ import annotations

from factories import assert_problem, error_fields

from app.core.enums import CooperationKind, EducationLevel, EmploymentType

URL = "/api/v1/catalog"


def _get(client, path: str, **params) -> dict:
    response = client.get(f"{URL}/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _codes(page: dict) -> list[str]:
    return [item["code"] for item in page["items"]]


class TestEnumCatalogs:
    def test_education_levels_lowest_first(self, client) -> None:
        page = _get(client, "education-levels")
        assert (page["total"], page["limit"], page["offset"]) == (7, 7, 0)
        assert _codes(page) == ["any", "secondary_vocational", "higher_vocational", "vocational_bachelor",
                                "bachelor", "master", "doctorate"]
        assert [item["rank"] for item in page["items"]] == list(range(7))
        assert set(_codes(page)) == {e.value for e in EducationLevel}
        assert page["items"][2] == {"code": "higher_vocational", "name": "高职专科",
                                    "name_en": "Higher vocational (associate)", "rank": 2}

    def test_employment_types(self, client) -> None:
        page = _get(client, "employment-types")
        assert page["total"] == 4
        assert _codes(page) == ["full_time", "internship", "apprenticeship", "part_time"]
        assert set(_codes(page)) == {e.value for e in EmploymentType}
        assert page["items"][0] == {"code": "full_time", "name": "全职", "name_en": "Full-time"}

    def test_cooperation_kinds(self, client) -> None:
        page = _get(client, "cooperation-kinds")
        assert page["total"] == 8
        assert set(_codes(page)) == {k.value for k in CooperationKind}
        assert (page["items"][0]["code"], page["items"][0]["name"]) == ("order_class", "订单班")


class TestIndustries:
    def test_all(self, client) -> None:
        page = _get(client, "industries")
        assert page["total"] == 18
        assert len(page["items"]) == 18
        assert {"nev", "smart_mfg", "software", "biomed"} <= set(_codes(page))
        nev = next(item for item in page["items"] if item["code"] == "nev")
        assert (nev["name"], nev["name_en"]) == ("智能网联新能源汽车", "Intelligent connected new-energy vehicles")

    def test_q_matches_chinese_or_english_name(self, client) -> None:
        assert _codes(_get(client, "industries", q="新能源汽车")) == ["nev"]
        assert _codes(_get(client, "industries", q="RAIL")) == ["rail_transit"]

    def test_q_without_match_is_empty(self, client) -> None:
        assert _get(client, "industries", q="不存在的行业") == {"items": [], "total": 0, "limit": 0, "offset": 0}


class TestRegions:
    def test_chongqing_has_38_counties(self, client) -> None:
        page = _get(client, "regions", parent="500000", limit=100)
        assert (page["total"], len(page["items"])) == (38, 38)
        assert {item["level"] for item in page["items"]} == {"county"}
        assert {item["parent"] for item in page["items"]} == {"500000"}
        assert "500117" in _codes(page)

    def test_default_page_size_is_20(self, client) -> None:
        page = _get(client, "regions", parent="500000")
        assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (38, 20, 0, 20)
        rest = _get(client, "regions", parent="500000", offset=20)
        assert len(rest["items"]) == 18
        assert set(_codes(page)).isdisjoint(_codes(rest))

    def test_level_filter(self, client) -> None:
        assert _get(client, "regions", level="province")["total"] == 31
        cities = _get(client, "regions", level="city", limit=100)
        assert cities["total"] == 21
        assert {item["parent"] for item in cities["items"]} == {"510000"}

    def test_q_filter(self, client) -> None:
        page = _get(client, "regions", q="合川")
        assert page["items"] == [{"code": "500117", "name": "合川区", "name_en": "Hechuan District", "level": "county",
                                  "parent": "500000"}]
        assert _codes(_get(client, "regions", q="chengdu")) == ["510100"]

    def test_invalid_level_is_422(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/regions", params={"level": "village"}), 422)
        assert error_fields(body) == [("level", "query")]

    def test_invalid_parent_is_422(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/regions", params={"parent": "50"}), 422)
        assert error_fields(body) == [("parent", "query")]


class TestMajors:
    def test_default_page(self, client) -> None:
        page = _get(client, "majors")
        assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (1256, 20, 0, 20)
        assert page["items"][0] == {"code": "210101", "name": "现代种业技术", "level": "vocational_bachelor",
                                    "category_code": "2101", "category_code_2": "21"}

    def test_pagination(self, client) -> None:
        last = _get(client, "majors", offset=1250, limit=100)
        assert (last["limit"], len(last["items"])) == (100, 6)
        assert last["items"][-1]["code"] == "790403"
        assert _get(client, "majors", offset=5000)["items"] == []

    def test_q_filter(self, client) -> None:
        page = _get(client, "majors", q="机电一体化技术")
        assert [(m["code"], m["level"]) for m in page["items"]] == [("460301", "higher_vocational")]

    def test_q_matches_code(self, client) -> None:
        assert _codes(_get(client, "majors", q="460306")) == ["460306"]

    def test_level_filter(self, client) -> None:
        assert _get(client, "majors", level="higher_vocational")["total"] == 679
        assert _get(client, "majors", level="secondary_vocational")["total"] == 340
        assert _get(client, "majors", level="vocational_bachelor")["total"] == 237
        assert _get(client, "majors", level="master")["total"] == 0

    def test_group_filter(self, client) -> None:
        page = _get(client, "majors", group="4603")
        assert page["total"] == 10
        assert _codes(page)[:3] == ["460301", "460302", "460304"]
        assert _get(client, "majors", group="46")["total"] == 60

    def test_filters_combine(self, client) -> None:
        assert _codes(_get(client, "majors", group="4603", q="机器人")) == ["460304", "460305"]

    def test_invalid_group_and_level_are_422(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/majors", params={"group": "4", "level": "phd"}), 422)
        assert sorted(error_fields(body)) == [("group", "query"), ("level", "query")]


class TestMajorGroups:
    def test_all(self, client) -> None:
        page = _get(client, "major-groups")
        assert (page["total"], len(page["items"])) == (57, 57)
        assert page["items"][0] == {"code": "21", "name": "农林牧渔大类",
                                    "name_en": "Agriculture, Forestry, Animal Husbandry and Fishery",
                                    "level": "vocational_bachelor"}
