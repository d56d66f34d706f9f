"""Forecast method on known series, back-test metrics, and the forecast API on the fixed world."""

from __future__ import annotations

from typing import Any

import pytest
from analytics_helpers import by_key

from app.analytics.trend import backtest, error_metrics, forecast_next


class TestForecastNext:
    def test_exact_line_has_zero_width_interval(self) -> None:
        fc = forecast_next({2021: 10, 2022: 12, 2023: 14, 2024: 16}, 2025)
        assert fc is not None and fc.method == "linear_trend" and fc.points == 4
        assert fc.value == pytest.approx(18) and fc.low == pytest.approx(18) and fc.high == pytest.approx(18)
        assert fc.slope == pytest.approx(2)

    def test_noisy_series_by_hand(self) -> None:
        # slope 8/5 = 1.6, prediction 13 + 1.6 * 2.5 = 17; SSE 7.2, s = sqrt(3.6), se = s * sqrt(2.5) = 3
        # 80% interval: t(0.9, 2 df) = 1.885618 -> ± 5.656854
        fc = forecast_next({2020: 10, 2021: 14, 2022: 12, 2023: 16}, 2024)
        assert fc is not None
        assert fc.value == pytest.approx(17)
        assert fc.low == pytest.approx(17 - 5.656854, abs=1e-5) and fc.high == pytest.approx(17 + 5.656854, abs=1e-5)
        assert "+1.60 a year" in fc.explanation

    def test_two_points_is_naive_with_last_change(self) -> None:
        fc = forecast_next({2023: 10, 2024: 14}, 2025)
        assert fc is not None and (fc.method, fc.value, fc.low, fc.high) == ("naive", 14, 10, 18)

    def test_one_point_is_naive_plus_minus_half(self) -> None:
        fc = forecast_next({2024: 10}, 2025)
        assert fc is not None and (fc.value, fc.low, fc.high) == (10, 5, 15)

    def test_clipped_at_zero_and_empty(self) -> None:
        fc = forecast_next({2021: 6, 2022: 4, 2023: 2}, 2025)
        assert fc is not None and fc.value == 0 and fc.low == 0
        assert forecast_next({}, 2025) is None


def test_backtest_metrics_on_a_line() -> None:
    points = backtest({2020: 10, 2021: 12, 2022: 14, 2023: 16, 2024: 18})
    assert [p["year"] for p in points] == [2022, 2023, 2024]
    # 2022 from two points (naive 12, actual 14); 2023 and 2024 from the exact line
    assert [round(p["forecast"], 6) for p in points] == [12, 16, 18]
    metrics = error_metrics(points)
    assert metrics["points"] == 3 and metrics["mae"] == pytest.approx(0.667)
    assert metrics["mape"] == pytest.approx(0.0476) and metrics["wmape"] == pytest.approx(0.0417)
    assert metrics["naive_mae"] == 2.0
    assert error_metrics([])["mae"] is None


def test_forecast_api(client: Any, world: dict[str, Any]) -> None:
    body = client.get("/api/v1/analytics/forecast", params={"dimension": "industry", "target_year": 2026}).json()
    items = by_key(body)
    smart, nev = items["smart_mfg"], items["nev"]
    assert smart["demand"]["history"] == {"2025": 40}
    assert smart["demand"]["forecast"] | {"explanation": None} == {
        "value": 40, "low": 20, "high": 60, "method": "naive", "points": 1, "slope": None, "explanation": None}
    # supply is forecast on graduates: smart_mfg 90 (P1) in 2024, 100 + 10 (P1, P3) in 2025
    assert smart["supply"]["history"] == {"2024": 90, "2025": 110}
    assert (smart["supply"]["forecast"]["value"], smart["supply"]["forecast"]["low"]) == (110, 90)
    assert nev["demand"]["history"] == {"2024": 12, "2025": 9}
    assert (nev["demand"]["forecast"]["low"], nev["demand"]["forecast"]["high"]) == (6, 12)
    assert (smart["gap"], nev["gap"]) == (-70, -31)
    assert [i["key"] for i in body["items"]] == ["smart_mfg", "nev"]


def test_backtest_api(client: Any, world: dict[str, Any]) -> None:
    from factories import make_cohort

    make_cohort(client, world["p1"]["id"], graduation_year=2022, graduates=50, available=4)
    make_cohort(client, world["p1"]["id"], graduation_year=2023, graduates=50, available=8)
    params = {"dimension": "industry", "year_from": 2021, "year_to": 2025}
    body = client.get("/api/v1/analytics/forecast/backtest", params=params).json()
    # smart_mfg graduates 2022..2025: 50, 50, 90, 110. 2024 from (50, 50): naive 50, error 40;
    # 2025 from the line through (50, 50, 90): 63.333 + 20 * 2 = 103.333, error 6.667. Naive errors 40, 20.
    smart = {k["key"]: k for k in body["supply"]["keys"]}["smart_mfg"]
    assert smart["points"] == 2 and smart["mae"] == pytest.approx(23.333) and smart["naive_mae"] == 30.0
    assert smart["mape"] == pytest.approx((40 / 90 + 6.6667 / 110) / 2, abs=1e-4)
    # nev graduates (30, 40) and all demand series are too short to back-test
    assert body["supply"]["overall"]["points"] == 2 and body["demand"]["overall"]["points"] == 0
