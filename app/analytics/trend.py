"""Small, explainable statistics: least-squares trend, forecast with a prediction interval."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from scipy import stats

LEVEL = 0.8  # prediction interval level


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of ys over xs (None with fewer than two points)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


@dataclass(frozen=True)
class Forecast:
    value: float
    low: float
    high: float
    method: str
    points: int
    slope: float | None
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def forecast_next(history: dict[int, float], target: int, *, level: float = LEVEL) -> Forecast | None:
    """Forecast ``target`` from a yearly series.

    * 3+ points: ordinary least-squares line through the years; the interval is the
      ``level`` prediction interval of that line (Student t, n-2 degrees of freedom).
    * 2 points: the last value (naive); interval ± the last year-on-year change.
    * 1 point: the last value; interval ± 50%.
    Values and bounds are clipped at 0.
    """
    years = sorted(history)
    if not years:
        return None
    ys = [float(history[y]) for y in years]
    n = len(years)
    if n < 3:
        last = ys[-1]
        spread = abs(ys[-1] - ys[-2]) if n == 2 else 0.5 * last
        return Forecast(last, max(0.0, last - spread), last + spread, "naive", n, None,
                        f"last value {last:g} ({years[-1]}); interval ± {spread:g}")
    xs = [float(y) for y in years]
    b = slope(xs, ys) or 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    a = my - b * mx
    pred = a + b * target
    sse = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    s = math.sqrt(sse / (n - 2)) if n > 2 else 0.0
    sxx = sum((x - mx) ** 2 for x in xs)
    se = s * math.sqrt(1 + 1 / n + (target - mx) ** 2 / sxx)
    half = float(stats.t.ppf((1 + level) / 2, n - 2)) * se
    return Forecast(
        max(0.0, pred), max(0.0, pred - half), max(0.0, pred + half), "linear_trend", n, b,
        f"linear trend over {years[0]}-{years[-1]}: {b:+.2f} a year; {int(level * 100)}% interval ± {half:.2f}",
    )


def backtest(series: dict[int, float], *, min_history: int = 2) -> list[dict[str, float]]:
    """Rolling origin: forecast each year from the years before it (at least ``min_history``)."""
    years = sorted(series)
    out = []
    for i, year in enumerate(years):
        past = {y: series[y] for y in years[:i]}
        if len(past) < min_history:
            continue
        fc = forecast_next(past, year)
        assert fc is not None
        out.append({"year": year, "actual": float(series[year]), "forecast": fc.value, "low": fc.low,
                    "high": fc.high, "naive": float(series[years[i - 1]])})
    return out


def error_metrics(points: list[dict[str, float]]) -> dict[str, Any]:
    """MAE, MAPE (years with actual > 0), weighted MAPE, interval coverage and the naive baseline's MAE."""
    if not points:
        return {"points": 0, "mae": None, "mape": None, "wmape": None, "coverage": None, "naive_mae": None}
    errors = [abs(p["forecast"] - p["actual"]) for p in points]
    positive = [p for p in points if p["actual"] > 0]
    total = sum(p["actual"] for p in points)
    return {
        "points": len(points),
        "mae": round(sum(errors) / len(errors), 3),
        "mape": round(sum(abs(p["forecast"] - p["actual"]) / p["actual"] for p in positive) / len(positive), 4)
        if positive else None,
        "wmape": round(sum(errors) / total, 4) if total else None,
        "coverage": round(sum(1 for p in points if p["low"] <= p["actual"] <= p["high"]) / len(points), 4),
        "naive_mae": round(sum(abs(p["naive"] - p["actual"]) for p in points) / len(points), 3),
    }
