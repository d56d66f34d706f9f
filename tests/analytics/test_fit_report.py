"""Major-industry fit report in JSON, CSV and HTML on the fixed world (year 2025)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

URL = "/api/v1/analytics/fit-report"


def sections(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["region_code"]: s for s in body["regions"]}


def rows(section: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["industry"]: r for r in section["industries"]}


def test_json(client: Any, world: dict[str, Any]) -> None:
    body = client.get(URL, params={"year": 2025}).json()
    assert body["title"] == "专业结构与产业结构匹配状况报告"
    by_region = sections(body)
    assert list(by_region) == ["500112", "500117"]
    hechuan = by_region["500117"]
    assert hechuan["region_name"] == "合川区" and hechuan["fit_index"] == 1.0
    assert rows(hechuan)["smart_mfg"] | {"industry_name": None} == {
        "industry": "smart_mfg", "industry_name": None, "demand": 40, "graduates": 100, "available": 20,
        "enrollment": 120, "demand_share": 1.0, "graduates_share": 1.0, "enrollment_share": 1.0,
        "share_gap": 0.0, "coverage": 2.5}
    yubei = by_region["500112"]
    # demand all nev (9); graduates nev 40, smart_mfg 10 (P3, closed: no enrollment)
    assert (yubei["fit_index"], yubei["enrollment_fit_index"]) == (0.8, 1.0)
    assert rows(yubei)["smart_mfg"]["coverage"] is None and rows(yubei)["smart_mfg"]["share_gap"] == 0.2
    assert rows(yubei)["nev"]["coverage"] == pytest.approx(4.4444)
    assert yubei["best_served"] == ["nev"] and yubei["worst_served"] == ["nev"]
    overall = body["overall"]
    assert overall["totals"] == {"demand": 49, "graduates": 150, "available": 56, "enrollment": 200}
    assert overall["best_served"] == ["nev", "smart_mfg"] and overall["worst_served"] == ["smart_mfg", "nev"]
    assert overall["fit_index"] == pytest.approx(0.917, abs=1e-3)


def test_csv(client: Any, world: dict[str, Any]) -> None:
    response = client.get(URL, params={"year": 2025, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="fit-report-2025-2025.csv"' in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [(r["region_code"], r["industry"]) for r in table] == [
        ("all", "smart_mfg"), ("all", "nev"), ("500112", "nev"), ("500112", "smart_mfg"), ("500117", "smart_mfg")]
    yubei_nev = table[2]
    assert (yubei_nev["region_name"], yubei_nev["industry_name"], yubei_nev["demand"], yubei_nev["graduates"]) == (
        "渝北区", "智能网联新能源汽车", "9.0", "40")
    assert yubei_nev["region_fit_index"] == "0.8" and table[3]["coverage"] == ""


def test_html(client: Any, world: dict[str, Any]) -> None:
    response = client.get(URL, params={"year": 2025, "format": "html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<title>专业结构与产业结构匹配状况报告 2025</title>" in html
    assert "合川区 (500117)" in html and "渝北区 (500112)" in html
    assert "<td>智能网联新能源汽车</td><td>9</td><td>40</td><td>30</td>" in html
    assert "<b>0.80</b>" in html and "@media print" in html
    english = client.get(URL, params={"year": 2025, "format": "html", "lang": "en"}).text
    assert "Major-industry structure fit report" in english and "Worst-served industries" in english


def test_html_escapes_names(client: Any, world: dict[str, Any]) -> None:
    from factories import make_demand

    make_demand(client, world["e1"]["id"], industry="<script>x</script>", valid_from="2025-01-01")
    html = client.get(URL, params={"year": 2025, "format": "html"}).text
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
