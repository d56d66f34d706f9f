"""Major early warning: levels at the threshold edges, reasons, low confidence, and the API."""

from __future__ import annotations

from typing import Any

import pytest

from app.analytics.scope import Thresholds
from app.analytics.warnings import evaluate

URL = "/api/v1/analytics/warnings"
TH = Thresholds(shortage_ratio=1.2, surplus_ratio=0.8, red_ratio=0.5, min_demand=10, min_supply=10,
                unplaced_share=0.3, trend_drop=0.1, trend_years=3)


def cells(*years: tuple[int, float, int, int]) -> dict[int, dict[str, float]]:
    """(year, demand, available, graduates) per year."""
    return {y: {"demand": d, "supply": s, "graduates": g} for y, d, s, g in years}


def codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reasons"]]


class TestEvaluate:
    def test_red_ratio_edge_plus_unplaced_edge_is_red(self) -> None:
        # ratio exactly 0.5 (2 points) and unplaced exactly 30% (1 point)
        result = evaluate(cells((2025, 15, 30, 100)), 2025, TH)
        assert (result["level"], result["score"], result["ratio"], result["unplaced_share"]) == ("red", 3, 0.5, 0.3)
        assert codes(result) == ["red_ratio", "unplaced"]
        assert result["reasons"][0]["message"] == "供需比 0.50 ≤ 0.5（需求 15 人，可供毕业生 30 人），严重供过于求"
        assert result["reasons"][1]["message"] == "未落实去向毕业生占比 30% ≥ 30%（30/100 人）"

    def test_surplus_ratio_edge_is_amber(self) -> None:
        result = evaluate(cells((2025, 16, 20, 100)), 2025, TH)
        assert (result["level"], result["score"], codes(result)) == ("amber", 1, ["surplus"])

    def test_just_inside_every_threshold_is_green(self) -> None:
        result = evaluate(cells((2025, 16.2, 20, 69)), 2025, TH)   # ratio 0.81, unplaced 28.99%
        assert (result["level"], result["reasons"]) == ("green", [])

    def test_falling_trend_at_its_edge(self) -> None:
        # ratios 1.1, 1.0, 0.9: slope -0.1 a year on a mean of 1.0
        result = evaluate(cells((2023, 11, 10, 100), (2024, 10, 10, 100), (2025, 9, 10, 100)), 2025, TH)
        assert result["trend"] == {"years": [2023, 2024, 2025], "ratios": [1.1, 1.0, 0.9], "slope": -0.1,
                                   "relative_change": -0.1}
        assert (result["level"], codes(result)) == ("amber", ["falling"])
        assert result["reasons"][0]["message"] == "供需比近3年持续下降，年均变化 -10%（1.10 → 1.00 → 0.90）"

    def test_all_signals_in_english(self) -> None:
        result = evaluate(cells((2024, 30, 20, 40), (2025, 5, 30, 40)), 2025, TH, "en")
        assert (result["level"], result["score"]) == ("red", 4)
        assert codes(result) == ["red_ratio", "falling", "unplaced"]
        assert result["reasons"][2]["message"] == "75% of graduates still unplaced >= 30% (30 of 40)"

    def test_shortage_is_noted_not_warned(self) -> None:
        result = evaluate(cells((2025, 30, 10, 100)), 2025, TH)
        assert (result["level"], codes(result)) == ("green", ["shortage"])

    @pytest.mark.parametrize(("demand", "supply", "level"), [
        (9, 9, "low_confidence"), (9.99, 0, "low_confidence"), (10, 9, "green"), (0, 10, "amber"),
    ])
    def test_low_confidence_edges(self, demand: float, supply: int, level: str) -> None:
        result = evaluate(cells((2025, demand, supply, 100)), 2025, TH)
        assert result["level"] == level
        if level == "low_confidence":
            assert result["reasons"][0]["code"] == "low" and result["score"] == 0


def test_api_on_the_fixed_world(client: Any, world: dict[str, Any]) -> None:
    body = client.get(URL, params={"year": 2025}).json()
    assert body["summary"] == {"red": 1, "amber": 0, "green": 1, "low_confidence": 3}
    first = body["items"][0]
    # 新能源汽车技术 in 渝北: no 2025 demand vs 30 available; 2024 ratio 12/5 = 2.4; 30 of 40 unplaced
    assert (first["major_code"], first["region_code"], first["level"], first["score"]) == ("460702", "500112", "red", 4)
    assert first["major_name"] == "新能源汽车技术" and first["region_name"] == "渝北区"
    assert first["trend"]["ratios"] == [2.4, 0.0]
    green = next(i for i in body["items"] if i["level"] == "green")
    assert (green["major_code"], green["demand"], green["supply"], green["ratio"]) == ("460306", 35, 20, 1.75)
    reds = client.get(URL, params={"year": 2025, "level": "red"}).json()["items"]
    assert [i["major_code"] for i in reds] == ["460702"]


def test_thresholds_from_query(client: Any, world: dict[str, Any]) -> None:
    body = client.get(URL, params={"year": 2025, "min_demand": 3, "min_supply": 3}).json()
    assert body["summary"]["low_confidence"] == 0
    assert body["thresholds"]["min_demand"] == 3
