"""GET /api/v1/analytics/supply-demand against the fixed world (tests/analytics/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from analytics_helpers import by_key

URL = "/api/v1/analytics/supply-demand"


class TestByIndustry:
    def test_2025_numbers(self, client: Any, world: dict[str, Any]) -> None:
        body = client.get(URL, params={"year": 2025, "dimension": "industry"}).json()
        items = by_key(body)
        assert set(items) == {"smart_mfg", "nev"}
        smart = items["smart_mfg"]
        # demand D1 30 + D2 10; supply P1 20 + P3 6 (primary industry); P3 closed: no pipeline
        assert smart["demand"] == 40 and smart["demands"] == 2 and smart["enterprises"] == 1
        assert (smart["supply"], smart["graduates"], smart["pipeline"], smart["schools"]) == (26, 110, 120, 2)
        assert smart["gap"] == 14 and smart["ratio"] == pytest.approx(40 / 26, abs=1e-6)
        assert smart["label"] == "智能装备及智能制造"
        nev = items["nev"]
        assert (nev["demand"], nev["supply"], nev["graduates"], nev["pipeline"]) == (9, 30, 40, 80)
        assert nev["gap"] == -21 and nev["ratio"] == pytest.approx(0.3)
        assert body["totals"] == {
            "demand": 49, "demands": 3, "enterprises": 2, "supply": 56, "graduates": 150, "pipeline": 200,
            "schools": 2, "gap": -7, "ratio": pytest.approx(49 / 56, abs=1e-6),
        }
        assert [i["key"] for i in body["items"]] == ["smart_mfg", "nev"]

    def test_year_range_adds_history(self, client: Any, world: dict[str, Any]) -> None:
        body = client.get(URL, params={"year_from": 2024, "year_to": 2025}).json()
        nev = by_key(body)["nev"]
        # D3 9 + D5 12; cohorts P2 2024 5 + 2025 30
        assert (nev["demand"], nev["supply"], nev["graduates"]) == (21, 35, 70)

    def test_open_only_and_english_labels(self, client: Any, world: dict[str, Any]) -> None:
        client.patch(f"/api/v1/demands/{world['d1']['id']}", json={"status": "filled"})
        body = client.get(URL, params={"year": 2025, "demand_status": "open", "lang": "en"}).json()
        smart = by_key(body)["smart_mfg"]
        assert smart["demand"] == 10
        assert smart["label"] == "Intelligent equipment and smart manufacturing" or smart["label"].isascii()


class TestByMajor:
    def test_mapping_sources_and_split(self, client: Any, world: dict[str, Any]) -> None:
        body = client.get(URL, params={"year": 2025, "dimension": "major"}).json()
        items = by_key(body)
        eaa = items["460306"]
        assert eaa["demand"] == 35 and eaa["supply"] == 20 and eaa["ratio"] == 1.75
        assert eaa["demand_by_source"] == {"wanted": 35}
        assert eaa["label"] == "电气自动化技术"
        assert items["460301"]["demand"] == 5 and items["460301"]["supply"] == 6
        assert items["460702"]["demand"] == 0 and items["460702"]["supply"] == 30
        # D3 is classified to categories 4607, 5002 (no single major) and major 510107
        assert items["510107"]["demand"] == 3 and items["510107"]["demand_by_source"] == {"classified": 3}
        assert items[None]["demand"] == 6
        assert body["mapping"] == {"wanted": 40, "classified": 9}

    def test_major_category(self, client: Any, world: dict[str, Any]) -> None:
        items = by_key(client.get(URL, params={"year": 2025, "dimension": "major_category"}).json())
        assert items["4603"]["demand"] == 40 and items["4603"]["supply"] == 26
        assert items["4607"]["demand"] == 3 and items["4607"]["supply"] == 30

    def test_filter_by_major_name_on_region_dimension(self, client: Any, world: dict[str, Any]) -> None:
        body = client.get(URL, params={"year": 2025, "dimension": "region", "major": "电气自动化技术"}).json()
        items = by_key(body)
        assert set(items) == {"500117"}
        assert items["500117"]["demand"] == 35 and items["500117"]["supply"] == 20
        assert items["500117"]["label"] == "合川区"

    def test_mapping_follows_demand_updates(self, client: Any, world: dict[str, Any]) -> None:
        client.get(URL, params={"year": 2025, "dimension": "major"})
        client.patch(f"/api/v1/demands/{world['d1']['id']}", json={"majors": ["机电一体化技术"]})
        items = by_key(client.get(URL, params={"year": 2025, "dimension": "major"}).json())
        assert items["460306"]["demand"] == 5 and items["460301"]["demand"] == 35

    def test_deleted_demand_drops_out(self, client: Any, world: dict[str, Any]) -> None:
        client.get(URL, params={"year": 2025, "dimension": "major"})
        assert client.delete(f"/api/v1/demands/{world['d1']['id']}").status_code == 204
        items = by_key(client.get(URL, params={"year": 2025, "dimension": "major"}).json())
        assert items["460306"]["demand"] == 5


class TestOtherDimensions:
    def test_region_city_level(self, client: Any, world: dict[str, Any]) -> None:
        items = by_key(client.get(URL, params={"year": 2025, "dimension": "region", "region_level": "province"}).json())
        assert set(items) == {"500000"}
        assert items["500000"]["demand"] == 49 and items["500000"]["supply"] == 56

    def test_education_level(self, client: Any, world: dict[str, Any]) -> None:
        items = by_key(client.get(URL, params={"year": 2025, "dimension": "education_level"}).json())
        assert items["higher_vocational"]["demand"] == 49 and items["higher_vocational"]["label"] == "高职专科"

    def test_demand_year_falls_back_to_created_at(self, client: Any, world: dict[str, Any]) -> None:
        from datetime import date

        from factories import make_demand

        make_demand(client, world["e1"]["id"], headcount=7, industry="smart_mfg", valid_from=None)
        items = by_key(client.get(URL, params={"year": date.today().year}).json())
        assert items["smart_mfg"]["demand"] == 7


class TestValidation:
    @pytest.mark.parametrize("params", [
        {"dimension": "colour"}, {"year": 2025, "year_from": 2024}, {"year_from": 2026, "year_to": 2025},
        {"major": "火星学"}, {"region_code": "12"},
    ])
    def test_bad_parameters_are_422(self, client: Any, params: dict[str, Any]) -> None:
        response = client.get(URL, params=params)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
