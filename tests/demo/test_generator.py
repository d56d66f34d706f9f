"""Tests for the deterministic demo-data generator (app.demo.generator)."""

import json
from datetime import date
from pathlib import Path

import pytest

from app.demo.generator import DemoData, generate_demo

TODAY = date(2026, 5, 20)
DATA = Path(__file__).resolve().parents[2] / "app" / "catalog" / "data"


def catalog(name):
    return {r["code"]: r for r in json.loads((DATA / name).read_text(encoding="utf-8"))}


def uscc_valid(code: str) -> bool:
    """GB 32100-2015 check character of an 18-char unified social credit code."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    if len(code) != 18 or any(c not in chars for c in code):
        return False
    total = sum(chars.index(c) * w for c, w in zip(code[:17], weights, strict=True))
    return chars[(31 - total % 31) % 31] == code[17]


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo(TODAY)


def test_deterministic(demo):
    assert generate_demo(TODAY).as_dict() == demo.as_dict()
    assert json.dumps(generate_demo(TODAY).as_dict(), ensure_ascii=False) == json.dumps(
        demo.as_dict(), ensure_ascii=False
    )
    other = generate_demo(date(2025, 9, 1))
    assert other.demands[0]["valid_from"] != demo.demands[0]["valid_from"] or other.cohorts != demo.cohorts


def test_volumes(demo):
    kinds = [o["kind"] for o in demo.organizations]
    assert kinds.count("enterprise") >= 30
    assert kinds.count("school") >= 15
    assert kinds.count("government") + kinds.count("institute") >= 2
    assert len(demo.demands) >= 300
    assert len(demo.programs) >= 150
    assert len(demo.offers) >= 40
    assert len(demo.cohorts) == 3 * len(demo.programs)
    assert {o["direction"] for o in demo.offers} == {"offer", "seek"}


def test_refs_resolve_and_ownership(demo):
    orgs = {o["ref"]: o for o in demo.organizations}
    assert len(orgs) == len(demo.organizations)
    assert all(orgs[d["organization_ref"]]["kind"] == "enterprise" for d in demo.demands)
    assert all(orgs[p["organization_ref"]]["kind"] == "school" for p in demo.programs)
    assert all(o["organization_ref"] in orgs for o in demo.offers)
    programs = {p["ref"]: p for p in demo.programs}
    assert len(programs) == len(demo.programs)
    assert all(p["ref"] == f"{p['organization_ref']}/{p['external_id']}" for p in demo.programs)
    assert all(c["program_ref"] in programs for c in demo.cohorts)


def test_unique_codes_and_external_ids(demo):
    codes = [o["code"] for o in demo.organizations]
    assert len(codes) == len(set(codes))
    for o in demo.organizations:
        if o["kind"] == "school":
            assert len(o["code"]) == 10 and o["code"].startswith("41") and o["code"].isdigit()
        else:
            assert uscc_valid(o["code"]), o["code"]
    for rows in (demo.demands, demo.programs):
        keys = [(r["organization_ref"], r["external_id"]) for r in rows]
        assert len(keys) == len(set(keys))


def test_enums_and_catalog_codes(demo):
    levels = set(catalog("education_levels.json"))
    etypes = set(catalog("employment_types.json"))
    kinds = set(catalog("cooperation_kinds.json"))
    industries = set(catalog("industries.json"))
    regions = set(catalog("regions.json"))
    majors = catalog("majors.json")
    major_names = {m["name"] for m in majors.values()}
    for o in demo.organizations:
        assert o["kind"] in {"enterprise", "school", "government", "institute"}
        assert o["region_code"] in regions and o["industry"] in industries
        assert o["verified"] is True and o["consortia"]
    for d in demo.demands:
        assert d["education_level"] in levels and d["employment_type"] in etypes
        assert d["status"] in {"draft", "open", "filled", "closed"}
        assert d["industry"] in industries and d["region_code"] in regions
        assert d["majors"] and all(m in major_names or m in majors for m in d["majors"])
        assert d["skills"] and d["headcount"] >= 1
    for p in demo.programs:
        assert p["major_code"] in majors
        assert p["education_level"] == majors[p["major_code"]]["level"]
        assert p["name"].startswith(majors[p["major_code"]]["name"])
        assert p["region_code"] in regions and set(p["industries"]) <= industries
        assert p["status"] in {"draft", "open", "closed"} and p["annual_enrollment"] > 0
        assert p["courses"] and p["skills"] and p["certificates"]
    for c in demo.cohorts:
        assert c["region_code"] in regions
    for o in demo.offers:
        assert o["kind"] in kinds and o["direction"] in {"offer", "seek"} and o["region_code"] in regions
        assert o["status"] in {"draft", "open", "closed"}
        assert o["capacity"] is None or o["capacity"] > 0


def test_value_constraints(demo):
    for d in demo.demands + demo.offers:
        assert 0 < len(d["title"]) <= 200
        if d["valid_from"] and d["valid_until"]:
            assert d["valid_from"] <= d["valid_until"]
    for d in demo.demands:
        assert (d["salary_min"] is None) == (d["salary_max"] is None)
        if d["salary_min"] is not None:
            assert 1000 <= d["salary_min"] <= d["salary_max"] <= 40000
        assert d["valid_from"] <= TODAY.isoformat()
    for c in demo.cohorts:
        assert 0 <= c["available"] <= c["graduates"]
        assert TODAY.year - 2 <= c["graduation_year"] <= TODAY.year


def test_realism(demo):
    demands = demo.demands
    english = [d for d in demands if d["title"].isascii()]
    assert 0.08 <= len(english) / len(demands) <= 0.25
    statuses = [d["status"] for d in demands]
    assert statuses.count("open") > len(demands) / 2
    assert {d["valid_from"][:4] for d in demands} >= {str(TODAY.year - y) for y in range(3)}
    expired_open = [
        d for d in demands if d["status"] == "open" and d["valid_until"] and d["valid_until"] < TODAY.isoformat()
    ]
    assert expired_open  # a few stale postings exist
    # latest cohort has more graduates still available than older ones
    by_year = {}
    for c in demo.cohorts:
        by_year[c["graduation_year"]] = by_year.get(c["graduation_year"], 0) + c["available"]
    assert by_year[TODAY.year] > by_year[TODAY.year - 1] > by_year[TODAY.year - 2]


def test_records_validate_against_api_schemas(demo):
    """Every generated record is accepted by the API's input schemas (minus the demo's linking refs)."""
    demands = pytest.importorskip("app.demands.schemas")
    programs = pytest.importorskip("app.programs.schemas")
    offers = pytest.importorskip("app.offers.schemas")
    cohorts = pytest.importorskip("app.cohorts.schemas")
    organizations = pytest.importorskip("app.organizations.schemas")

    def strip(row, *keys):
        return {k: v for k, v in row.items() if k not in keys}

    for o in demo.organizations:
        organizations.OrganizationCreate(**strip(o, "ref"))
    for d in demo.demands:
        demands.DemandBody(**strip(d, "organization_ref", "external_id"))
    for p in demo.programs:
        programs.ProgramBody(**strip(p, "ref", "organization_ref", "external_id"))
    for o in demo.offers:
        offers.OfferBody(**strip(o, "organization_ref"))
    for c in demo.cohorts:
        cohorts.CohortBody(**strip(c, "program_ref"))
