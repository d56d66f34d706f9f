"""Sanity checks for the shipped reference catalogs in app/catalog/data."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "app" / "catalog" / "data"
BENCHMARK_SUPPLIES = Path("/work/shared/benchmark/zh/supplies.jsonl")

FILES = [
    "majors.json",
    "major_groups.json",
    "regions.json",
    "industries.json",
    "education_levels.json",
    "employment_types.json",
    "cooperation_kinds.json",
]
MAJOR_LEVELS = {"secondary_vocational", "higher_vocational", "vocational_bachelor"}


def load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", FILES)
def test_file_loads_with_unique_codes(name):
    rows = load(name)
    assert isinstance(rows, list) and rows
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(isinstance(r["name"], str) and r["name"] for r in rows)


def test_majors():
    majors = load("majors.json")
    groups = {g["code"] for g in load("major_groups.json")}
    first_digit_level = {
        "2": "vocational_bachelor",
        "3": "vocational_bachelor",
        "4": "higher_vocational",
        "5": "higher_vocational",
        "6": "secondary_vocational",
        "7": "secondary_vocational",
    }
    for m in majors:
        assert m["level"] in MAJOR_LEVELS
        assert m["level"] == first_digit_level[m["code"][0]]
        assert m["code"][:6].isdigit()
        assert m["category_code"] == m["code"][:4]
        assert m["category_code_2"] == m["code"][:2]
        assert m["category_code_2"] in groups
    assert [m["code"] for m in majors] == sorted(m["code"] for m in majors)
    by_code = {m["code"]: m["name"] for m in majors}
    assert by_code["510203"] == "软件技术"
    assert by_code["460702"] == "新能源汽车技术"
    assert by_code["520201"] == "护理"


@pytest.mark.skipif(not BENCHMARK_SUPPLIES.exists(), reason="benchmark not available")
def test_majors_match_benchmark():
    lines = [json.loads(x) for x in BENCHMARK_SUPPLIES.read_text(encoding="utf-8").splitlines() if x.strip()]
    majors = load("majors.json")
    assert len(majors) == len(lines)
    assert {m["code"] for m in majors} == {r["id"].split(":", 1)[1] for r in lines}


def test_regions():
    regions = load("regions.json")
    assert all(r["level"] in {"province", "city", "county"} for r in regions)
    assert all(r["name_en"] for r in regions)
    codes = {r["code"] for r in regions}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    provinces = [r for r in regions if r["level"] == "province"]
    assert len(provinces) == 31 and all(r["parent"] is None for r in provinces)
    cq = [r for r in regions if r["level"] == "county" and r["parent"] == "500000"]
    assert len(cq) == 38
    assert all(r["parent"] is None or r["parent"] in codes for r in regions)
    assert {r["code"]: r["name"] for r in regions}["500117"] == "合川区"


def test_industries():
    majors = [m["code"] for m in load("majors.json")]
    for ind in load("industries.json"):
        assert ind["code"].replace("_", "").isascii() and ind["code"] == ind["code"].lower()
        assert ind["keywords"] and ind["name_en"]
        for g in ind["related_major_groups"]:
            assert any(c.startswith(g) for c in majors), (ind["code"], g)


def test_small_enums():
    levels = load("education_levels.json")
    assert [r["rank"] for r in levels] == sorted(r["rank"] for r in levels)
    assert {r["code"] for r in levels} == MAJOR_LEVELS | {"bachelor", "master", "doctorate", "any"}
    assert {r["code"]: r["rank"] for r in levels}["any"] == 0
    assert {r["code"] for r in load("employment_types.json")} == {
        "full_time",
        "internship",
        "apprenticeship",
        "part_time",
    }
    kinds = load("cooperation_kinds.json")
    assert {r["code"] for r in kinds} == {
        "order_class",
        "apprenticeship",
        "internship",
        "training_base",
        "industry_college",
        "rd_project",
        "tech_service",
        "staff_training",
    }
    assert all(r["description"] and r["name_en"] for r in kinds)
