"""Matching endpoints through the real app, database and engine."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from factories import (
    assert_problem,
    make_cohort,
    make_demand,
    make_offer,
    make_org,
    make_program,
    make_school,
)

NURSING = {
    "name": "护理",
    "major_code": "520201",
    "description": "培养掌握基础护理、老年护理、急救技术的护理人才，面向医院和养老机构。",
    "skills": ["基础护理", "老年护理"],
    "courses": ["基础护理学", "老年护理"],
    "certificates": ["护士执业资格证"],
    "industries": ["care"],
}


def kinds_and_ids(page: dict[str, Any]) -> list[tuple[str, int]]:
    return [(item["kind"], item["id"]) for item in page["items"]]


@pytest.fixture
def world(mclient: Any) -> dict[str, Any]:
    """One enterprise with a PLC demand, a school with an electrical program (and cohort) and a nursing one."""
    ent = make_org(mclient, region_code="500117")
    school = make_school(mclient, region_code="500117")
    demand = make_demand(mclient, ent["id"], headcount=5)
    electrical = make_program(mclient, school["id"])
    nursing = make_program(mclient, school["id"], **NURSING)
    cohort = make_cohort(mclient, electrical["id"], graduates=100, available=3)
    return {"ent": ent, "school": school, "demand": demand, "electrical": electrical, "nursing": nursing,
            "cohort": cohort}


class TestDemandMatches:
    def test_ranks_the_fitting_program_and_cohort_above_the_unrelated_one(self, mclient: Any, world: dict) -> None:
        r = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches")
        assert r.status_code == 200
        page = r.json()
        ranked = kinds_and_ids(page)
        assert set(ranked[:2]) == {("program", world["electrical"]["id"]), ("cohort", world["cohort"]["id"])}
        assert page["limit"] == 10 and page["offset"] == 0 and page["total"] == len(page["items"])
        first = page["items"][0]
        assert set(first) >= {"kind", "id", "external_id", "title", "organization_id", "score", "explanation"}
        assert 0 < first["score"] <= 1
        nursing_scores = [i["score"] for i in page["items"] if i["id"] == world["nursing"]["id"]]
        assert all(s < first["score"] for s in nursing_scores)

    def test_cohort_says_how_much_of_the_headcount_it_can_fill(self, mclient: Any, world: dict) -> None:
        page = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches", params={"kind": "cohort"}).json()
        assert kinds_and_ids(page) == [("cohort", world["cohort"]["id"])]
        item = page["items"][0]
        assert item["fillable"] == 3  # min(available 3, headcount 5)
        assert item["title"] == "电气自动化技术（2026届）"
        assert item["organization_id"] == world["school"]["id"]

    def test_kind_filter_and_pagination(self, mclient: Any, world: dict) -> None:
        url = f"/api/v1/demands/{world['demand']['id']}/matches"
        programs = mclient.get(url, params={"kind": "program"}).json()
        assert {k for k, _ in kinds_and_ids(programs)} == {"program"}
        full = mclient.get(url).json()
        second = mclient.get(url, params={"limit": 1, "offset": 1}).json()
        assert second["items"] == full["items"][1:2]
        assert second["total"] == full["total"] and second["limit"] == 1 and second["offset"] == 1

    def test_min_score_region_and_education_filters(self, mclient: Any, world: dict) -> None:
        url = f"/api/v1/demands/{world['demand']['id']}/matches"
        top = mclient.get(url).json()["items"][0]["score"]
        assert mclient.get(url, params={"min_score": min(top + 0.01, 1.0)}).json()["total"] == 0
        assert mclient.get(url, params={"region_code": "510100"}).json()["total"] == 0
        assert mclient.get(url, params={"region_code": "500000"}).json()["total"] >= 2
        assert mclient.get(url, params={"education_level": "bachelor"}).json()["total"] == 0

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -1}, "offset"),
         ({"min_score": 2}, "min_score"), ({"kind": "school"}, "kind"), ({"region_code": "5001"}, "region_code")],
    )
    def test_bad_parameters_are_422_naming_the_field(self, mclient: Any, world: dict, params: dict, field: str) -> None:
        r = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches", params=params)
        body = assert_problem(r, 422)
        assert [e["field"] for e in body["errors"]] == [field]

    def test_unknown_demand_is_404(self, mclient: Any, world: dict) -> None:
        assert_problem(mclient.get("/api/v1/demands/999999/matches"), 404)

    def test_without_credentials_is_401(self, anon_client: Any, world: dict) -> None:
        assert anon_client.get(f"/api/v1/demands/{world['demand']['id']}/matches").status_code == 401

    def test_explanation_terms_occur_in_both_records(self, mclient: Any, world: dict) -> None:
        item = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches", params={"kind": "program"}).json()[
            "items"
        ][0]
        explanation = item["explanation"]
        assert explanation["matched_terms"]
        demand, program = world["demand"], world["electrical"]
        # A term may come from a field or from a synonym the engine applied (shown as alias→canonical).
        canonical = " ".join(s.split("→")[1] for s in explanation["synonyms"])
        demand_text = " ".join([demand["title"], demand["description"], *demand["skills"], canonical]).lower()
        program_text = " ".join([program["name"], program["description"], *program["skills"], *program["courses"],
                                 *program["certificates"], canonical]).lower()
        for term in explanation["matched_terms"]:
            assert term["term"] in demand_text and term["term"] in program_text, term
        assert {f["name"] for f in explanation["factors"]} >= {"education", "region"}
        assert "电气调试" in explanation["missing_skills"]

    def test_precedent_factor_from_the_shipped_model_is_explained(self, mclient: Any, world: dict) -> None:
        """A nurse demand: the shipped precedents know where similar (护士-like) demands went."""
        nurse = make_demand(
            mclient,
            world["ent"]["id"],
            title="护士",
            description="为病人提供临床护理，执行医嘱，观察病情变化，做好护理记录和健康教育。",
            skills=[],
            majors=[],
        )
        items = mclient.get(f"/api/v1/demands/{nurse['id']}/matches", params={"kind": "program"}).json()["items"]
        assert items[0]["id"] == world["nursing"]["id"]
        by_id = {i["id"]: {f["name"]: f for f in i["explanation"]["factors"]} for i in items}
        prec = by_id[world["nursing"]["id"]]["precedent"]
        assert prec["value"] > 0.05 and prec["weight"] == 0.4
        assert prec["note"].startswith("similar demands matched before: ")
        other = by_id.get(world["electrical"]["id"])
        assert other is None or other["precedent"]["value"] < prec["value"]
        # the shipped re-ranker scores the head of every demand query through the API too
        rr = by_id[world["nursing"]["id"]]["reranker"]
        assert rr["weight"] == 2.0 and 0 < rr["value"] < 1 and rr["note"].startswith("learned re-ranker")
        scores = [i["score"] for i in items]
        assert scores == sorted(scores, reverse=True)

    def test_english_records_get_the_semantic_factor(self, mclient: Any, world: dict) -> None:
        """The shipped sentence encoder scores English pairs through the API; Chinese pairs go without."""
        english = {"skills": [], "courses": [], "certificates": []}
        nursing, autos = (
            make_program(mclient, world["school"]["id"], name=name, major_code=code, description=text, **english)
            for name, code, text in (
                ("Professional Nursing", "520201",
                 "Prepares students to care for the sick and injured: patient assessment and ward practice."),
                ("Automotive Maintenance", "500211", "Vehicle care, engine repair and servicing of cars and trucks."),
            )
        )
        nurse = make_demand(mclient, world["ent"]["id"], title="Registered Nurse",
                            description="Provide care to ill patients on a hospital ward.", skills=[], majors=[])
        items = mclient.get(f"/api/v1/demands/{nurse['id']}/matches", params={"kind": "program"}).json()["items"]
        by_id = {i["id"]: {f["name"]: f for f in i["explanation"]["factors"]} for i in items}
        ranked = [i["id"] for i in items]
        assert ranked.index(nursing["id"]) < ranked.index(autos["id"])
        sem = by_id[nursing["id"]]["semantic"]
        assert sem["weight"] == 0.8 and sem["value"] > by_id[autos["id"]]["semantic"]["value"] + 0.2
        assert "sentence embeddings" in sem["note"]
        # the Chinese nursing program has no English text: the factor is unknown for it
        assert by_id[world["nursing"]["id"]]["semantic"]["value"] is None
        # a Chinese demand: no semantic factor at all
        zh = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches").json()["items"]
        assert zh and all("semantic" not in {f["name"] for f in i["explanation"]["factors"]} for i in zh)


class TestIndexFollowsWrites:
    def test_create_update_and_delete_are_seen_by_the_next_request(self, mclient: Any, world: dict) -> None:
        url = f"/api/v1/demands/{world['demand']['id']}/matches"
        new = make_program(mclient, world["school"]["id"], name="工业机器人技术", major_code="460305",
                           description="PLC编程、电气调试、工业机器人操作与维护。", skills=["PLC", "电气调试"])
        assert ("program", new["id"]) in kinds_and_ids(mclient.get(url).json())
        mclient.patch(f"/api/v1/programs/{new['id']}", json={"status": "closed"})
        assert ("program", new["id"]) not in kinds_and_ids(mclient.get(url).json())
        mclient.patch(f"/api/v1/programs/{new['id']}", json={"status": "open"})
        assert ("program", new["id"]) in kinds_and_ids(mclient.get(url).json())
        assert mclient.delete(f"/api/v1/programs/{new['id']}").status_code == 204
        assert ("program", new["id"]) not in kinds_and_ids(mclient.get(url).json())

    def test_a_program_change_reaches_its_cohorts(self, mclient: Any, world: dict) -> None:
        mclient.patch(f"/api/v1/programs/{world['electrical']['id']}", json={"name": "电气自动化技术（智能产线方向）"})
        page = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches", params={"kind": "cohort"}).json()
        assert page["items"][0]["title"] == "电气自动化技术（智能产线方向）（2026届）"

    def test_a_cohort_with_nobody_left_never_matches(self, mclient: Any, world: dict) -> None:
        mclient.patch(f"/api/v1/cohorts/{world['cohort']['id']}", json={"available": 0})
        page = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches", params={"kind": "cohort"}).json()
        assert page["total"] == 0

    def test_bulk_import_is_seen(self, mclient: Any, world: dict) -> None:
        rows = [{"external_id": f"B{i}", "name": f"机电一体化技术{i}", "description": "PLC 电气调试 机电设备"} for i in range(3)]
        r = mclient.post(f"/api/v1/programs/bulk?organization_id={world['school']['id']}", json=rows)
        assert r.status_code == 200, r.text
        new_ids = {item["id"] for item in r.json()["items"]}
        page = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches", params={"kind": "program"}).json()
        assert new_ids <= {i for _, i in kinds_and_ids(page)}


class TestSupplySide:
    def test_program_and_cohort_rank_demands_and_never_closed_or_expired_ones(self, mclient: Any, world: dict) -> None:
        ent = world["ent"]["id"]
        closed = make_demand(mclient, ent, title="PLC工程师（已招满）", status="filled")
        expired = make_demand(mclient, ent, title="PLC电气工程师（过期）",
                              valid_from=str(date.today() - timedelta(days=60)),
                              valid_until=str(date.today() - timedelta(days=1)))
        draft = make_demand(mclient, ent, title="PLC电气工程师（草稿）", status="draft")
        for url in (f"/api/v1/programs/{world['electrical']['id']}/matches",
                    f"/api/v1/cohorts/{world['cohort']['id']}/matches"):
            page = mclient.get(url).json()
            ids = {i for _, i in kinds_and_ids(page)}
            assert world["demand"]["id"] in ids
            assert not ids & {closed["id"], expired["id"], draft["id"]}
            assert {k for k, _ in kinds_and_ids(page)} == {"demand"}

    def test_offer_matches_the_other_direction_of_other_organizations(self, mclient: Any, world: dict) -> None:
        seek = make_offer(mclient, world["ent"]["id"], direction="seek", kind="order_class",
                          title="新能源汽车订单班合作", skills=["新能源汽车"])
        offer = make_offer(mclient, world["school"]["id"], direction="offer", kind="order_class",
                           title="新能源汽车技术专业订单班", description="学院开设新能源汽车订单班，每年30人。",
                           skills=["新能源汽车"])
        same_side = make_offer(mclient, world["ent"]["id"], direction="seek", kind="order_class",
                               title="新能源汽车订单班合作二期", skills=["新能源汽车"])
        page = mclient.get(f"/api/v1/cooperation-offers/{seek['id']}/matches").json()
        assert kinds_and_ids(page) == [("offer", offer["id"])]
        assert same_side["id"] not in {i for _, i in kinds_and_ids(page)}


class TestAdHocMatch:
    @pytest.mark.parametrize(("target", "kind"), [("programs", "program"), ("cohorts", "cohort"), ("demands", "demand")])
    def test_free_text_against_each_side(self, mclient: Any, world: dict, target: str, kind: str) -> None:
        r = mclient.post("/api/v1/match", json={"target": target, "title": "PLC电气调试", "text": "PLC 电气调试 自动化"})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert items and {i["kind"] for i in items} == {kind}

    def test_nursing_text_finds_the_nursing_program_first(self, mclient: Any, world: dict) -> None:
        r = mclient.post("/api/v1/match", json={"target": "programs", "text": "养老院招聘护士，负责老年护理"})
        assert r.json()["items"][0]["id"] == world["nursing"]["id"]

    def test_bad_target_is_422(self, mclient: Any, world: dict) -> None:
        body = assert_problem(mclient.post("/api/v1/match", json={"target": "schools", "text": "x"}), 422)
        assert [e["field"] for e in body["errors"]] == ["target"]


class TestSearch:
    @pytest.mark.parametrize("query", ["电气自动化技术", "电气自动化计术", "电气自动技术", "电气自动化化技术", "电气动自化技术"])
    def test_a_program_name_with_one_edit_is_found_first(self, mclient: Any, world: dict, query: str) -> None:
        items = mclient.get("/api/v1/search", params={"q": query, "type": "program"}).json()["items"]
        assert items[0]["id"] == world["electrical"]["id"]

    @pytest.mark.parametrize("query", ["Quality Engineer", "Qualty Engineer", "Quality Enginer", "Qaulity Engineer"])
    def test_english_titles_with_a_typo(self, mclient: Any, world: dict, query: str) -> None:
        d = make_demand(mclient, world["ent"]["id"], title="Quality Engineer", description="SMT process quality")
        make_demand(mclient, world["ent"]["id"], title="Equipment Engineer", description="maintenance")
        items = mclient.get("/api/v1/search", params={"q": query, "type": "demand"}).json()["items"]
        assert items[0]["id"] == d["id"]

    def test_searches_all_published_kinds_and_hides_drafts(self, mclient: Any, world: dict) -> None:
        draft = make_demand(mclient, world["ent"]["id"], title="电气自动化技术员（草稿）", status="draft")
        page = mclient.get("/api/v1/search", params={"q": "电气自动化"}).json()
        found = set(kinds_and_ids(page))
        assert ("program", world["electrical"]["id"]) in found and ("cohort", world["cohort"]["id"]) in found
        assert ("demand", draft["id"]) not in found

    def test_region_filter(self, mclient: Any, world: dict) -> None:
        assert mclient.get("/api/v1/search", params={"q": "护理", "region_code": "510100"}).json()["total"] == 0
        assert mclient.get("/api/v1/search", params={"q": "护理", "region_code": "500000"}).json()["total"] >= 1

    @pytest.mark.parametrize(("params", "field"), [({"q": ""}, "q"), ({"q": "x", "type": "school"}, "type"),
                                                   ({"q": "x", "limit": 0}, "limit")])
    def test_bad_parameters(self, mclient: Any, world: dict, params: dict, field: str) -> None:
        body = assert_problem(mclient.get("/api/v1/search", params=params), 422)
        assert [e["field"] for e in body["errors"]] == [field]


class TestTenancy:
    def test_another_tenants_draft_demand_has_no_matches_to_show(self, mclient: Any, client_as: Any, world: dict) -> None:
        draft = make_demand(mclient, world["ent"]["id"], status="draft")
        other = make_org(mclient)
        outsider = client_as("org_editor", organization_id=other["id"])
        assert outsider.get(f"/api/v1/demands/{draft['id']}/matches").status_code == 404
        assert outsider.get(f"/api/v1/demands/{world['demand']['id']}/matches").status_code == 200

    def test_draft_programs_never_appear_in_matches(self, mclient: Any, world: dict) -> None:
        draft = make_program(mclient, world["school"]["id"], name="电气自动化技术（草稿）", status="draft")
        page = mclient.get(f"/api/v1/demands/{world['demand']['id']}/matches").json()
        assert ("program", draft["id"]) not in kinds_and_ids(page)
