"""Shortage / surplus classification: thresholds at their edges and low-confidence marking."""

from __future__ import annotations

from typing import Any

import pytest
from analytics_helpers import by_key

from app.analytics.scope import Thresholds
from app.analytics.supply_demand import classify

URL = "/api/v1/analytics/imbalances"
TH = Thresholds(shortage_ratio=1.2, surplus_ratio=0.8, red_ratio=0.5, min_demand=10, min_supply=10,
                unplaced_share=0.3, trend_drop=0.1, trend_years=3)


@pytest.mark.parametrize(("demand", "supply", "expected"), [
    (12, 10, "shortage"),        # ratio exactly 1.2: shortage (inclusive)
    (11.99, 10, "balanced"),
    (8, 10, "surplus"),          # ratio exactly 0.8: surplus (inclusive)
    (8.01, 10, "balanced"),
    (20, 0, "shortage"),         # no supply at all
    (0, 10, "surplus"),
    (9, 9, "low_confidence"),    # both below their minimums
    (9, 10, "balanced"),         # supply reaches its minimum: judged (ratio 0.9)
    (10, 9, "balanced"),         # demand reaches its minimum: judged (ratio 1.11)
    (9.99, 9.99, "low_confidence"),
    (0, 0, "low_confidence"),
])
def test_classify_edges(demand: float, supply: float, expected: str) -> None:
    assert classify(demand, supply, TH) == expected


def test_lists_with_numbers(client: Any, world: dict[str, Any]) -> None:
    body = client.get(URL, params={"year": 2025, "dimension": "major"}).json()
    # 460306: 35 wanted / 20 available = 1.75 -> shortage; 460702: 0 / 30 -> surplus
    shortage = by_key(body, "shortage")
    assert list(shortage) == ["460306"]
    assert shortage["460306"]["ratio"] == 1.75 and shortage["460306"]["gap"] == 15
    assert "1.75 >= 1.2" in shortage["460306"]["reason"]
    assert list(by_key(body, "surplus")) == ["460702"]
    # 460301 (5 vs 6), 510107 (3 vs 0) and the category-only bucket (6 vs 0) are too small to judge
    assert set(by_key(body, "low_confidence")) == {"460301", "510107", None}
    assert body["thresholds"] == {"shortage_ratio": 1.2, "surplus_ratio": 0.8, "min_demand": 10, "min_supply": 10}


def test_thresholds_overridable_by_query(client: Any, world: dict[str, Any]) -> None:
    params = {"year": 2025, "dimension": "major", "shortage_ratio": 2, "min_demand": 3, "min_supply": 3}
    body = client.get(URL, params=params).json()
    assert set(by_key(body, "balanced")) == {"460306", "460301"}    # 1.75 < 2 and 5/6 > 0.8
    assert set(by_key(body, "shortage")) == {"510107", None}        # wanted, none available
    assert set(by_key(body, "surplus")) == {"460702"}
    assert body["low_confidence"] == []


def test_settings_are_the_defaults(client: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.config import get_settings

    monkeypatch.setenv("ANALYTICS_SHORTAGE_RATIO", "1.8")
    get_settings.cache_clear()
    try:
        body = client.get(URL, params={"year": 2025, "dimension": "major"}).json()
    finally:
        monkeypatch.delenv("ANALYTICS_SHORTAGE_RATIO")
        get_settings.cache_clear()
    assert body["thresholds"]["shortage_ratio"] == 1.8
    assert "460306" in by_key(body, "balanced")


def test_surplus_must_be_below_shortage(client: Any) -> None:
    response = client.get(URL, params={"surplus_ratio": 1.5, "shortage_ratio": 1.2})
    assert response.status_code == 422
